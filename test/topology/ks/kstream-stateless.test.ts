// Ports of Kafka Streams' tests of the stateless KStream operations: KStreamFilterTest,
// KStreamMapTest, KStreamMapValuesTest, KStreamFlatMapTest, KStreamFlatMapValuesTest,
// KStreamSelectKeyTest, KStreamPeekTest and KStreamForeachTest. Same inputs, same
// records (keys, values, timestamps) reaching a capturing processor downstream.
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import type { KeyValue } from "../../../src/stores/key-value-store.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";
import { CapturingSupplier, kvt } from "./support.js";

const topicName = "topic";
const intString = { key: Serdes.int32(), value: Serdes.string() };

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

function start(builder: StreamsBuilder): TopologyTestDriver {
  driver = new TopologyTestDriver(builder.build());
  return driver;
}

describe("KStreamFilterTest", () => {
  const isMultipleOfThree = (key: number): boolean => key % 3 === 0;

  it.each([
    ["testFilter", false, 2],
    ["testFilterNot", true, 5],
  ] as const)("%s", async (_name, not, count) => {
    const builder = new StreamsBuilder();
    const supplier = new CapturingSupplier<number, string>();
    const stream = builder.stream(topicName, intString);
    (not ? stream.filterNot(isMultipleOfThree) : stream.filter(isMultipleOfThree)).process(supplier.supplier);
    const input = start(builder).createInputTopic(topicName, Serdes.int32(), Serdes.string());
    for (const key of [1, 2, 3, 4, 5, 6, 7]) await input.pipeInput(key, `V${key}`);
    expect(supplier.processed()).toHaveLength(count);
    expect(supplier.processed().map(({ key }) => key)).toEqual(not ? [1, 2, 4, 5, 7] : [3, 6]);
  });
});

describe("KStreamMapTest", () => {
  it("testMap", async () => {
    const builder = new StreamsBuilder();
    const supplier = new CapturingSupplier<string, number>();
    builder
      .stream(topicName, intString)
      .map((key, value) => ({ key: value, value: key }))
      .process(supplier.supplier);
    const d = start(builder);
    for (const key of [0, 1, 2, 3]) {
      const input = d.createInputTopic(topicName, Serdes.int32(), Serdes.string(), { startTimestamp: 0 });
      await input.pipeInput(key, `V${key}`, { timestamp: 10 - key });
    }
    expect(supplier.processed()).toEqual([kvt("V0", 0, 10), kvt("V1", 1, 9), kvt("V2", 2, 8), kvt("V3", 3, 7)]);
  });

  it("testKeyValueMapperResultNotNull: a mapper returning null fails the record, naming the mistake", async () => {
    const builder = new StreamsBuilder();
    builder
      .stream(topicName, { key: Serdes.string(), value: Serdes.int32() })
      .map(() => null as unknown as KeyValue<string, number>)
      .to("out", { key: Serdes.string(), value: Serdes.int32() });
    const input = start(builder).createInputTopic(topicName, Serdes.string(), Serdes.int32());
    await expect(input.pipeInput("K", 0, { timestamp: 0 })).rejects.toThrow(
      /The provided KeyValueMapper returned null which is not allowed/,
    );
  });
});

describe("KStreamMapValuesTest", () => {
  it("testFlatMapValues (mapValues by length)", async () => {
    const builder = new StreamsBuilder();
    const supplier = new CapturingSupplier<number, number>();
    builder
      .stream(topicName, intString)
      .mapValues((value) => value.length)
      .process(supplier.supplier);
    const d = start(builder);
    for (const key of [1, 10, 100, 1000]) {
      const input = d.createInputTopic(topicName, Serdes.int32(), Serdes.string());
      await input.pipeInput(key, String(key), { timestamp: Math.floor(key / 2) });
    }
    expect(supplier.processed()).toEqual([kvt(1, 1, 0), kvt(10, 2, 5), kvt(100, 3, 50), kvt(1000, 4, 500)]);
  });

  it("testMapValuesWithKeys", async () => {
    const builder = new StreamsBuilder();
    const supplier = new CapturingSupplier<number, number>();
    builder
      .stream(topicName, intString)
      .mapValues((value, key) => value.length + key)
      .process(supplier.supplier);
    const input = start(builder).createInputTopic(topicName, Serdes.int32(), Serdes.string());
    for (const key of [1, 10, 100, 1000]) await input.pipeInput(key, String(key), { timestamp: Math.floor(key / 2) });
    expect(supplier.processed()).toEqual([kvt(1, 2, 0), kvt(10, 12, 5), kvt(100, 103, 50), kvt(1000, 1004, 500)]);
  });
});

describe("KStreamFlatMapTest", () => {
  it("testFlatMap", async () => {
    const builder = new StreamsBuilder();
    const supplier = new CapturingSupplier<string, string>();
    builder
      .stream(topicName, intString)
      .flatMap((key, value) => {
        const result: KeyValue<string, string>[] = [];
        for (let i = 0; i < key; i++) result.push({ key: String(key * 10 + i), value });
        return result;
      })
      .process(supplier.supplier);
    const input = start(builder).createInputTopic(topicName, Serdes.int32(), Serdes.string(), {
      startTimestamp: 0,
      autoAdvance: 0,
    });
    for (const key of [0, 1, 2, 3]) await input.pipeInput(key, `V${key}`);
    expect(supplier.processed()).toEqual([
      kvt("10", "V1", 0),
      kvt("20", "V2", 0),
      kvt("21", "V2", 0),
      kvt("30", "V3", 0),
      kvt("31", "V3", 0),
      kvt("32", "V3", 0),
    ]);
  });

  it("testKeyValueMapperResultNotNull: a mapper returning null fails the record, naming the mistake", async () => {
    const builder = new StreamsBuilder();
    builder
      .stream(topicName, { key: Serdes.string(), value: Serdes.int32() })
      .flatMap(() => null as unknown as Iterable<KeyValue<string, number>>)
      .to("out", { key: Serdes.string(), value: Serdes.int32() });
    const input = start(builder).createInputTopic(topicName, Serdes.string(), Serdes.int32());
    await expect(input.pipeInput("K", 0, { timestamp: 0 })).rejects.toThrow(
      /The provided KeyValueMapper returned null which is not allowed/,
    );
  });
});

describe("KStreamFlatMapValuesTest", () => {
  it.each([
    ["testFlatMapValues", (value: number) => [`v${value}`, `V${value}`], ["v", "V"]],
    ["testFlatMapValuesWithKeys", (value: number, key: number) => [`v${value}`, `k${key}`], ["v", "k"]],
  ] as const)("%s", async (_name, mapper, prefixes) => {
    const builder = new StreamsBuilder();
    const supplier = new CapturingSupplier<number, string>();
    builder
      .stream(topicName, { key: Serdes.int32(), value: Serdes.int32() })
      .flatMapValues(mapper)
      .process(supplier.supplier);
    const input = start(builder).createInputTopic(topicName, Serdes.int32(), Serdes.int32(), { startTimestamp: 0 });
    for (const key of [0, 1, 2, 3]) await input.pipeInput(key, key, { timestamp: 0 });
    expect(supplier.processed()).toEqual(
      [0, 1, 2, 3].flatMap((key) => prefixes.map((prefix) => kvt(key, `${prefix}${key}`, 0))),
    );
  });
});

describe("KStreamSelectKeyTest", () => {
  it("testSelectKey", async () => {
    const builder = new StreamsBuilder();
    const keyMap = new Map([
      [1, "ONE"],
      [2, "TWO"],
      [3, "THREE"],
    ]);
    const supplier = new CapturingSupplier<string, number>();
    builder
      .stream("topic_key_select", { key: Serdes.string(), value: Serdes.int32() })
      .selectKey((_key, value) => keyMap.get(value)!)
      .process(supplier.supplier);
    const input = start(builder).createInputTopic("topic_key_select", Serdes.string(), Serdes.int32(), {
      startTimestamp: 0,
      autoAdvance: 0,
    });
    for (const value of [1, 2, 3]) await input.pipeValue(value);
    expect(supplier.processed()).toEqual([kvt("ONE", 1, 0), kvt("TWO", 2, 0), kvt("THREE", 3, 0)]);
  });
});

describe("KStreamPeekTest", () => {
  it("shouldObserveStreamElements", async () => {
    const builder = new StreamsBuilder();
    const peekObserved: KeyValue<number, string>[] = [];
    const streamObserved: KeyValue<number, string>[] = [];
    builder
      .stream(topicName, intString)
      .peek((key, value) => peekObserved.push({ key, value }))
      .foreach((key, value) => streamObserved.push({ key, value }));
    const input = start(builder).createInputTopic(topicName, Serdes.int32(), Serdes.string());
    const expected: KeyValue<number, string>[] = [];
    for (let key = 0; key < 32; key++) {
      await input.pipeInput(key, `V${key}`);
      expected.push({ key, value: `V${key}` });
    }
    expect(peekObserved).toEqual(expected);
    expect(streamObserved).toEqual(expected);
  });

  it("shouldNotAllowNullAction", () => {
    const stream = new StreamsBuilder().stream(topicName, intString);
    expect(() => stream.peek(null as unknown as () => void)).toThrow("action can't be null");
  });
});

describe("KStreamForeachTest", () => {
  it("testForeach", async () => {
    const builder = new StreamsBuilder();
    const actual: KeyValue<number, string>[] = [];
    builder
      .stream(topicName, intString)
      .foreach((key, value) => actual.push({ key: key * 2, value: value.toUpperCase() }));
    const input = start(builder).createInputTopic(topicName, Serdes.int32(), Serdes.string());
    for (const [key, value] of [
      [0, "zero"],
      [1, "one"],
      [2, "two"],
      [3, "three"],
    ] as const)
      await input.pipeInput(key, value);
    expect(actual).toEqual([
      { key: 0, value: "ZERO" },
      { key: 2, value: "ONE" },
      { key: 4, value: "TWO" },
      { key: 6, value: "THREE" },
    ]);
  });
});
