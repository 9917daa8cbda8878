// Timestamp extractors, as Kafka Streams' TimestampExtractor: per source or as the
// default, built-in by name or a function; a negative extracted timestamp drops the
// record, the default extractor makes it unreadable (dead-lettered).
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../src/topology/dsl/streams-builder.js";
import { InvalidOperationError } from "../../src/topology/errors.js";
import type { TimestampExtractor } from "../../src/topology/timestamp-extractor.js";
import { TopologyTestDriver } from "../../src/testing/topology-test-driver.js";
import { deadLetterTopicName } from "../../src/topology/topology.js";

interface Event {
  at: number;
}

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

function passThrough(extractor: TimestampExtractor | undefined, defaultExtractor?: TimestampExtractor) {
  const builder = new StreamsBuilder();
  builder
    .stream("in", {
      key: Serdes.string(),
      value: Serdes.json<Event>(),
      ...(extractor === undefined ? {} : { timestampExtractor: extractor }),
    })
    .to("out");
  driver = new TopologyTestDriver(builder.build(), {
    startTime: 0,
    ...(defaultExtractor === undefined ? {} : { defaultTimestampExtractor: defaultExtractor }),
  });
  return {
    input: driver.createInputTopic("in", Serdes.string(), Serdes.json<Event>()),
    output: driver.createOutputTopic("out", Serdes.string(), Serdes.json<Event>()),
    dead: driver.createOutputTopic(deadLetterTopicName(driver.applicationId), Serdes.bytes(), Serdes.bytes()),
  };
}

describe("timestamp extractors", () => {
  it("a function reads the timestamp from the record, and sees its partition's time", async () => {
    const seen: number[] = [];
    const { input, output } = passThrough((record, partitionTime) => {
      seen.push(partitionTime);
      return (record.value as Event).at;
    });
    await input.pipeInput("a", { at: 500 }, { timestamp: 1 });
    await input.pipeInput("b", { at: 300 }, { timestamp: 2 });
    await input.pipeInput("c", { at: 700 }, { timestamp: 3 });
    expect(output.readRecordsToList().map((r) => r.timestamp)).toEqual([500, 300, 700]);
    expect(seen).toEqual([-1, 500, 500]);
  });

  it("by default, a negative timestamp makes the record unreadable: dead-lettered, processing goes on", async () => {
    const { input, output, dead } = passThrough(undefined);
    await input.pipeInput("a", { at: 0 }, { timestamp: -5 });
    await input.pipeInput("b", { at: 0 }, { timestamp: 5 });
    expect(output.readRecordsToList().map((r) => [r.key, r.timestamp])).toEqual([["b", 5]]);
    const letter = dead.readRecord();
    expect(letter.headers.lastString("eddy-dlq-error-code")).toBe("EDDY_ERR_INVALID_TIMESTAMP");
    expect(driver?.droppedRecords).toBe(0);
  });

  it("logAndSkipOnInvalidTimestamp drops a record with a negative timestamp and counts it", async () => {
    const { input, output, dead } = passThrough("logAndSkipOnInvalidTimestamp");
    await input.pipeInput("a", { at: 0 }, { timestamp: -1 });
    await input.pipeInput("b", { at: 0 }, { timestamp: 5 });
    expect(output.readRecordsToList().map((r) => r.key)).toEqual(["b"]);
    expect(dead.isEmpty()).toBe(true);
    expect(driver?.droppedRecords).toBe(1);
  });

  it("usePartitionTimeOnInvalidTimestamp stands in the partition's time, once there is one", async () => {
    const { input, output, dead } = passThrough(undefined, "usePartitionTimeOnInvalidTimestamp");
    await input.pipeInput("a", { at: 0 }, { timestamp: -1 });
    await input.pipeInput("b", { at: 0 }, { timestamp: 40 });
    await input.pipeInput("c", { at: 0 }, { timestamp: -1 });
    await input.pipeInput("d", { at: 0 }, { timestamp: 10 });
    expect(output.readRecordsToList().map((r) => [r.key, r.timestamp])).toEqual([
      ["b", 40],
      ["c", 40],
      ["d", 10],
    ]);
    expect(dead.readRecord().headers.lastString("eddy-dlq-error-code")).toBe("EDDY_ERR_INVALID_TIMESTAMP");
  });

  it("wallclockTimestampExtractor stamps records with the time they are processed", async () => {
    const { input, output } = passThrough("wallclockTimestampExtractor");
    const before = Date.now();
    await input.pipeInput("a", { at: 0 }, { timestamp: 3 });
    const stamped = output.readRecord().timestamp;
    expect(stamped).toBeGreaterThanOrEqual(before);
    expect(stamped).toBeLessThanOrEqual(Date.now());
  });

  it("an extractor that throws makes the record unreadable, naming the failure", async () => {
    const { input, output, dead } = passThrough(() => {
      throw new Error("no 'at' field");
    });
    await input.pipeInput("a", { at: 0 }, { timestamp: 3 });
    expect(output.isEmpty()).toBe(true);
    expect(dead.readRecord().headers.lastString("eddy-dlq-error-message")).toMatch(/extractor failed: no 'at' field/);
  });

  it("refuses an unknown extractor name when the stream is built", () => {
    expect(() =>
      new StreamsBuilder().stream("in", {
        key: Serdes.string(),
        value: Serdes.string(),
        timestampExtractor: "latestTimestamp" as TimestampExtractor,
      }),
    ).toThrow(InvalidOperationError);
  });
});
