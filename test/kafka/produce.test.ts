import { describe, expect, it } from "vitest";
import { ProduceLedger } from "../../src/kafka/kafkajs/produce-ledger.js";
import {
  chunksOf,
  explicitPartitioner,
  sendByPartition,
  sendTogether,
  toProducedOffsets,
} from "../../src/kafka/produce.js";
import type { ProducedRecord } from "../../src/kafka/types.js";

describe("produce helpers", () => {
  it("maps kafkajs' answers to the offset ranges the records got", () => {
    const records = [
      { topic: "t", partition: 1, key: Buffer.from("k1"), value: null, timestamp: 5 },
      { topic: "u", partition: 0, key: null, value: Buffer.from("v") },
      { topic: "t", partition: 1, key: Buffer.from("k2"), value: Buffer.from("w") },
    ];
    const offsets = toProducedOffsets(
      [
        { topicName: "t", partition: 1, errorCode: 0, baseOffset: "40" },
        { topicName: "u", partition: 0, errorCode: 0, baseOffset: "7" },
      ],
      records,
    );
    expect(offsets).toEqual([
      { topic: "t", partition: 1, baseOffset: 40, lastOffset: 41 },
      { topic: "u", partition: 0, baseOffset: 7, lastOffset: 7 },
    ]);
  });

  it("partitions every record where the runtime put it, and refuses one without a partition", () => {
    const partition = explicitPartitioner();
    expect(partition({ topic: "t", partitionMetadata: [], message: { value: null, partition: 3 } })).toBe(3);
    expect(() => partition({ topic: "t", partitionMetadata: [], message: { value: null } })).toThrow(
      /explicit partition/,
    );
  });
});

describe("chunksOf", () => {
  it("cuts sends at 4000 records or 768 KiB, keeping order, never leaving a record out", () => {
    const small = Array.from({ length: 8_100 }, (_, i) => ({
      topic: "t",
      partition: 0,
      key: Buffer.from(`k${i}`),
      value: null,
    }));
    const chunks = [...chunksOf(small)];
    expect(chunks.map((c) => c.length)).toEqual([4_000, 4_000, 100]);
    expect(chunks.flat()).toEqual(small);
    const big = Array.from({ length: 5 }, () => ({
      topic: "t",
      partition: 0,
      key: null,
      value: Buffer.alloc(300 * 1024),
    }));
    expect([...chunksOf(big)].map((c) => c.length)).toEqual([2, 2, 1]);
    const headers = [{ key: "h", value: Buffer.alloc(200 * 1024) }];
    const withHeaders = Array.from({ length: 5 }, () => ({
      topic: "t",
      partition: 0,
      key: null,
      value: Buffer.alloc(100 * 1024),
      headers,
    }));
    expect([...chunksOf(withHeaders)].map((c) => c.length)).toEqual([2, 2, 1]);
    const huge = [{ topic: "t", partition: 0, key: null, value: Buffer.alloc(900 * 1024) }];
    expect([...chunksOf(huge)].map((c) => c.length)).toEqual([1]);
  });
});

describe("sendByPartition", () => {
  const record = (topic: string, partition: number, i: number) => ({
    topic,
    partition,
    key: Buffer.from(`k${i}`),
    value: Buffer.from(`v${i}`),
  });

  it("hands kafkajs one partition per send, each partition's records in order, and maps the offsets back", async () => {
    const records = Array.from({ length: 9_000 }, (_, i) => record(i % 3 === 0 ? "events" : "replies", i % 2, i));
    const sends: Array<Array<{ topic: string; partition: number; key: string }>> = [];
    const next = new Map<string, number>();
    const produced = await sendByPartition(records, undefined, (chunk) => {
      sends.push(chunk.map((r) => ({ topic: r.topic, partition: r.partition, key: r.key?.toString() ?? "" })));
      const first = chunk[0] as (typeof records)[number];
      const key = `${first.topic}|${first.partition}`;
      const base = next.get(key) ?? 0;
      next.set(key, base + chunk.length);
      return Promise.resolve([
        { topicName: first.topic, partition: first.partition, errorCode: 0, baseOffset: String(base) },
      ]);
    });
    for (const send of sends) expect(new Set(send.map((r) => `${r.topic}|${r.partition}`)).size).toBe(1);
    for (const [topic, partition] of [
      ["events", 0],
      ["events", 1],
      ["replies", 0],
      ["replies", 1],
    ] as const) {
      const expected = records
        .filter((r) => r.topic === topic && r.partition === partition)
        .map((r) => r.key.toString());
      const got = sends.flat().filter((r) => r.topic === topic && r.partition === partition);
      expect(got.map((r) => r.key)).toEqual(expected);
      const ranges = produced.filter((p) => p.topic === topic && p.partition === partition);
      expect(ranges.at(-1)?.lastOffset).toBe(expected.length - 1);
    }
  });

  it("throws a partition's failure only after every other partition's send settled", async () => {
    const records = [record("t", 0, 0), record("t", 1, 1)];
    let slowDone = false;
    const sending = sendByPartition(records, undefined, async (chunk) => {
      if (chunk[0]?.partition === 0) throw new Error("NOT_LEADER_FOR_PARTITION");
      await new Promise((resolve) => setTimeout(resolve, 50));
      slowDone = true;
      return [{ topicName: "t", partition: 1, errorCode: 0, baseOffset: "0" }];
    });
    await expect(sending).rejects.toThrow("NOT_LEADER_FOR_PARTITION");
    expect(slowDone).toBe(true);
  });
});

describe("sendTogether", () => {
  const record = (topic: string, partition: number, i: number): ProducedRecord => ({
    topic,
    partition,
    key: Buffer.from(`k${i}`),
    value: Buffer.from(`v${i}`),
  });
  const retriable = Object.assign(new Error("NOT_LEADER_OR_FOLLOWER"), { retriable: true });
  const options = {
    retryMs: 1,
    isRetriable: (e: unknown) => (e as { retriable?: unknown }).retriable === true,
    giveUpAfterMs: 5_000,
  };
  /** One answer per partition of the chunk, as kafkajs gives them. */
  const answer = (chunk: readonly ProducedRecord[]) =>
    [...new Set(chunk.map((r) => `${r.topic}|${r.partition}`))].map((key) => {
      const [topicName, partition] = key.split("|") as [string, string];
      return { topicName, partition: Number(partition), errorCode: 0, baseOffset: "10" };
    });

  it("sends every partition of a chunk in one send and maps each partition's offsets", async () => {
    const records = Array.from({ length: 9 }, (_, i) => record(i % 3 === 0 ? "events" : "replies", i % 2, i));
    const sends: Array<readonly ProducedRecord[]> = [];
    const ledger = new ProduceLedger();
    const produced = await sendTogether(
      records,
      undefined,
      (chunk) => {
        sends.push(chunk);
        return ledger.track(() => Promise.resolve(answer(chunk)));
      },
      ledger,
      options,
    );
    expect(sends).toEqual([records]);
    expect(produced.map((p) => `${p.topic}|${p.partition}:${p.baseOffset}-${p.lastOffset}`).sort()).toEqual([
      "events|0:10-11",
      "events|1:10-10",
      "replies|0:10-12",
      "replies|1:10-12",
    ]);
  });

  it("retries an attempt none of whose requests was answered, once none is in flight", async () => {
    const records = [record("t", 0, 0), record("t", 1, 1)];
    const ledger = new ProduceLedger();
    let attempts = 0;
    let inFlight = 0;
    const produced = await sendTogether(
      records,
      undefined,
      async (chunk) => {
        attempts += 1;
        expect(inFlight).toBe(0);
        if (attempts === 1) {
          // Two leaders: one refuses at once, the other fails later; kafkajs rejects at the first.
          inFlight += 1;
          void ledger
            .track(() => new Promise((_, reject) => setTimeout(() => reject(retriable), 20)))
            .catch(() => (inFlight -= 1));
          await ledger.track(() => Promise.reject(retriable));
        }
        return ledger.track(() => Promise.resolve(answer(chunk)));
      },
      ledger,
      options,
    );
    expect(attempts).toBe(2);
    expect(produced).toHaveLength(2);
  });

  it("does not retry an attempt that wrote some partitions (the transaction must abort), nor a non-retriable error", async () => {
    const records = [record("t", 0, 0), record("t", 1, 1)];
    const ledger = new ProduceLedger();
    let attempts = 0;
    const partly = sendTogether(
      records,
      undefined,
      async () => {
        attempts += 1;
        const written = ledger.track(() => new Promise((resolve) => setTimeout(() => resolve([]), 10)));
        await ledger.track(() => Promise.reject(retriable));
        return written as Promise<never>;
      },
      ledger,
      options,
    );
    await expect(partly).rejects.toThrow("NOT_LEADER_OR_FOLLOWER");
    expect(attempts).toBe(1);
    expect(ledger.answered).toBe(1);

    attempts = 0;
    const fatal = sendTogether(
      records,
      undefined,
      () => {
        attempts += 1;
        return ledger.track(() => Promise.reject(new Error("MESSAGE_TOO_LARGE")));
      },
      ledger,
      options,
    );
    await expect(fatal).rejects.toThrow("MESSAGE_TOO_LARGE");
    expect(attempts).toBe(1);
  });

  it("fails a send kafkajs' retry resolved without the partitions whose leader moved to a broker that had answered", async () => {
    // Two leaders: events on broker 1 answers, replies on frozen broker 3 fails. kafkajs'
    // retry finds the replies' leadership moved to broker 1, which answered the first
    // attempt, sends no request and resolves with broker 1's answer alone.
    const records = [record("events", 2, 0), record("replies", 2, 1)];
    const ledger = new ProduceLedger();
    let attempts = 0;
    const sending = sendTogether(
      records,
      undefined,
      async (chunk) => {
        attempts += 1;
        const events = answer(chunk.filter((r) => r.topic === "events"));
        const broker1 = ledger.track(() => Promise.resolve(events));
        const broker3 = ledger.track(() => Promise.reject(retriable));
        await Promise.all([broker1, broker3]).catch(() => undefined);
        return events;
      },
      ledger,
      options,
    );
    await expect(sending).rejects.toThrow("NOT_LEADER_OR_FOLLOWER");
    expect(attempts).toBe(1);
  });

  it("fails a send answered for only some of its partitions", async () => {
    const records = [record("events", 2, 0), record("replies", 2, 1), record("replies", 3, 2)];
    const ledger = new ProduceLedger();
    const sending = sendTogether(
      records,
      undefined,
      (chunk) => ledger.track(() => Promise.resolve(answer(chunk.filter((r) => r.partition === 2)))),
      ledger,
      options,
    );
    await expect(sending).rejects.toThrow("answers for 2 of its 3 partitions");
  });

  it("gives up retrying after giveUpAfterMs", async () => {
    const ledger = new ProduceLedger();
    let attempts = 0;
    const sending = sendTogether(
      [record("t", 0, 0)],
      undefined,
      () => {
        attempts += 1;
        return ledger.track(() => Promise.reject(retriable));
      },
      ledger,
      { ...options, retryMs: 5, giveUpAfterMs: 40 },
    );
    await expect(sending).rejects.toThrow("NOT_LEADER_OR_FOLLOWER");
    expect(attempts).toBeGreaterThan(1);
  });
});
