// Ports of Kafka Streams' KStreamGlobalKTableJoinTest and KStreamGlobalKTableLeftJoinTest:
// a stream joined with a global table by a key computed from each record (the second
// comma-separated token of its value), through the driver, records and timestamps as the
// Java tests expect them; then TopologyTest's describe() of global stores, globalTable()'s
// generated names, and addGlobalStore() with a processor of one's own.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { Topology } from "../../../src/topology/topology.js";
import { InvalidOperationError } from "../../../src/topology/errors.js";
import type { KeyValueStore } from "../../../src/stores/key-value-store.js";
import type { ProcessorContext, StreamRecord } from "../../../src/index.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";
import type { TestOutputTopic } from "../../../src/testing/test-output-topic.js";
import { expectOutput, kvt, toStringJoiner } from "./support.js";
import type { KeyValueTimestamp } from "./support.js";

const streamTopic = "streamTopic";
const globalTableTopic = "globalTableTopic";
const expectedKeys = [0, 1, 2, 3];

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

describe.each([false, true])("KStream-GlobalKTable join (leftJoin: %s)", (leftJoin) => {
  let output: TestOutputTopic<number, string>;
  let streamTime: number;
  let pushToStream: (
    count: number,
    prefix: string,
    includeForeignKey: boolean,
    includeNullKey: boolean,
  ) => Promise<void>;
  let pushToGlobalTable: (count: number, prefix: string | null) => Promise<void>;
  const EMPTY: KeyValueTimestamp<number, string>[] = [];

  beforeEach(() => {
    const builder = new StreamsBuilder();
    const stream = builder.stream(streamTopic, { key: Serdes.int32(), value: Serdes.string() });
    const table = builder.globalTable(globalTableTopic, { key: Serdes.string(), value: Serdes.string() });
    const keyMapper = (_key: number, value: string): string | null => value.split(",")[1] ?? null;
    const joined = leftJoin
      ? stream.leftJoin(table, keyMapper, toStringJoiner)
      : stream.join(table, keyMapper, toStringJoiner);
    joined.to("output", { value: Serdes.string() });
    driver = new TopologyTestDriver(builder.build());
    const d = driver;
    output = d.createOutputTopic("output", Serdes.int32(), Serdes.string());
    const streamInput = d.createInputTopic(streamTopic, Serdes.int32(), Serdes.string());
    const tableInput = d.createInputTopic(globalTableTopic, Serdes.string(), Serdes.string());
    // The stream's timestamps advance by 1 from 0; the global table's are not looked at.
    streamTime = 0;
    pushToStream = async (count, prefix, includeForeignKey, includeNullKey) => {
      for (let i = 0; i < count; i += 1) {
        const key = includeNullKey && i === 0 ? null : (expectedKeys[i] as number);
        const value = `${prefix}${expectedKeys[i]}${includeForeignKey ? `,FKey${expectedKeys[i]}` : ""}`;
        await streamInput.pipeInput(key, value, { timestamp: streamTime });
        streamTime += 1;
      }
    };
    pushToGlobalTable = async (count, prefix) => {
      for (let i = 0; i < count; i += 1) {
        await tableInput.pipeInput(`FKey${expectedKeys[i]}`, prefix === null ? null : `${prefix}${expectedKeys[i]}`);
      }
    };
  });

  it("shouldNotRequireCopartitioning", () => {
    expect(driver?.topology.copartitionGroups).toEqual([]);
  });

  it("shouldNotJoinWithEmptyGlobalTableOnStreamUpdates", async () => {
    await pushToStream(2, "X", true, false);
    expectOutput(output, leftJoin ? [kvt(0, "X0,FKey0+null", 0), kvt(1, "X1,FKey1+null", 1)] : EMPTY);
  });

  it("shouldNotJoinOnGlobalTableUpdates", async () => {
    await pushToStream(2, "X", true, false);
    expectOutput(output, leftJoin ? [kvt(0, "X0,FKey0+null", 0), kvt(1, "X1,FKey1+null", 1)] : EMPTY);
    await pushToGlobalTable(2, "Y");
    expectOutput(output, EMPTY);
    await pushToStream(4, "X", true, false);
    expectOutput(output, [
      kvt(0, "X0,FKey0+Y0", 2),
      kvt(1, "X1,FKey1+Y1", 3),
      ...(leftJoin ? [kvt(2, "X2,FKey2+null", 4), kvt(3, "X3,FKey3+null", 5)] : []),
    ]);
    await pushToGlobalTable(4, "YY");
    expectOutput(output, EMPTY);
    await pushToStream(4, "X", true, false);
    expectOutput(output, [
      kvt(0, "X0,FKey0+YY0", 6),
      kvt(1, "X1,FKey1+YY1", 7),
      kvt(2, "X2,FKey2+YY2", 8),
      kvt(3, "X3,FKey3+YY3", 9),
    ]);
    await pushToGlobalTable(4, "YYY");
    expectOutput(output, EMPTY);
  });

  it("shouldJoinOnlyIfMatchFoundOnStreamUpdates / shouldJoinRegardlessIfMatchFoundOnStreamUpdates", async () => {
    await pushToGlobalTable(2, "Y");
    expectOutput(output, EMPTY);
    await pushToStream(4, "X", true, false);
    expectOutput(output, [
      kvt(0, "X0,FKey0+Y0", 0),
      kvt(1, "X1,FKey1+Y1", 1),
      ...(leftJoin ? [kvt(2, "X2,FKey2+null", 2), kvt(3, "X3,FKey3+null", 3)] : []),
    ]);
  });

  it("shouldClearGlobalTableEntryOnNullValueUpdates", async () => {
    await pushToGlobalTable(4, "Y");
    await pushToStream(4, "X", true, false);
    expectOutput(output, [
      kvt(0, "X0,FKey0+Y0", 0),
      kvt(1, "X1,FKey1+Y1", 1),
      kvt(2, "X2,FKey2+Y2", 2),
      kvt(3, "X3,FKey3+Y3", 3),
    ]);
    await pushToGlobalTable(2, null);
    expectOutput(output, EMPTY);
    await pushToStream(4, "XX", true, false);
    expectOutput(output, [
      ...(leftJoin ? [kvt(0, "XX0,FKey0+null", 4), kvt(1, "XX1,FKey1+null", 5)] : []),
      kvt(2, "XX2,FKey2+Y2", 6),
      kvt(3, "XX3,FKey3+Y3", 7),
    ]);
  });

  it("shouldNotJoinOnNullKeyMapperValues", async () => {
    await pushToGlobalTable(4, "Y");
    await pushToStream(4, "XXX", false, false);
    expectOutput(output, EMPTY);
  });

  it("shouldJoinOnNullKeyWithNonNullKeyMapperValues", async () => {
    await pushToGlobalTable(leftJoin ? 4 : 2, "Y");
    await pushToStream(4, "X", true, true);
    expectOutput(output, [
      kvt(null, "X0,FKey0+Y0", 0),
      kvt(1, "X1,FKey1+Y1", 1),
      ...(leftJoin ? [kvt(2, "X2,FKey2+Y2", 2), kvt(3, "X3,FKey3+Y3", 3)] : []),
    ]);
  });
});

describe("global stores in describe() (TopologyTest) and globalTable()'s names", () => {
  const globalStore = (name: string) => ({ name, key: Serdes.string(), value: Serdes.string(), persistent: false });
  const noop = () => ({ process: () => undefined });

  it("shouldDescribeGlobalStoreTopology", () => {
    const topology = new Topology().addGlobalStore(
      globalStore("globalStore"),
      "source",
      {},
      "globalTopic",
      "processor",
      noop,
    );
    expect(topology.describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0 for global store (will not generate tasks)\n" +
        "    Source: source (topics: [globalTopic])\n" +
        "      --> processor\n" +
        "    Processor: processor (stores: [globalStore])\n" +
        "      --> none\n" +
        "      <-- source\n",
    );
  });

  it("shouldDescribeMultipleGlobalStoreTopology", () => {
    const topology = new Topology()
      .addGlobalStore(globalStore("globalStore1"), "source1", {}, "globalTopic1", "processor1", noop)
      .addGlobalStore(globalStore("globalStore2"), "source2", {}, "globalTopic2", "processor2", noop);
    expect(topology.describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0 for global store (will not generate tasks)\n" +
        "    Source: source1 (topics: [globalTopic1])\n" +
        "      --> processor1\n" +
        "    Processor: processor1 (stores: [globalStore1])\n" +
        "      --> none\n" +
        "      <-- source1\n" +
        "  Sub-topology: 1 for global store (will not generate tasks)\n" +
        "    Source: source2 (topics: [globalTopic2])\n" +
        "      --> processor2\n" +
        "    Processor: processor2 (stores: [globalStore2])\n" +
        "      --> none\n" +
        "      <-- source2\n",
    );
  });

  it("shouldNotAllowToAddGlobalStoreWithSourceNameEqualsProcessorName", () => {
    expect(() =>
      new Topology().addGlobalStore(globalStore("anyName"), "sameName", {}, "anyTopicName", "sameName", noop),
    ).toThrow(InvalidOperationError);
  });

  it("numbers a global table among the sub-topologies; its join names no store and needs no co-partitioning", () => {
    const builder = new StreamsBuilder();
    const table = builder.globalTable("products", { key: Serdes.string(), value: Serdes.string() });
    builder
      .stream("orders", { key: Serdes.string(), value: Serdes.string() })
      .join(
        table,
        (_key, value) => value,
        (order, product) => `${order}:${product}`,
      )
      .to("enriched");
    const topology = builder.build();
    expect(table.queryableStoreName).toBeUndefined();
    expect(topology.describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0 for global store (will not generate tasks)\n" +
        "    Source: KSTREAM-SOURCE-0000000001 (topics: [products])\n" +
        "      --> KTABLE-SOURCE-0000000002\n" +
        "    Processor: KTABLE-SOURCE-0000000002 (stores: [products-STATE-STORE-0000000000])\n" +
        "      --> none\n" +
        "      <-- KSTREAM-SOURCE-0000000001\n" +
        "  Sub-topology: 1\n" +
        "    Source: KSTREAM-SOURCE-0000000003 (topics: [orders])\n" +
        "      --> KSTREAM-JOIN-0000000004\n" +
        "    Processor: KSTREAM-JOIN-0000000004 (stores: [])\n" +
        "      --> KSTREAM-SINK-0000000005\n" +
        "      <-- KSTREAM-SOURCE-0000000003\n" +
        "    Sink: KSTREAM-SINK-0000000005 (topic: enriched)\n" +
        "      <-- KSTREAM-JOIN-0000000004\n\n",
    );
    expect(topology.subtopologies.map((subtopology) => subtopology.id)).toEqual([1]);
    expect(topology.globalStores.map((global) => [global.id, global.store, global.topic])).toEqual([
      [0, "products-STATE-STORE-0000000000", "products"],
    ]);
    expect(topology.stores.get("products-STATE-STORE-0000000000")).toMatchObject({ global: true, logging: false });
  });

  it("refuses to connect a global store to a processor, and to follow a global store's nodes", () => {
    const builder = new StreamsBuilder();
    builder.globalTable("products", { key: Serdes.string(), value: Serdes.string(), store: "products" });
    const stream = builder.stream("orders", { key: Serdes.string(), value: Serdes.string() });
    expect(() => stream.process(noop, { stores: ["products"] })).toThrow(/Global state store "products"/);
    const topology = new Topology().addGlobalStore(globalStore("g"), "source", {}, "topic", "processor", noop);
    expect(() => topology.addProcessor("after", noop, "processor")).toThrow(InvalidOperationError);
  });
});

describe("global stores through the driver", () => {
  it("a named global table is queryable, and read by any processor without being connected", async () => {
    const builder = new StreamsBuilder();
    const table = builder.globalTable("rates", { key: Serdes.string(), value: Serdes.string(), store: "rates" });
    expect(table.queryableStoreName).toBe("rates");
    builder
      .stream("amounts", { key: Serdes.string(), value: Serdes.string() })
      .process(() => {
        let context!: ProcessorContext<string, string>;
        let rates!: KeyValueStore<string, { value: string }>;
        return {
          init(c: ProcessorContext<string, string>) {
            context = c;
            rates = c.getStateStore("rates");
          },
          async process(record: StreamRecord<string, string>) {
            const rate = await rates.get(record.key);
            await context.forward({ ...record, value: `${record.value}@${rate?.value ?? "none"}` });
          },
        };
      })
      .to("converted", { key: Serdes.string(), value: Serdes.string() });
    driver = new TopologyTestDriver(builder.build());
    const rates = driver.createInputTopic("rates", Serdes.string(), Serdes.string());
    const amounts = driver.createInputTopic("amounts", Serdes.string(), Serdes.string());
    const converted = driver.createOutputTopic("converted", Serdes.string(), Serdes.string());
    await rates.pipeInput("EUR", "1.08", { timestamp: 5 });
    await amounts.pipeInput("EUR", "100", { timestamp: 1 });
    await amounts.pipeInput("GBP", "100", { timestamp: 2 });
    expectOutput(converted, [kvt("EUR", "100@1.08", 1), kvt("GBP", "100@none", 2)]);
    expect(await driver.getKeyValueStore<string, string>("rates").get("EUR")).toBe("1.08");
  });

  it("addGlobalStore(): the state-update processor of one's own keeps the store", async () => {
    const builder = new StreamsBuilder();
    builder.addGlobalStore(
      { name: "upper", key: Serdes.string(), value: Serdes.string() },
      "words",
      { key: Serdes.string(), value: Serdes.string() },
      () => {
        let store!: KeyValueStore<string, string>;
        return {
          init(context: ProcessorContext) {
            store = context.getStateStore("upper");
          },
          async process(record: StreamRecord<string, string>) {
            await store.put(record.key, record.value.toUpperCase());
          },
        };
      },
    );
    const topology = builder.build();
    expect(topology.describe().toString()).toContain(
      "   Sub-topology: 0 for global store (will not generate tasks)\n" +
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [words])\n" +
        "      --> KTABLE-SOURCE-0000000001\n" +
        "    Processor: KTABLE-SOURCE-0000000001 (stores: [upper])\n",
    );
    driver = new TopologyTestDriver(topology);
    await driver.createInputTopic("words", Serdes.string(), Serdes.string()).pipeInput("a", "hello");
    expect(await driver.getKeyValueStore<string, string>("upper").get("a")).toBe("HELLO");
  });
});
