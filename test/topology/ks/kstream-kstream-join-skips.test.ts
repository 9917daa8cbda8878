// Port of Kafka Streams' KStreamKStreamJoinTest.shouldLogAndMeterOnSkippedRecordsWithNullValueWithBuiltInMetricsVersionLatest:
// a record with a null value cannot join and is dropped, counted by the driver's
// droppedRecords (Kafka Streams' dropped-records metric; its log line, "Skipping record
// due to null key or value", is not asserted here).
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { JoinWindows } from "../../../src/topology/dsl/join-windows.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

describe("KStreamKStreamJoinTest", () => {
  it("shouldLogAndMeterOnSkippedRecordsWithNullValueWithBuiltInMetricsVersionLatest", async () => {
    const builder = new StreamsBuilder();
    const ints = { key: Serdes.string(), value: Serdes.int32() };
    const left = builder.stream("left", ints);
    const right = builder.stream("right", ints);
    left.join(right, (a, b) => a + b, JoinWindows.ofTimeDifferenceWithNoGrace(100), {
      key: Serdes.string(),
      value: Serdes.int32(),
      otherValue: Serdes.int32(),
    });
    driver = new TopologyTestDriver(builder.build());
    await driver.createInputTopic("left", Serdes.string(), Serdes.int32()).pipeInput("A", null);
    expect(driver.droppedRecords).toBe(1);
  });
});
