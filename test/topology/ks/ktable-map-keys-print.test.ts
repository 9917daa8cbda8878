// Ports of Kafka Streams' KTableMapKeysTest (a table's updates as a stream keyed by a
// mapper) and KStreamPrintTest (print() with a mapper and a label: "[label]: <mapped>").
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";
import { CapturingSupplier, kvt } from "./support.js";

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

describe("KTableMapKeysTest", () => {
  it("testMapKeysConvertingToStream", async () => {
    const builder = new StreamsBuilder();
    const table1 = builder.table("topic_map_keys", { key: Serdes.int32(), value: Serdes.string() });
    const keyMap = new Map([
      [1, "ONE"],
      [2, "TWO"],
      [3, "THREE"],
    ]);
    const convertedStream = table1.toStream((key) => keyMap.get(key)!);
    const supplier = new CapturingSupplier<string, string | null>();
    convertedStream.process(supplier.supplier);

    driver = new TopologyTestDriver(builder.build());
    const originalKeys = [1, 2, 3];
    const values = ["V_ONE", "V_TWO", "V_THREE"];
    for (let i = 0; i < originalKeys.length; i++) {
      const input = driver.createInputTopic("topic_map_keys", Serdes.int32(), Serdes.string());
      await input.pipeInput(originalKeys[i]!, values[i]!, { timestamp: 5 + i * 5 });
    }
    await driver.close();
    expect(supplier.processed()).toEqual([
      kvt("ONE", "V_ONE", 5),
      kvt("TWO", "V_TWO", 10),
      kvt("THREE", "V_THREE", 15),
    ]);
  });
});

describe("KStreamPrintTest", () => {
  it("testPrintStreamWithProvidedKeyValueMapper", async () => {
    const builder = new StreamsBuilder();
    const lines: string[] = [];
    builder.stream("input", { key: Serdes.int32(), value: Serdes.string() }).print({
      label: "test-stream",
      mapper: (key, value) => `${key}, ${value}`,
      to: (line) => lines.push(line),
    });
    driver = new TopologyTestDriver(builder.build());
    const input = driver.createInputTopic("input", Serdes.int32(), Serdes.string());
    for (const [key, value] of [
      [0, "zero"],
      [1, "one"],
      [2, "two"],
      [3, "three"],
    ] as const) {
      await input.pipeInput(key, value, { timestamp: 0 });
    }
    expect(lines).toEqual([
      "[test-stream]: 0, zero",
      "[test-stream]: 1, one",
      "[test-stream]: 2, two",
      "[test-stream]: 3, three",
    ]);
  });
});
