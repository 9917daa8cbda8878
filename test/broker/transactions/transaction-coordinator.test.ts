import { afterEach, describe, expect, it, vi } from "vitest";
import { ErrorCode } from "../../../src/broker/protocol/error-codes.js";
import { ProducerIdManager } from "../../../src/broker/transactions/producer-id-manager.js";
import { TransactionCoordinator } from "../../../src/broker/transactions/transaction-coordinator.js";
import type { TransactionRecord } from "../../../src/broker/transactions/transaction-metadata.js";
import type { TransactionStateStore } from "../../../src/broker/transactions/transaction-state-store.js";
import { quietLogger } from "../support/quiet-logger.js";

interface Harness {
  coordinator: TransactionCoordinator;
  markers: { topic: string; partition: number; producerId: number; producerEpoch: number; commit: boolean }[];
  offsets: { groupId: string; producerId: number; commit: boolean }[];
  written: TransactionRecord[];
  reserved: number[];
}

function harness(
  options: { maxTimeoutMs?: number; firstFreeProducerId?: number; ongoing?: (producerId: number) => boolean } = {},
): Harness {
  const written: TransactionRecord[] = [];
  const reserved: number[] = [];
  const store: TransactionStateStore = {
    write: (record) => written.push(JSON.parse(JSON.stringify(record)) as TransactionRecord),
    remove: () => undefined,
    reserveProducerIds: (end) => reserved.push(end),
  };
  const markers: Harness["markers"] = [];
  const offsets: Harness["offsets"] = [];
  const coordinator = new TransactionCoordinator({
    maxTimeoutMs: options.maxTimeoutMs ?? 900000,
    transactionalIdExpirationMs: 604800000,
    producerIds: new ProducerIdManager(store, options.firstFreeProducerId ?? 0),
    store,
    writeMarker: (topic, partition, producerId, producerEpoch, commit) =>
      markers.push({ topic, partition, producerId, producerEpoch, commit }),
    completeOffsets: (groupId, producerId, commit) => offsets.push({ groupId, producerId, commit }),
    hasOngoingTransaction: (_topic, _partition, producerId) => options.ongoing?.(producerId) ?? true,
    logger: quietLogger(),
    now: () => Date.now(),
  });
  return { coordinator, markers, offsets, written, reserved };
}

describe("TransactionCoordinator", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("hands idempotent producers fresh ids and bumps a transactional id's epoch on every InitProducerId", () => {
    const { coordinator, reserved } = harness({ firstFreeProducerId: 5000 });
    expect(coordinator.initProducerId(null, 0)).toEqual({ errorCode: 0, producerId: 5000, producerEpoch: 0 });
    expect(coordinator.initProducerId("t", 60000)).toEqual({ errorCode: 0, producerId: 5001, producerEpoch: 0 });
    expect(coordinator.initProducerId("t", 60000)).toEqual({ errorCode: 0, producerId: 5001, producerEpoch: 1 });
    expect(reserved).toEqual([6000]);
    expect(coordinator.initProducerId("", 60000).errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect(coordinator.initProducerId("t", 900001).errorCode).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    expect(coordinator.initProducerId("t", 0).errorCode).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
  });

  it("commits: writes Prepare and Complete states, the markers of every partition and the group's offsets, in that order", () => {
    const { coordinator, markers, offsets, written } = harness();
    const { producerId, producerEpoch } = coordinator.initProducerId("t", 60000);
    expect(
      coordinator.addPartitions("t", producerId, producerEpoch, [
        { topic: "a", partition: 0 },
        { topic: "b", partition: 1 },
      ]),
    ).toBe(0);
    expect(coordinator.addOffsets("t", producerId, producerEpoch, "g")).toBe(0);
    expect(coordinator.verifyPartition("t", producerId, producerEpoch, "a", 0)).toBe(0);
    expect(coordinator.verifyPartition("t", producerId, producerEpoch, "a", 1)).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(coordinator.verifyOffsetCommit("t", producerId, producerEpoch, "g")).toBe(0);
    expect(coordinator.verifyOffsetCommit("t", producerId, producerEpoch, "other")).toBe(ErrorCode.INVALID_TXN_STATE);
    written.length = 0;
    expect(coordinator.endTransaction("t", producerId, producerEpoch, true).errorCode).toBe(0);
    expect(written.map((r) => r.state)).toEqual(["PrepareCommit", "CompleteCommit"]);
    expect(written[0]!.partitions).toHaveLength(2);
    expect(markers).toEqual([
      { topic: "a", partition: 0, producerId, producerEpoch, commit: true },
      { topic: "b", partition: 1, producerId, producerEpoch, commit: true },
    ]);
    expect(offsets).toEqual([{ groupId: "g", producerId, commit: true }]);
    // A retry of the same EndTxn succeeds; ending it the other way, or an empty transaction, does not.
    expect(coordinator.endTransaction("t", producerId, producerEpoch, true).errorCode).toBe(0);
    expect(coordinator.endTransaction("t", producerId, producerEpoch, false).errorCode).toBe(
      ErrorCode.INVALID_TXN_STATE,
    );
    coordinator.initProducerId("t", 60000);
    expect(coordinator.endTransaction("t", producerId, producerEpoch + 1, true).errorCode).toBe(
      ErrorCode.INVALID_TXN_STATE,
    );
  });

  it("under transactions v2, adds implicitly, writes the markers with the bumped epoch and rotates the id when the epochs run out", () => {
    const { coordinator, markers, offsets, written } = harness({ firstFreeProducerId: 100 });
    const { producerId, producerEpoch } = coordinator.initProducerId("t", 60000);
    expect(coordinator.addImplicitly("t", producerId, producerEpoch, { topic: "a", partition: 0 })).toBe(0);
    expect(coordinator.addImplicitly("t", producerId, producerEpoch, { groupId: "g" })).toBe(0);
    expect(coordinator.verifyPartition("t", producerId, producerEpoch, "a", 0)).toBe(0);
    expect(coordinator.endTransaction("t", producerId, producerEpoch, true, true, ErrorCode.PRODUCER_FENCED)).toEqual({
      errorCode: 0,
      producerId,
      producerEpoch: producerEpoch + 1,
    });
    // The markers fence the epoch the transaction was written with.
    expect(markers).toEqual([{ topic: "a", partition: 0, producerId, producerEpoch: producerEpoch + 1, commit: true }]);
    expect(offsets).toEqual([{ groupId: "g", producerId, commit: true }]);
    // The old epoch: its EndTxn retried gets the same answer, anything else is fenced.
    expect(coordinator.endTransaction("t", producerId, producerEpoch, true, true, ErrorCode.PRODUCER_FENCED)).toEqual({
      errorCode: 0,
      producerId,
      producerEpoch: producerEpoch + 1,
    });
    expect(coordinator.endTransaction("t", producerId, producerEpoch, false, true).errorCode).toBe(
      ErrorCode.INVALID_TXN_STATE,
    );
    expect(coordinator.addImplicitly("t", producerId, producerEpoch, { topic: "a", partition: 0 })).toBe(
      ErrorCode.INVALID_PRODUCER_EPOCH,
    );
    // The last epoch of the id: the markers take it, the producer continues with a new id at epoch 0.
    const record = written.at(-1)!;
    coordinator.restore([{ ...record, producerEpoch: 32766, lastProducerEpoch: 32765 }]);
    markers.length = 0;
    expect(coordinator.addImplicitly("t", producerId, 32766, { topic: "a", partition: 0 })).toBe(0);
    const rotated = coordinator.endTransaction("t", producerId, 32766, false, true);
    expect(rotated.errorCode).toBe(0);
    expect(rotated.producerId).not.toBe(producerId);
    expect(rotated.producerEpoch).toBe(0);
    expect(markers).toEqual([{ topic: "a", partition: 0, producerId, producerEpoch: 32767, commit: false }]);
    expect(coordinator.addImplicitly("t", rotated.producerId, 0, { topic: "a", partition: 0 })).toBe(0);
    expect(coordinator.endTransaction("t", producerId, 32767, true, true, ErrorCode.PRODUCER_FENCED).errorCode).toBe(
      ErrorCode.INVALID_PRODUCER_ID_MAPPING,
    );
  });

  it("refuses unknown producers and stale epochs", () => {
    const { coordinator } = harness();
    const { producerId, producerEpoch } = coordinator.initProducerId("t", 60000);
    expect(coordinator.addPartitions("unknown", producerId, producerEpoch, [{ topic: "a", partition: 0 }])).toBe(
      ErrorCode.INVALID_PRODUCER_ID_MAPPING,
    );
    expect(coordinator.addPartitions("t", producerId + 1, producerEpoch, [{ topic: "a", partition: 0 }])).toBe(
      ErrorCode.INVALID_PRODUCER_ID_MAPPING,
    );
    coordinator.initProducerId("t", 60000);
    expect(coordinator.addPartitions("t", producerId, producerEpoch, [{ topic: "a", partition: 0 }])).toBe(
      ErrorCode.INVALID_PRODUCER_EPOCH,
    );
    expect(coordinator.addOffsets("t", producerId, producerEpoch, "g")).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(coordinator.endTransaction("t", producerId, producerEpoch, true).errorCode).toBe(
      ErrorCode.INVALID_PRODUCER_EPOCH,
    );
    expect(coordinator.verifyOffsetCommit("t", producerId, producerEpoch, "g")).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
  });

  it("fences an ongoing transaction's producer on InitProducerId: aborts with a bumped epoch, answers CONCURRENT_TRANSACTIONS, then the next epoch", () => {
    const { coordinator, markers } = harness();
    const first = coordinator.initProducerId("t", 60000);
    coordinator.addPartitions("t", first.producerId, first.producerEpoch, [{ topic: "a", partition: 0 }]);
    expect(coordinator.initProducerId("t", 60000).errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    expect(markers).toEqual([
      { topic: "a", partition: 0, producerId: first.producerId, producerEpoch: first.producerEpoch + 1, commit: false },
    ]);
    expect(coordinator.describe("t")!.state).toBe("CompleteAbort");
    expect(coordinator.initProducerId("t", 60000)).toEqual({
      errorCode: 0,
      producerId: first.producerId,
      producerEpoch: first.producerEpoch + 2,
    });
    expect(coordinator.endTransaction("t", first.producerId, first.producerEpoch, true).errorCode).toBe(
      ErrorCode.INVALID_PRODUCER_EPOCH,
    );
  });

  it("aborts a transaction that outlives its timeout and fences its producer", () => {
    vi.useFakeTimers();
    const { coordinator, markers } = harness();
    const { producerId, producerEpoch } = coordinator.initProducerId("t", 1000);
    coordinator.addPartitions("t", producerId, producerEpoch, [{ topic: "a", partition: 0 }]);
    vi.advanceTimersByTime(999);
    expect(markers).toEqual([]);
    vi.advanceTimersByTime(2);
    expect(markers).toEqual([
      { topic: "a", partition: 0, producerId, producerEpoch: producerEpoch + 1, commit: false },
    ]);
    expect(coordinator.describe("t")).toMatchObject({ state: "CompleteAbort", producerEpoch: producerEpoch + 1 });
    expect(coordinator.endTransaction("t", producerId, producerEpoch, true).errorCode).toBe(
      ErrorCode.INVALID_PRODUCER_EPOCH,
    );
    coordinator.close();
  });

  it("takes a new producer id when the epochs of the current one are used up", () => {
    const { coordinator } = harness();
    const first = coordinator.initProducerId("t", 60000);
    coordinator.restore([{ ...coordinator.describe("t")!, producerEpoch: 32766 }]);
    const rotated = coordinator.initProducerId("t", 60000);
    expect(rotated.producerId).not.toBe(first.producerId);
    expect(rotated.producerEpoch).toBe(0);
  });

  it("completes a transaction a crash left between Prepare and Complete, writing only missing markers", () => {
    const { coordinator, markers, offsets } = harness({ ongoing: (producerId) => producerId === 7 });
    const prepared: TransactionRecord = {
      transactionalId: "t",
      producerId: 7,
      lastProducerId: -1,
      producerEpoch: 2,
      lastProducerEpoch: 1,
      txnTimeoutMs: 60000,
      state: "PrepareCommit",
      partitions: [{ topic: "a", partition: 0 }],
      groups: ["g"],
      txnStartTimestamp: Date.now(),
      txnLastUpdateTimestamp: Date.now(),
    };
    coordinator.restore([prepared, { ...prepared, transactionalId: "u", producerId: 8, state: "PrepareAbort" }]);
    expect(markers).toEqual([{ topic: "a", partition: 0, producerId: 7, producerEpoch: 2, commit: true }]);
    expect(offsets).toEqual([
      { groupId: "g", producerId: 7, commit: true },
      { groupId: "g", producerId: 8, commit: false },
    ]);
    expect(coordinator.describe("t")!.state).toBe("CompleteCommit");
    expect(coordinator.describe("u")!.state).toBe("CompleteAbort");
  });
});
