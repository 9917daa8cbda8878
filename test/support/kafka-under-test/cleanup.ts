// Returning a leased Apache Kafka broker to the pool as a fresh one would be: every consumer
// group and every topic the test file made is deleted (Kafka's own internal topics stay).
// A group still has members for a while after a member's process was killed (until its
// session times out), so groups are deleted once empty; a broker that cannot be cleaned in
// time is not reused.
import kafkajs from "kafkajs";

const EMPTY_STATES = new Set(["Empty", "Dead"]);

export async function deleteEverything(bootstrap: string, timeoutMs = 30_000): Promise<void> {
  const kafka = new kafkajs.Kafka({
    clientId: "eddy-test-pool",
    brokers: bootstrap.split(","),
    logLevel: kafkajs.logLevel.NOTHING,
    retry: { retries: 3, initialRetryTime: 100 },
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { groups } = await admin.listGroups();
      if (groups.length === 0) break;
      const described = await admin.describeGroups(groups.map((g) => g.groupId));
      const empty = described.groups.filter((g) => EMPTY_STATES.has(g.state)).map((g) => g.groupId);
      if (empty.length > 0) await admin.deleteGroups(empty).catch(() => undefined);
      if (empty.length === groups.length) continue;
      if (Date.now() > deadline)
        throw new Error(
          `groups still have members after ${timeoutMs} ms: ${described.groups
            .filter((g) => !EMPTY_STATES.has(g.state))
            .map((g) => `${g.groupId} (${g.state})`)
            .join(", ")}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    for (;;) {
      const topics = (await admin.listTopics()).filter((topic) => !topic.startsWith("__"));
      if (topics.length === 0) break;
      if (Date.now() > deadline) throw new Error(`topics not deleted after ${timeoutMs} ms: ${topics.join(", ")}`);
      await admin.deleteTopics({ topics, timeout: 10_000 }).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await admin.disconnect();
  }
}
