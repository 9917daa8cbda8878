// The record context a running processor sees: the input record's metadata is made only when
// asked for, yet reads as one object per record, and a cached store's flush runs in the
// context of the write it folds, the record's restored after.
import { describe, expect, it } from "vitest";
import { RecordHeaders } from "../../src/topology/headers.js";
import type { RecordContext } from "../../src/topology/record.js";
import { TaskRecordContext } from "../../src/engine/task-record-context.js";
import { FORWARDED } from "../../src/topology/processor.js";

const input = (offset: number) => ({
  topic: "in",
  partition: 2,
  offset,
  timestamp: 5,
  key: Buffer.from("k"),
  value: null,
  headers: [],
});

describe("TaskRecordContext", () => {
  it("gives the input record's topic, partition and offset, one object per record, nothing else of it", () => {
    const context = new TaskRecordContext();
    expect(context.metadata).toBeUndefined();
    context.enter(input(7));
    const metadata = context.metadata;
    expect(metadata).toStrictEqual({ topic: "in", partition: 2, offset: 7 });
    expect(context.metadata).toBe(metadata);
    context.enter(input(8));
    expect(context.metadata).toStrictEqual({ topic: "in", partition: 2, offset: 8 });
    expect(metadata).toStrictEqual({ topic: "in", partition: 2, offset: 7 });
    context.metadata = undefined;
    expect(context.metadata).toBeUndefined();
  });

  it("reads the record context from the input record without making its metadata", () => {
    const context = new TaskRecordContext();
    context.enter(input(9));
    context.current = { key: "k", value: 1, timestamp: 42, headers: new RecordHeaders([["h", "v"]]) };
    const reuse = context.recordContext();
    expect(reuse).toMatchObject({ topic: "in", partition: 2, offset: 9, timestamp: 42 });
    context.enter(input(10));
    expect(context.recordContext(reuse)).toBe(reuse);
    expect(reuse).toMatchObject({ topic: "in", partition: 2, offset: 10, timestamp: 42 });
    expect([...reuse.headers]).toEqual([{ key: "h", value: Buffer.from("v") }]);
  });

  it("runs a flush in the context of the write it folds, and restores the record's after, synchronous or not", async () => {
    const context = new TaskRecordContext();
    context.enter(input(11));
    const write: RecordContext = { topic: "in", partition: 2, offset: 3, timestamp: 1, headers: new RecordHeaders() };
    const seen: unknown[] = [];
    const synchronous = context.runInRecordContext(write, () => {
      seen.push(context.metadata, context.recordContext().timestamp);
      // What forward() answers when delivery finished synchronously.
      return FORWARDED;
    });
    expect(synchronous).toBeUndefined();
    expect(seen).toEqual([{ topic: "in", partition: 2, offset: 3 }, 1]);
    expect(context.metadata).toStrictEqual({ topic: "in", partition: 2, offset: 11 });
    const punctuated: RecordContext = { ...write, topic: null, partition: -1, offset: -1 };
    let release!: () => void;
    const pending = context.runInRecordContext(
      punctuated,
      () =>
        new Promise<void>((resolve) => {
          seen.push(context.metadata);
          release = resolve;
        }),
    );
    expect(seen[2]).toBeUndefined();
    release();
    await pending;
    expect(context.metadata).toStrictEqual({ topic: "in", partition: 2, offset: 11 });
  });
});
