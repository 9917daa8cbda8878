// kafkajs helpers for the broker's integration tests: quiet clients and a consumer that
// collects a known number of records with settings that keep tests fast.
import { Kafka, logLevel, type Consumer, type ConsumerConfig, type KafkaMessage } from "kafkajs";

process.env.KAFKAJS_NO_PARTITIONER_WARNING = "1";

export function kafkaClient(bootstrap: string, clientId = "broker-test"): Kafka {
  return new Kafka({
    clientId,
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 50 },
  });
}

/** Short timeouts: the broker under test runs with group.min.session.timeout.ms lowered. */
export const FAST_CONSUMER: Omit<ConsumerConfig, "groupId"> = {
  sessionTimeout: 3000,
  rebalanceTimeout: 6000,
  heartbeatInterval: 200,
  maxWaitTimeInMs: 100,
};

export interface Consumed {
  partition: number;
  message: KafkaMessage;
}

/** Subscribes from the beginning and resolves once `count` records arrived (then disconnects). */
export async function consume(kafka: Kafka, topic: string, count: number, groupId: string): Promise<Consumed[]> {
  const consumer: Consumer = kafka.consumer({ groupId, ...FAST_CONSUMER });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen: Consumed[] = [];
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        eachMessage: async ({ partition, message }) => {
          seen.push({ partition, message });
          if (seen.length === count) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return seen;
}
