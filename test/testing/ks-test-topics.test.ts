// Ports of Kafka Streams' TestTopicsTest (streams/test-utils): TestInputTopic and
// TestOutputTopic on its topology, "input" copied to "output1" with the default (byte-array)
// serdes, and "output1" read again as longs and strings, mapped to (value, key) and written
// to "output2". Java's Instant and Duration are ms here; Serdes.long() reads numbers.
//
// Kafka Streams' default deserialization handler (LogAndFail) is Eddy's
// deserializationExceptionHandler "fail"; Eddy's default dead-letters instead, so the
// driver is given "fail" as Kafka Streams' would be by default.
import { describe, expect, it } from "vitest";
import { Serdes } from "../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../src/topology/dsl/streams-builder.js";
import { RecordHeaders } from "../../src/topology/headers.js";
import { NoOutputRecordError, TestInputTopic, TestOutputTopic, UnknownTopicError } from "../../src/testing/index.js";
import type { TestRecord, TopologyTestDriver } from "../../src/testing/index.js";
import { driverPerTest } from "./support/ks-driver-cases.js";

const INPUT_TOPIC = "input";
const OUTPUT_TOPIC = "output1";
const INPUT_TOPIC_MAP = OUTPUT_TOPIC;
const OUTPUT_TOPIC_MAP = "output2";
const stringSerde = Serdes.string();
const longSerde = Serdes.long();
const testBaseTime = Date.parse("2019-06-01T10:00:00Z");
const start = driverPerTest();

function setup(): TopologyTestDriver {
  const builder = new StreamsBuilder();
  builder.stream(INPUT_TOPIC).to(OUTPUT_TOPIC);
  builder
    .stream(INPUT_TOPIC_MAP, { key: longSerde, value: stringSerde })
    .map((key, value) => ({ key: value, value: key }))
    .to(OUTPUT_TOPIC_MAP, { key: stringSerde, value: longSerde });
  return start(builder.build(), {
    defaultKeySerde: "bytes",
    defaultValueSerde: "bytes",
    config: { deserializationExceptionHandler: "fail" },
  });
}

/** Java's new TestRecord<>(key, value, headers, timestamp); no headers are empty headers. */
function record<K, V>(key: K | null, value: V | null, timestamp: number, headers?: RecordHeaders): TestRecord<K, V> {
  return { key, value, timestamp, headers: headers ?? new RecordHeaders() };
}

const inputList = ["This", "is", "an", "example"];

describe("TestTopicsTest: reading and writing", () => {
  it("testValue", async () => {
    const driver = setup();
    const inputTopic = driver.createInputTopic(INPUT_TOPIC, stringSerde, stringSerde);
    const outputTopic = driver.createOutputTopic(OUTPUT_TOPIC, stringSerde, stringSerde);
    await inputTopic.pipeValue("Hello");
    expect(outputTopic.readValue()).toBe("Hello");
    expect(outputTopic.isEmpty()).toBe(true);
  });

  it("testValueList", async () => {
    const driver = setup();
    const inputTopic = driver.createInputTopic(INPUT_TOPIC, stringSerde, stringSerde);
    const outputTopic = driver.createOutputTopic(OUTPUT_TOPIC, stringSerde, stringSerde);
    await inputTopic.pipeValueList(inputList);
    expect(outputTopic.readValuesToList()).toEqual(inputList);
  });

  it("testKeyValue", async () => {
    const driver = setup();
    const inputTopic = driver.createInputTopic(INPUT_TOPIC, longSerde, stringSerde);
    const outputTopic = driver.createOutputTopic(OUTPUT_TOPIC, longSerde, stringSerde);
    await inputTopic.pipeInput(1, "Hello");
    expect(outputTopic.readKeyValue()).toEqual({ key: 1, value: "Hello" });
    expect(outputTopic.isEmpty()).toBe(true);
  });

  it("testKeyValueList", async () => {
    const driver = setup();
    const inputTopic = driver.createInputTopic(INPUT_TOPIC_MAP, longSerde, stringSerde);
    const outputTopic = driver.createOutputTopic(OUTPUT_TOPIC_MAP, stringSerde, longSerde);
    await inputTopic.pipeKeyValueList(inputList.map((value, i) => ({ key: i, value })));
    expect(outputTopic.readKeyValuesToList()).toEqual(inputList.map((key, i) => ({ key, value: i })));
  });

  it("testKeyValuesToMap", async () => {
    const driver = setup();
    const inputTopic = driver.createInputTopic(INPUT_TOPIC_MAP, longSerde, stringSerde);
    const outputTopic = driver.createOutputTopic(OUTPUT_TOPIC_MAP, stringSerde, longSerde);
    await inputTopic.pipeKeyValueList(inputList.map((value, i) => ({ key: i, value })));
    expect(outputTopic.readKeyValuesToMap()).toEqual(new Map(inputList.map((key, i) => [key, i])));
  });

  it("testKeyValuesToMapWithNull", async () => {
    const driver = setup();
    const inputTopic = driver.createInputTopic(INPUT_TOPIC, longSerde, stringSerde);
    const outputTopic = driver.createOutputTopic(OUTPUT_TOPIC, longSerde, stringSerde);
    await inputTopic.pipeValue("value");
    expect(() => outputTopic.readKeyValuesToMap()).toThrow("Null keys not allowed with readKeyValuesToMap method");
  });

  it("testKeyValueListDuration", async () => {
    const driver = setup();
    const inputTopic = driver.createInputTopic(INPUT_TOPIC_MAP, longSerde, stringSerde);
    const outputTopic = driver.createOutputTopic(OUTPUT_TOPIC_MAP, stringSerde, longSerde);
    const advance = 15_000;
    await inputTopic.pipeKeyValueList(
      inputList.map((value, i) => ({ key: i, value })),
      { startTimestamp: testBaseTime, advance },
    );
    expect(outputTopic.readRecordsToList()).toEqual(inputList.map((s, i) => record(s, i, testBaseTime + i * advance)));
  });

  it("testRecordList", async () => {
    const driver = setup();
    const inputTopic = driver.createInputTopic(INPUT_TOPIC_MAP, longSerde, stringSerde);
    const outputTopic = driver.createOutputTopic(OUTPUT_TOPIC_MAP, stringSerde, longSerde);
    const advance = 15_000;
    await inputTopic.pipeRecordList(
      inputList.map((s, i) => ({ key: i, value: s, timestamp: testBaseTime + i * advance })),
    );
    expect(outputTopic.readRecordsToList()).toEqual(inputList.map((s, i) => record(s, i, testBaseTime + i * advance)));
  });

  it("testRecordsToList", async () => {
    const driver = setup();
    const inputTopic = driver.createInputTopic(INPUT_TOPIC_MAP, longSerde, stringSerde);
    const outputTopic = driver.createOutputTopic(OUTPUT_TOPIC_MAP, stringSerde, longSerde);
    const advance = 15_000;
    const recordInstant = Date.parse("2019-06-01T10:00:00Z");
    await inputTopic.pipeKeyValueList(
      inputList.map((value, i) => ({ key: i, value })),
      { startTimestamp: recordInstant, advance },
    );
    expect(outputTopic.readRecordsToList()).toEqual(inputList.map((s, i) => record(s, i, recordInstant + i * advance)));
  });

  it("testMultipleTopics", async () => {
    const driver = setup();
    const inputTopic1 = driver.createInputTopic(INPUT_TOPIC, longSerde, stringSerde);
    const inputTopic2 = driver.createInputTopic(INPUT_TOPIC_MAP, longSerde, stringSerde);
    const outputTopic1 = driver.createOutputTopic(OUTPUT_TOPIC, longSerde, stringSerde);
    const outputTopic2 = driver.createOutputTopic(OUTPUT_TOPIC_MAP, stringSerde, longSerde);
    await inputTopic1.pipeInput(1, "Hello");
    expect(outputTopic1.readKeyValue()).toEqual({ key: 1, value: "Hello" });
    expect(outputTopic2.readKeyValue()).toEqual({ key: "Hello", value: 1 });
    expect(outputTopic1.isEmpty()).toBe(true);
    expect(outputTopic2.isEmpty()).toBe(true);
    await inputTopic2.pipeInput(1, "Hello");
    // Piped into "output1", the record is read by the topology but is no output of it.
    expect(outputTopic2.readKeyValue()).toEqual({ key: "Hello", value: 1 });
    expect(outputTopic1.isEmpty()).toBe(true);
    expect(outputTopic2.isEmpty()).toBe(true);
  });
});

describe("TestTopicsTest: timestamps and headers", () => {
  it("testTimestamp", async () => {
    let baseTime = 3;
    const driver = setup();
    const inputTopic = driver.createInputTopic(INPUT_TOPIC, longSerde, stringSerde);
    const outputTopic = driver.createOutputTopic(OUTPUT_TOPIC, longSerde, stringSerde);
    await inputTopic.pipeInput(null, "Hello", { timestamp: baseTime });
    expect(outputTopic.readRecord()).toEqual(record(null, "Hello", baseTime));
    await inputTopic.pipeInput(2, "Kafka", { timestamp: ++baseTime });
    expect(outputTopic.readRecord()).toEqual(record(2, "Kafka", baseTime));
    await inputTopic.pipeInput(2, "Kafka", { timestamp: testBaseTime });
    expect(outputTopic.readRecord()).toEqual(record(2, "Kafka", testBaseTime));
    const advance = 15_000;
    const recordInstant = testBaseTime + 24 * 3600_000;
    await inputTopic.pipeValueList(["Advancing", "time"], { startTimestamp: recordInstant, advance });
    expect(outputTopic.readRecord()).toEqual(record(null, "Advancing", recordInstant));
    expect(outputTopic.readRecord()).toEqual(record(null, "time", recordInstant + advance));
  });

  it("testWithHeaders", async () => {
    let baseTime = 3;
    const headers = new RecordHeaders([
      ["foo", Buffer.from("value")],
      ["bar", null],
      ['"A\\u00ea\\u00f1\\u00fcC"', Buffer.from("value")],
    ]);
    const driver = setup();
    const inputTopic = driver.createInputTopic(INPUT_TOPIC, longSerde, stringSerde);
    const outputTopic = driver.createOutputTopic(OUTPUT_TOPIC, longSerde, stringSerde);
    await inputTopic.pipeRecord({ key: 1, value: "Hello", headers });
    const first = outputTopic.readRecord();
    expect(first.key).toBe(1);
    expect(first.value).toBe("Hello");
    expect(first.headers.toArray()).toEqual(headers.toArray());
    await inputTopic.pipeRecord({ key: 2, value: "Kafka", headers, timestamp: ++baseTime });
    const second = outputTopic.readRecord();
    expect(second).toEqual(record(2, "Kafka", baseTime, headers));
    expect(second.headers.toArray()).toEqual([
      { key: "foo", value: Buffer.from("value") },
      { key: "bar", value: null },
      { key: '"A\\u00ea\\u00f1\\u00fcC"', value: Buffer.from("value") },
    ]);
  });

  it("testStartTimestamp", async () => {
    const advance = 2000;
    const driver = setup();
    const inputTopic = driver.createInputTopic(INPUT_TOPIC, longSerde, stringSerde, {
      startTimestamp: testBaseTime,
      autoAdvance: 0,
    });
    const outputTopic = driver.createOutputTopic(OUTPUT_TOPIC, longSerde, stringSerde);
    await inputTopic.pipeInput(1, "Hello");
    expect(outputTopic.readRecord()).toEqual(record(1, "Hello", testBaseTime));
    await inputTopic.pipeInput(2, "World");
    expect(outputTopic.readRecord()).toEqual(record(2, "World", testBaseTime));
    inputTopic.advanceTime(advance);
    await inputTopic.pipeInput(3, "Kafka");
    expect(outputTopic.readRecord()).toEqual(record(3, "Kafka", testBaseTime + advance));
  });

  it("testTimestampAutoAdvance", async () => {
    const advance = 2000;
    const driver = setup();
    const inputTopic = driver.createInputTopic(INPUT_TOPIC, longSerde, stringSerde, {
      startTimestamp: testBaseTime,
      autoAdvance: advance,
    });
    const outputTopic = driver.createOutputTopic(OUTPUT_TOPIC, longSerde, stringSerde);
    await inputTopic.pipeValue("Hello");
    expect(outputTopic.readRecord()).toEqual(record(null, "Hello", testBaseTime));
    await inputTopic.pipeInput(2, "Kafka");
    expect(outputTopic.readRecord()).toEqual(record(2, "Kafka", testBaseTime + advance));
  });
});

describe("TestTopicsTest: misuse", () => {
  it("testNonExistingOutputTopic", () => {
    const outputTopic = setup().createOutputTopic("no-exist", longSerde, stringSerde);
    expect(() => outputTopic.readRecord()).toThrow(NoOutputRecordError);
    expect(() => outputTopic.readRecord()).toThrow("Uninitialized topic: no-exist");
  });

  it("testNonUsedOutputTopic", () => {
    const outputTopic = setup().createOutputTopic(OUTPUT_TOPIC, longSerde, stringSerde);
    expect(() => outputTopic.readRecord()).toThrow("Uninitialized topic: output1");
  });

  it("testEmptyTopic", async () => {
    const driver = setup();
    const inputTopic = driver.createInputTopic(INPUT_TOPIC, stringSerde, stringSerde);
    const outputTopic = driver.createOutputTopic(OUTPUT_TOPIC, stringSerde, stringSerde);
    await inputTopic.pipeValue("Hello");
    expect(outputTopic.readValue()).toBe("Hello");
    expect(() => outputTopic.readRecord()).toThrow(NoOutputRecordError);
    expect(() => outputTopic.readRecord()).toThrow("Empty topic: output1");
  });

  it("testNonExistingInputTopic", async () => {
    const inputTopic = setup().createInputTopic("no-exist", longSerde, stringSerde);
    await expect(inputTopic.pipeInput(1, "Hello")).rejects.toThrow(UnknownTopicError);
  });

  it("shouldNotAllowToCreateTopicWithNullTopicName", () => {
    const driver = setup();
    expect(() => driver.createInputTopic(null as never, stringSerde, stringSerde)).toThrow("topicName cannot be null");
  });

  it("shouldNotAllowToCreateWithNullDriver", () => {
    expect(() => new TestInputTopic(null as never, INPUT_TOPIC, stringSerde, stringSerde, Date.now(), 0)).toThrow(
      "TopologyTestDriver cannot be null",
    );
  });

  it("testWrongSerde", async () => {
    const inputTopic = setup().createInputTopic(INPUT_TOPIC_MAP, stringSerde, stringSerde);
    // "1L" as a string is no 8-byte long: the source's key serde fails, and with it the pipe.
    await expect(inputTopic.pipeInput("1L", "Hello")).rejects.toThrow(/long/);
  });

  it("testDuration", () => {
    const driver = setup();
    expect(() =>
      driver.createInputTopic(INPUT_TOPIC_MAP, stringSerde, stringSerde, {
        startTimestamp: testBaseTime,
        autoAdvance: -24 * 3600_000,
      }),
    ).toThrow(RangeError);
  });

  it("testNegativeAdvance", () => {
    const inputTopic = setup().createInputTopic(INPUT_TOPIC_MAP, stringSerde, stringSerde);
    expect(() => inputTopic.advanceTime(-24 * 3600_000)).toThrow("advance must be positive");
  });

  it("testInputToString", () => {
    const inputTopic = setup().createInputTopic("topicName", stringSerde, stringSerde);
    expect(inputTopic.toString()).toBe("TestInputTopic[topic='topicName', keySerde=string, valueSerde=string]");
  });

  it("shouldNotAllowToCreateOutputTopicWithNullTopicName", () => {
    const driver = setup();
    expect(() => driver.createOutputTopic(null as never, stringSerde, stringSerde)).toThrow("topicName cannot be null");
  });

  it("shouldNotAllowToCreateOutputWithNullDriver", () => {
    expect(() => new TestOutputTopic(null as never, OUTPUT_TOPIC, stringSerde, stringSerde)).toThrow(
      "TopologyTestDriver cannot be null",
    );
  });

  it("testOutputWrongSerde", async () => {
    const driver = setup();
    const inputTopic = driver.createInputTopic(INPUT_TOPIC_MAP, longSerde, stringSerde);
    const outputTopic = driver.createOutputTopic(OUTPUT_TOPIC_MAP, longSerde, stringSerde);
    await inputTopic.pipeInput(1, "Hello");
    // The key is the string "Hello", five bytes: no long.
    expect(() => outputTopic.readKeyValue()).toThrow(/expected 8 bytes, got 5/);
  });

  it("testOutputToString", () => {
    const outputTopic = setup().createOutputTopic(OUTPUT_TOPIC, stringSerde, stringSerde);
    expect(outputTopic.toString()).toBe("TestOutputTopic[topic='output1', keySerde=string, valueSerde=string, size=0]");
  });
});
