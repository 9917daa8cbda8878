// The offset metadata a task commits, against strings Kafka Streams 4.4.0 itself wrote: each
// expected string below is the output of `new TopicPartitionMetadata(time, metadata).encode()`
// run on the kafka-streams jar, with the ProcessorMetadata filled by put() in the order shown.
import { describe, expect, it } from "vitest";
import { ProcessorMetadata } from "../../src/engine/processor-metadata.js";
import {
  committedTaskTime,
  decodeTopicPartitionMetadata,
  encodeTopicPartitionMetadata,
} from "../../src/runtime/topic-partition-metadata.js";

const STORE = "KSTREAM-AGGREGATE-STATE-STORE-0000000001";

function metadataOf(entries: ReadonlyArray<readonly [string, number]>): ProcessorMetadata {
  const metadata = new ProcessorMetadata();
  for (const [key, value] of entries) metadata.put(key, value);
  return metadata;
}

// put() order of the Java run; Kafka Streams serializes them in its HashMap's order.
const MANY: ReadonlyArray<readonly [string, number]> = [
  ["counts", 1000],
  ["sessions", 7003],
  [STORE, 49024],
  ["z", 343171],
  ["hourly-visits", 2402200],
  ["ä-store", 16815403],
  ["neg", -5],
];

const KAFKA_STREAMS = {
  empty: "AgAAAYvP5WgA",
  unknownTime: "Av//////////",
  one: "AgAAAYvP5WgAAAAAAQAAAChLU1RSRUFNLUFHR1JFR0FURS1TVEFURS1TVE9SRS0wMDAwMDAwMDAxAAABi8/lQPA=",
  many: "AgAAAAAAAAAqAAAABwAAAANuZWf/////////+wAAAAhzZXNzaW9ucwAAAAAAABtbAAAAKEtTVFJFQU0tQUdHUkVHQVRFLVNUQVRFLVNUT1JFLTAwMDAwMDAwMDEAAAAAAAC/gAAAAAZjb3VudHMAAAAAAAAD6AAAAAjDpC1zdG9yZQAAAAABAJUrAAAAAXoAAAAAAAU8gwAAAA1ob3VybHktdmlzaXRzAAAAAAAkp5g=",
  /** Version 1 (Kafka Streams 2.x): the partition time alone, here 7. */
  v1: "AQAAAAAAAAAH",
};

describe("TopicPartitionMetadata (Kafka Streams' committed offset metadata)", () => {
  it("encodes the partition time and processor metadata exactly as Kafka Streams does", () => {
    expect(encodeTopicPartitionMetadata(1_700_000_000_000, new ProcessorMetadata())).toBe(KAFKA_STREAMS.empty);
    expect(encodeTopicPartitionMetadata(-1, new ProcessorMetadata())).toBe(KAFKA_STREAMS.unknownTime);
    expect(encodeTopicPartitionMetadata(1_700_000_000_000, metadataOf([[STORE, 1_699_999_990_000]]))).toBe(
      KAFKA_STREAMS.one,
    );
    // Seven keys: the entries go in java.util.HashMap's iteration order, not insertion order.
    expect(encodeTopicPartitionMetadata(42, metadataOf(MANY))).toBe(KAFKA_STREAMS.many);
  });

  it("decodes what Kafka Streams wrote, every version it wrote", () => {
    const one = decodeTopicPartitionMetadata(KAFKA_STREAMS.one);
    expect(one.problem).toBeUndefined();
    expect(one.partitionTime).toBe(1_700_000_000_000);
    expect([...one.processorMetadata.entries()]).toEqual([[STORE, 1_699_999_990_000]]);

    const many = decodeTopicPartitionMetadata(KAFKA_STREAMS.many);
    expect(many.partitionTime).toBe(42);
    expect(new Map(many.processorMetadata.entries())).toEqual(new Map(MANY));

    const empty = decodeTopicPartitionMetadata(KAFKA_STREAMS.empty);
    expect([empty.partitionTime, empty.processorMetadata.size]).toEqual([1_700_000_000_000, 0]);
    expect(decodeTopicPartitionMetadata(KAFKA_STREAMS.unknownTime).partitionTime).toBe(-1);

    const v1 = decodeTopicPartitionMetadata(KAFKA_STREAMS.v1);
    expect([v1.partitionTime, v1.processorMetadata.size, v1.problem]).toEqual([7, 0, undefined]);
  });

  it("reads no metadata as an unknown partition time, without complaint", () => {
    for (const none of [null, undefined, ""]) {
      const decoded = decodeTopicPartitionMetadata(none);
      expect([decoded.partitionTime, decoded.processorMetadata.size, decoded.problem]).toEqual([-1, 0, undefined]);
    }
  });

  it("reads another client's metadata as unknown, saying why, as Kafka Streams logs and goes on", () => {
    const cases: Array<[string, RegExp]> = [
      ["consumed by my-app at 12:00", /not base64/],
      // Version 3, which no Kafka Streams has written.
      [Buffer.from([3, 0, 0, 0, 0, 0, 0, 0, 9]).toString("base64"), /version 3 is not supported/],
      [Buffer.from([2, 0, 0, 1]).toString("base64"), /ends inside the partition time/],
      // Version 2 whose metadata claims an entry of 40 key bytes that are not there.
      [
        Buffer.from([2, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 1, 0, 0, 0, 40, 65]).toString("base64"),
        /ends inside an entry/,
      ],
      [Buffer.from([2, 0, 0, 0, 0, 0, 0, 0, 9, 0xff, 0xff, 0xff, 0xff]).toString("base64"), /negative entry count/],
    ];
    for (const [encoded, problem] of cases) {
      const decoded = decodeTopicPartitionMetadata(encoded);
      expect(decoded.problem, encoded).toMatch(problem);
      expect([decoded.partitionTime, decoded.processorMetadata.size]).toEqual([-1, 0]);
    }
  });

  it("round-trips what it encodes", () => {
    const metadata = metadataOf([
      ["a", 0],
      ["b", Number.MAX_SAFE_INTEGER],
      ["c", -1],
    ]);
    const decoded = decodeTopicPartitionMetadata(encodeTopicPartitionMetadata(123_456_789, metadata));
    expect(decoded.partitionTime).toBe(123_456_789);
    expect(new Map(decoded.processorMetadata.entries())).toEqual(new Map(metadata.entries()));
  });
});

describe("ProcessorMetadata", () => {
  it("needs a commit once put() changed it, until the task commits", () => {
    const metadata = new ProcessorMetadata();
    expect(metadata.needsCommit).toBe(false);
    metadata.put(STORE, 10);
    expect([metadata.needsCommit, metadata.get(STORE), metadata.get("other")]).toEqual([true, 10, undefined]);
    metadata.needsCommit = false;
    expect(metadata.needsCommit).toBe(false);
  });

  it("refuses values that are not Java longs", () => {
    const metadata = new ProcessorMetadata();
    expect(() => metadata.put(STORE, 1.5)).toThrow(/must be an integer/);
    expect(() => metadata.put(STORE, Number.NaN)).toThrow(/must be an integer/);
    expect(metadata.size).toBe(0);
  });

  it("merges partitions' metadata keeping each key's largest value (Kafka Streams' update())", () => {
    const merged = metadataOf([
      ["a", 5],
      ["b", 9],
    ]);
    merged.needsCommit = false;
    merged.update(
      metadataOf([
        ["a", 7],
        ["b", 3],
        ["c", 1],
      ]),
    );
    expect(new Map(merged.entries())).toEqual(
      new Map([
        ["a", 7],
        ["b", 9],
        ["c", 1],
      ]),
    );
    expect(merged.needsCommit).toBe(false);
  });
});

describe("committedTaskTime (Kafka Streams' initializeTaskTimeAndProcessorMetadata)", () => {
  it("takes each partition's time and the merged processor metadata of all of them", () => {
    const partitions = [
      { topic: "clicks", partition: 3 },
      { topic: "views", partition: 3 },
      { topic: "orders", partition: 3 },
      { topic: "bad", partition: 3 },
    ];
    const committed = new Map([
      ["clicks|3", { offset: 10, metadata: encodeTopicPartitionMetadata(500, metadataOf([[STORE, 100]])) }],
      ["views|3", { offset: 4, metadata: encodeTopicPartitionMetadata(800, metadataOf([[STORE, 300]])) }],
      ["bad|3", { offset: 1, metadata: "not ours" }],
    ]);
    const time = committedTaskTime(partitions, committed);
    expect(time.partitionTimes).toEqual(
      new Map([
        ["clicks", 500],
        ["views", 800],
        ["bad", -1],
      ]),
    );
    expect(time.processorMetadata.get(STORE)).toBe(300);
    // Read back, not set: nothing new to commit.
    expect(time.processorMetadata.needsCommit).toBe(false);
    expect(time.problems).toEqual([{ partition: { topic: "bad", partition: 3 }, problem: "it is not base64" }]);
  });
});
