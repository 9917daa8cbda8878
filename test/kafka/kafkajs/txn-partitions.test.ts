import { describe, expect, it } from "vitest";
import { TxnPartitions } from "../../../src/kafka/kafkajs/txn-partitions.js";
import { AttemptClosedError, ProduceLedger } from "../../../src/kafka/kafkajs/produce-ledger.js";

type Topics = Array<{ topic: string; partitions: number[] }>;

const concurrent = (): Error & { type: string } =>
  Object.assign(
    new Error(
      "The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing",
    ),
    {
      type: "CONCURRENT_TRANSACTIONS",
    },
  );

describe("TxnPartitions", () => {
  it("adds every announced partition with the first request, and answers the later ones without a request", async () => {
    const partitions = new TxnPartitions();
    const sent: Topics[] = [];
    const send = (topics: Topics): Promise<unknown> => {
      sent.push(topics);
      return new Promise((resolve) => setTimeout(() => resolve({ throttleTime: 0, errors: [] }), 5));
    };
    partitions.announce([
      { topic: "out", partition: 0 },
      { topic: "out", partition: 1 },
      { topic: "out-changelog", partition: 1 },
      { topic: "out", partition: 0 },
    ]);
    // kafkajs asks once per partition send, all at the same time: one request goes out.
    await Promise.all([
      partitions.add([{ topic: "out", partitions: [1] }], send),
      partitions.add([{ topic: "out", partitions: [0] }], send),
      partitions.add([{ topic: "out-changelog", partitions: [1] }], send),
    ]);
    expect(sent).toEqual([
      [
        { topic: "out", partitions: [0, 1] },
        { topic: "out-changelog", partitions: [1] },
      ],
    ]);
    // A partition nobody announced still gets its own request.
    await partitions.add([{ topic: "other", partitions: [3] }], send);
    expect(sent.at(-1)).toEqual([{ topic: "other", partitions: [3] }]);
    expect(sent).toHaveLength(2);
    // The next transaction starts with none added.
    partitions.ended();
    await partitions.add([{ topic: "out", partitions: [0] }], send);
    expect(sent.at(-1)).toEqual([{ topic: "out", partitions: [0] }]);
  });

  it("retries CONCURRENT_TRANSACTIONS itself (the last transaction's markers), and a refused request adds nothing", async () => {
    const partitions = new TxnPartitions();
    const failures: unknown[] = [];
    partitions.onFailure = (error) => failures.push(error);
    let refusals = 2;
    let requests = 0;
    const send = (): Promise<unknown> => {
      requests += 1;
      if (refusals > 0) {
        refusals -= 1;
        return Promise.reject(concurrent());
      }
      return Promise.resolve({ throttleTime: 0, errors: [] });
    };
    await partitions.add([{ topic: "out", partitions: [0] }], send);
    expect(requests).toBe(3);
    expect(failures).toEqual([]);

    const refusing = (): Promise<unknown> => {
      requests += 1;
      return Promise.reject(Object.assign(new Error("fenced"), { type: "INVALID_PRODUCER_EPOCH" }));
    };
    await expect(partitions.add([{ topic: "out", partitions: [1] }], refusing)).rejects.toThrow("fenced");
    expect(failures).toHaveLength(1);
    // Partition 1 was not added: the next ask sends a request for it.
    const before = requests;
    await partitions.add([{ topic: "out", partitions: [1] }], send);
    expect(requests).toBe(before + 1);
  });

  it("does not count an answer to an ended transaction's request as added to the next one", async () => {
    const partitions = new TxnPartitions();
    let release: (() => void) | undefined;
    let requests = 0;
    const slow = (): Promise<unknown> => {
      requests += 1;
      return new Promise((resolve) => {
        release = () => resolve({});
      });
    };
    const first = partitions.add([{ topic: "out", partitions: [0] }], slow);
    partitions.ended();
    release?.();
    await first;
    await partitions.add([{ topic: "out", partitions: [0] }], () => {
      requests += 1;
      return Promise.resolve({});
    });
    expect(requests).toBe(2);
  });
});

describe("ProduceLedger", () => {
  it("counts answered requests, waits for those in flight, and refuses requests once one failed", async () => {
    const ledger = new ProduceLedger();
    ledger.begin();
    let finish: (() => void) | undefined;
    const slow = ledger.track(() => new Promise<string>((resolve) => (finish = () => resolve("ok"))));
    const failed = ledger.track(() => Promise.reject(new Error("NOT_LEADER_OR_FOLLOWER")));
    await expect(failed).rejects.toThrow("NOT_LEADER_OR_FOLLOWER");
    expect((ledger.failure as Error).message).toBe("NOT_LEADER_OR_FOLLOWER");
    // A retry kafkajs starts now sends nothing.
    let sent = false;
    await expect(
      ledger.track(() => {
        sent = true;
        return Promise.resolve("again");
      }),
    ).rejects.toBeInstanceOf(AttemptClosedError);
    expect(sent).toBe(false);
    let settled = false;
    const settling = ledger.settled().then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(settled).toBe(false);
    finish?.();
    await settling;
    await slow;
    expect(ledger.answered).toBe(1);
    ledger.begin();
    expect(ledger.answered).toBe(0);
    expect(ledger.failure).toBeUndefined();
  });
});
