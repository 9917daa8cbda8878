// A compression bomb (under 1 MB of gzip that inflates to 768 MiB of well-formed records) sent
// to a broker process: refused with MESSAGE_TOO_LARGE on a plain and on a compacted topic,
// without the broker's memory ever approaching what the payload inflates to, and the broker
// keeps serving. (Apache Kafka would inflate it, spending the CPU on a request thread.)
import { once } from "node:events";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Api } from "../../src/broker/protocol/apis.js";
import { ErrorCode } from "../../src/broker/protocol/error-codes.js";
import { peakMemoryBytes, spawnBroker, type BrokerProcess } from "./support/broker-process.js";
import { RawClient } from "./support/raw-client.js";
import { batchWithPayload } from "./support/record-batch-builder.js";

const MiB = 1 << 20;
const VALUE_BYTES = 768 * MiB;

function varint(value: number): Buffer {
  const out: number[] = [];
  let v = value >= 0 ? value * 2 : -value * 2 - 1;
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Buffer.from(out);
}

/** One record with key "k" and a 768 MiB value of zeros, as concatenated gzip members (valid gzip). */
function gzipBomb(): Buffer {
  const valueLength = varint(VALUE_BYTES);
  const bodyLength = 1 + 1 + 1 + 2 + valueLength.length + VALUE_BYTES + 1;
  const head = Buffer.concat([varint(bodyLength), Buffer.from([0, 0, 0, 0x02, 0x6b]), valueLength]);
  const zeros = gzipSync(Buffer.alloc(MiB), { level: 9 });
  return Buffer.concat([
    gzipSync(head),
    ...Array<Buffer>(VALUE_BYTES / MiB).fill(zeros),
    gzipSync(Buffer.from([0])), // no headers
  ]);
}

describe("a compression bomb", () => {
  let broker: BrokerProcess;
  let client: RawClient;

  beforeAll(async () => {
    // Refusals are logged at warn; the assertions check them.
    broker = await spawnBroker(null, 0, { args: ["--no-auto-create"], logLevel: "error" });
    client = await RawClient.connect(broker.bootstrap);
    const created = await client.request(Api.createTopics, 3, {
      topics: [
        { name: "plain", numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
        {
          name: "changelog",
          numPartitions: 1,
          replicationFactor: 1,
          assignments: [],
          configs: [{ name: "cleanup.policy", value: "compact" }],
        },
      ],
      timeoutMs: 5000,
      validateOnly: false,
    });
    expect(created.topics.map((t) => t.errorCode)).toEqual([0, 0]);
  });

  afterAll(async () => {
    client?.close();
    if (broker && broker.child.exitCode === null) {
      broker.child.kill("SIGTERM");
      await once(broker.child, "exit");
    }
  });

  it("is refused with MESSAGE_TOO_LARGE on every topic with bounded memory, and the broker carries on", async () => {
    const payload = gzipBomb();
    expect(payload.length).toBeLessThan(1_000_000);
    const before = peakMemoryBytes(broker.child.pid!);
    for (const topic of ["plain", "changelog"]) {
      const answer = await client.request(Api.produce, 7, {
        transactionalId: null,
        acks: -1,
        timeoutMs: 5000,
        topicData: [{ name: topic, partitionData: [{ index: 0, records: batchWithPayload(1, payload, 1) }] }],
      });
      expect({ topic, errorCode: answer.responses[0]!.partitionResponses[0]!.errorCode }).toEqual({
        topic,
        errorCode: ErrorCode.MESSAGE_TOO_LARGE,
      });
    }
    // The request itself (under 1 MB) and max.message.bytes of output, not the 768 MiB it inflates to.
    expect(peakMemoryBytes(broker.child.pid!) - before).toBeLessThan(128 * MiB);
    const metadata = await client.request(Api.metadata, 1, { topics: null });
    expect(metadata.topics.map((t) => t.name).sort()).toEqual(["changelog", "plain"]);
  });
});
