// A fresh Apache Kafka creates __consumer_offsets on the first group request and
// __transaction_state on the first transactional one, answering COORDINATOR_NOT_AVAILABLE
// meanwhile. A cluster in use has both, so pool brokers are warmed up before they are leased:
// then every test file meets the same broker, whichever file comes first.
import kafkajs from "kafkajs";

export async function warmUp(bootstrap: string): Promise<void> {
  const kafka = new kafkajs.Kafka({
    clientId: "eddy-test-pool",
    brokers: bootstrap.split(","),
    logLevel: kafkajs.logLevel.NOTHING,
    retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1_000 },
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    // DescribeGroups goes to the group's coordinator: finding it creates __consumer_offsets.
    await admin.describeGroups(["eddy-test-pool-warm-up"]);
  } finally {
    await admin.disconnect();
  }
  // InitProducerId for a transactional id creates __transaction_state.
  const producer = kafka.producer({
    transactionalId: "eddy-test-pool-warm-up",
    maxInFlightRequests: 1,
    idempotent: true,
  });
  await producer.connect();
  try {
    const transaction = await producer.transaction();
    await transaction.abort();
  } finally {
    await producer.disconnect();
  }
}
