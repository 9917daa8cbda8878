import { describe, expect, it } from "vitest";
import {
  incrementSequence,
  ProducerStateManager,
  type ProducerBatchFields,
} from "../../../src/broker/log/producer-state.js";
import { ErrorCode } from "../../../src/broker/protocol/error-codes.js";

const TRANSACTIONAL = 0x10;

function batch(
  producerId: number,
  producerEpoch: number,
  baseSequence: number,
  records = 1,
  attributes = 0,
): ProducerBatchFields {
  return { producerId, producerEpoch, baseSequence, lastOffsetDelta: records - 1, attributes };
}

describe("ProducerStateManager", () => {
  it("wraps sequences from 2^31-1 to 0", () => {
    expect(incrementSequence(2147483646, 1)).toBe(2147483647);
    expect(incrementSequence(2147483647, 1)).toBe(0);
    expect(incrementSequence(2147483646, 3)).toBe(1);
  });

  it("recognises any of the last five batches as a duplicate and forgets older ones", () => {
    const state = new ProducerStateManager();
    for (let i = 0; i < 6; i++) {
      expect(state.checkDataBatch(batch(1, 0, i * 2, 2)).outcome).toBe("append");
      state.onDataBatch(batch(1, 0, i * 2, 2), i * 2, i * 2 + 1, 100 + i);
    }
    expect(state.checkDataBatch(batch(1, 0, 2, 2))).toEqual({
      outcome: "duplicate",
      batch: { firstSeq: 2, lastSeq: 3, firstOffset: 2, lastOffset: 3, timestamp: 101 },
    });
    expect(state.checkDataBatch(batch(1, 0, 0, 2))).toMatchObject({
      outcome: "reject",
      errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    });
    // Same first sequence, different length: not a duplicate.
    expect(state.checkDataBatch(batch(1, 0, 10, 1))).toMatchObject({
      outcome: "reject",
      errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    });
    expect(state.checkDataBatch(batch(1, 0, 12, 1)).outcome).toBe("append");
  });

  it("fences older epochs and makes a new epoch start at sequence 0", () => {
    const state = new ProducerStateManager();
    state.onDataBatch(batch(1, 3, 0, 5), 0, 4, 1);
    expect(state.checkDataBatch(batch(1, 2, 5))).toMatchObject({
      outcome: "reject",
      errorCode: ErrorCode.INVALID_PRODUCER_EPOCH,
    });
    expect(state.checkDataBatch(batch(1, 4, 5))).toMatchObject({
      outcome: "reject",
      errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    });
    expect(state.checkDataBatch(batch(1, 4, 0)).outcome).toBe("append");
    // An unknown producer may start anywhere (its state expired or its records were deleted).
    expect(state.checkDataBatch(batch(2, 0, 41)).outcome).toBe("append");
  });

  it("tracks ongoing transactions for the LSO and ends them with markers", () => {
    const state = new ProducerStateManager();
    state.onDataBatch(batch(1, 0, 0, 1, TRANSACTIONAL), 10, 10, 1);
    state.onDataBatch(batch(2, 0, 0, 1, TRANSACTIONAL), 11, 11, 1);
    state.onDataBatch(batch(1, 0, 1, 1, TRANSACTIONAL), 12, 12, 1);
    expect(state.firstUndecidedOffset).toBe(10);
    expect(state.checkDataBatch(batch(1, 0, 2))).toMatchObject({
      outcome: "reject",
      errorCode: ErrorCode.INVALID_TXN_STATE,
    });
    expect(state.onMarker(1, 0, 0, true, 13, 2)).toEqual({
      producerId: 1,
      firstOffset: 10,
      lastOffset: 13,
      aborted: true,
    });
    expect(state.firstUndecidedOffset).toBe(11);
    expect(state.onMarker(2, 0, 0, false, 14, 2)).toEqual({
      producerId: 2,
      firstOffset: 11,
      lastOffset: 14,
      aborted: false,
    });
    expect(state.firstUndecidedOffset).toBeNull();
    // A marker for a producer without data here completes nothing.
    expect(state.onMarker(3, 0, 0, false, 15, 2)).toBeNull();
  });

  it("bumps the epoch with a fencing marker: the old epoch is refused, the new one starts at 0", () => {
    const state = new ProducerStateManager();
    state.onDataBatch(batch(1, 0, 0, 1, TRANSACTIONAL), 0, 0, 1);
    expect(state.checkMarker(1, 1, 0)).toBeNull();
    state.onMarker(1, 1, 0, true, 1, 2);
    expect(state.checkDataBatch(batch(1, 0, 1, 1, TRANSACTIONAL))).toMatchObject({
      errorCode: ErrorCode.INVALID_PRODUCER_EPOCH,
    });
    expect(state.checkMarker(1, 0, 0)).toMatchObject({ errorCode: ErrorCode.INVALID_PRODUCER_EPOCH });
    expect(state.checkDataBatch(batch(1, 2, 0, 1, TRANSACTIONAL)).outcome).toBe("append");
  });

  it("restores from a snapshot with the ongoing transactions in offset order, and expires idle producers", () => {
    const state = new ProducerStateManager();
    state.onDataBatch(batch(5, 0, 0, 1, TRANSACTIONAL), 20, 20, 1000);
    state.onDataBatch(batch(4, 0, 0, 1, TRANSACTIONAL), 21, 21, 1000);
    state.onDataBatch(batch(6, 0, 0, 1), 22, 22, 1000);
    const restored = new ProducerStateManager();
    restored.restore(JSON.parse(JSON.stringify(state.snapshot())) as ReturnType<ProducerStateManager["snapshot"]>);
    expect(restored.firstUndecidedOffset).toBe(20);
    expect(restored.checkDataBatch(batch(6, 0, 0)).outcome).toBe("duplicate");
    expect(restored.removeExpired(2000, 500)).toBe(1);
    expect(restored.entry(6)).toBeUndefined();
    expect(restored.entry(5)).toBeDefined();
  });
});
