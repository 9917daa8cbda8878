// What kafkajs' consumer is given of a partition's decoded entries (fast-fetch.ts): a few
// stand-ins, on which its own Batch answers every question as it would given them all,
// and the records themselves for eachBatch.
import { createRequire } from "node:module";
import type { Batch } from "kafkajs";
import { describe, expect, it } from "vitest";
import { consumedRecords, standins } from "../../../src/kafka/kafkajs/fast-fetch.js";
import { FetchedRecord } from "../../../src/kafka/wire/fetched-record.js";
import type { ConsumedRecord } from "../../../src/kafka/types.js";

const require = createRequire(import.meta.url);
const KafkajsBatch = require("kafkajs/src/consumer/batch") as new (
  topic: string,
  fetchedOffset: string,
  partitionData: unknown,
) => Batch & { rawMessages: unknown[]; isEmptyDueToFiltering(): boolean; isEmptyControlRecord(): boolean };

const bytes = Buffer.from("kv");
const record = (offset: number): ConsumedRecord => new FetchedRecord("t", 0, offset, 1000, bytes, 0, 1, 1, 1, []);
const marker = (offset: number) => ({ offset, isControlRecord: true }) as unknown as ConsumedRecord;

function batchOf(messages: ConsumedRecord[]) {
  return new KafkajsBatch("t", "5", {
    partition: 0,
    highWatermark: "100",
    abortedTransactions: [],
    messages,
  });
}

describe("the entries kafkajs' Batch is given", () => {
  const cases: Record<string, ConsumedRecord[]> = {
    "records only": [record(5), record(6), record(7), record(8)],
    "markers between and after": [record(5), marker(6), record(7), record(8), marker(9), marker(10)],
    "a marker first": [marker(5), record(6), record(7), marker(8)],
    "markers only": [marker(5), marker(6), marker(7)],
    "one record": [record(5)],
    nothing: [],
  };
  for (const [name, entries] of Object.entries(cases)) {
    it(`answer as all of them would: ${name}`, () => {
      const all = batchOf(entries);
      const few = batchOf(standins(entries));
      expect(few.rawMessages.length).toBeLessThanOrEqual(3);
      expect([few.firstOffset(), few.lastOffset(), few.isEmpty(), few.isEmptyDueToFiltering()]).toEqual([
        all.firstOffset(),
        all.lastOffset(),
        all.isEmpty(),
        all.isEmptyDueToFiltering(),
      ]);
      expect(few.isEmptyControlRecord()).toBe(all.isEmptyControlRecord());
      // The last record, which kafkajs' resolveOffset() moves past the markers after it.
      expect(few.messages.at(-1)?.offset).toBe(all.messages.at(-1)?.offset);
      expect(consumedRecords(few)).toEqual(consumedRecords(all));
      expect(consumedRecords(few).map((r) => r.offset)).toEqual(
        entries.filter((e) => !("isControlRecord" in e)).map((e) => e.offset),
      );
    });
  }
});
