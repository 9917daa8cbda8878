// The conformance scenario of kcat (librdkafka, as Debian ships it): auto-creation through
// Metadata, produce and consume, offsets by timestamp and relative to the end, and the errors
// librdkafka reports for an offset out of range and a partition that does not exist. What is
// recorded leaves out the broker's address, so that the two brokers' outputs compare.
import { run } from "../support/clients.js";

async function kcat(bootstrap: string, args: readonly string[], input = ""): Promise<string> {
  try {
    const { stdout, stderr } = await run("kcat", ["-b", bootstrap, ...args], 60_000, input);
    return `${stdout}${stderr}`;
  } catch (error) {
    return String(error instanceof Error ? error.message : error);
  }
}

function errors(output: string, bootstrap: string): string[] {
  return output
    .split("\n")
    .filter((line) => line.includes("ERROR") || line.includes("failed"))
    .map((line) =>
      line
        .replaceAll(bootstrap, "<broker>")
        .replace(/\(broker \d+\)/, "(broker)")
        .trim(),
    )
    .sort();
}

export async function kcatScenario(bootstrap: string, prefix: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const topic = `${prefix}-auto`;
  const metadata = (): Promise<{ topics: { error?: string; partitions: { leader: number }[] }[] }> =>
    kcat(bootstrap, ["-L", "-J", "-t", topic]).then((text) => JSON.parse(text.split("\n")[0]!));
  // The request that creates the topic answers it as unknown, a later one finds it; how many
  // requests that takes depends on the controller's speed, so only the outcome is compared.
  const deadline = Date.now() + 60_000;
  let found = (await metadata()).topics[0]!;
  while (found.partitions.length === 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    found = (await metadata()).topics[0]!;
  }
  out["metadata.created"] = { error: found.error ?? null, partitions: found.partitions.length };

  const lines = Array.from({ length: 10 }, (_, i) => `k${i}:v${i}`).join("\n");
  await kcat(bootstrap, ["-P", "-t", topic, "-p", "0", "-K:", "-X", "acks=all"], `${lines}\n`);
  const consumed = await kcat(bootstrap, ["-C", "-t", topic, "-p", "0", "-o", "beginning", "-e", "-J", "-q"]);
  out["consume.all"] = consumed
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as { offset: number; key: string; payload: string; tstype: string })
    .map((m) => [m.offset, m.key, m.payload, m.tstype]);
  const tail = await kcat(bootstrap, ["-C", "-t", topic, "-p", "0", "-o", "-3", "-e", "-f", "%o %k\\n", "-q"]);
  out["consume.lastThree"] = tail.trim().split("\n");
  const query = await kcat(bootstrap, ["-Q", "-t", `${topic}:0:1`, "-t", `${topic}:0:9999999999999`]);
  out["query.byTimestamp"] = query
    .trim()
    .split("\n")
    .map((line) => line.replace(topic, "<topic>"))
    .sort();
  const beyond = await kcat(bootstrap, [
    "-C",
    "-t",
    topic,
    "-p",
    "0",
    "-o",
    "100",
    "-e",
    "-X",
    "auto.offset.reset=error",
  ]);
  out["consume.beyondEnd"] = errors(beyond.replaceAll(topic, "<topic>"), bootstrap);
  const missing = await kcat(bootstrap, ["-P", "-t", topic, "-p", "7"], "x\n");
  out["produce.unknownPartition"] = errors(missing.replaceAll(topic, "<topic>"), bootstrap);
  return out;
}
