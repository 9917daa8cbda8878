// Ports of Kafka Streams' TopologyTestDriverTest (streams/test-utils): the topics a driver
// saw written (sinks, internal topics, a global table's topic), unknown and unused topics,
// and the CustomMaxAggregator cases: a store the test pre-populates, read and written by
// a processor that punctuates on stream time (every 10 s, aligned to 0) and on wall-clock
// time (every minute). Kafka Streams' pipeRecord()/readRecord() are the input and output
// topics here; stores are read with await.
import { describe, expect, it } from "vitest";
import { Serdes } from "../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../src/topology/dsl/streams-builder.js";
import { Topology } from "../../src/topology/topology.js";
import type { Processor, ProcessorContext, PunctuationType } from "../../src/topology/processor.js";
import type { StreamRecord } from "../../src/topology/record.js";
import type { KeyValueStore } from "../../src/stores/key-value-store.js";
import type { TopologyTestDriver } from "../../src/testing/index.js";
import { NoOutputRecordError, UnknownTopicError } from "../../src/testing/index.js";
import { APPLICATION_ID, config, driverPerTest } from "./support/ks-driver-cases.js";

const SOURCE_TOPIC_1 = "source-topic-1";
const SOURCE_TOPIC_2 = "source-topic-2";
const SINK_TOPIC_1 = "sink-topic-1";
const bytes = Serdes.bytes();
const key1 = Buffer.alloc(0);
const value1 = Buffer.alloc(0);
const start = driverPerTest();

function setupSourceSinkTopology(): Topology {
  return new Topology().addSource("source", SOURCE_TOPIC_1).addSink("sink", SINK_TOPIC_1, "source");
}

async function pipeRecord(driver: TopologyTestDriver, topic: string) {
  await driver.createInputTopic(topic, bytes, bytes).pipeInput(key1, value1, { timestamp: 42 });
}

describe("TopologyTestDriverTest: topics", () => {
  it("shouldThrowForUnknownTopic", async () => {
    const driver = start(new Topology());
    // As Kafka Streams' driver: the topic is refused when a record is piped into it.
    const input = driver.createInputTopic("unknownTopic", bytes, bytes);
    await expect(input.pipeInput(null, null, { timestamp: Date.now() })).rejects.toThrow(UnknownTopicError);
  });

  it("shouldThrowNoSuchElementExceptionForUnusedOutputTopicWithDynamicRouting", () => {
    const outputTopic = start(setupSourceSinkTopology()).createOutputTopic("unused-topic", bytes, bytes);
    expect(outputTopic.isEmpty()).toBe(true);
    expect(() => outputTopic.readRecord()).toThrow(NoOutputRecordError);
  });

  it("shouldCaptureSinkTopicNamesIfWrittenInto", async () => {
    const driver = start(setupSourceSinkTopology());
    expect(driver.producedTopicNames()).toEqual(new Set());
    await pipeRecord(driver, SOURCE_TOPIC_1);
    expect(driver.producedTopicNames()).toContain(SINK_TOPIC_1);
  });

  it("shouldCaptureInternalTopicNamesIfWrittenInto", async () => {
    const builder = new StreamsBuilder();
    const t1 = builder
      .stream<Buffer, Buffer>(SOURCE_TOPIC_1)
      .selectKey((_key, value) => value)
      .groupByKey()
      .count({ store: "table1" });
    builder.table<Buffer, Buffer>(SOURCE_TOPIC_2, { store: "table2" }).join(
      t1,
      (value) => value,
      (_v1, v2) => v2,
      { name: "join" },
    );
    const driver = start(builder.build());
    expect(driver.producedTopicNames()).toEqual(new Set());
    await pipeRecord(driver, SOURCE_TOPIC_1);
    expect(driver.producedTopicNames()).toEqual(
      new Set([`${APPLICATION_ID}-table1-repartition`, `${APPLICATION_ID}-table1-changelog`]),
    );
    await pipeRecord(driver, SOURCE_TOPIC_2);
    expect(driver.producedTopicNames()).toEqual(
      new Set([
        `${APPLICATION_ID}-table1-repartition`,
        `${APPLICATION_ID}-table1-changelog`,
        `${APPLICATION_ID}-table2-changelog`,
        `${APPLICATION_ID}-join-subscription-registration-topic`,
        `${APPLICATION_ID}-join-subscription-store-changelog`,
        `${APPLICATION_ID}-join-subscription-response-topic`,
      ]),
    );
  });

  it("shouldProcessRecordForTopic", async () => {
    const driver = start(setupSourceSinkTopology());
    await pipeRecord(driver, SOURCE_TOPIC_1);
    const outputRecord = driver.createOutputTopic(SINK_TOPIC_1, bytes, bytes).readRecord();
    expect(outputRecord.key).toEqual(key1);
    expect(outputRecord.value).toEqual(value1);
  });

  it("shouldCaptureGlobalTopicNameIfWrittenInto", async () => {
    const builder = new StreamsBuilder();
    builder.globalTable(SOURCE_TOPIC_1, { store: "globalTable" });
    builder.stream(SOURCE_TOPIC_2).to(SOURCE_TOPIC_1);
    const driver = start(builder.build());
    expect(driver.producedTopicNames()).toEqual(new Set());
    await pipeRecord(driver, SOURCE_TOPIC_2);
    expect(driver.producedTopicNames()).toEqual(new Set([SOURCE_TOPIC_1]));
  });
});

/** CustomMaxAggregator: keeps each key's largest value; punctuations forward every row. */
class CustomMaxAggregator implements Processor<string, number, string, number> {
  #context!: ProcessorContext<string, number>;
  #store!: KeyValueStore<string, number>;

  init(context: ProcessorContext<string, number>): void {
    this.#context = context;
    context.schedule(60_000, "wall-clock-time", (timestamp) => this.#flushStore(timestamp));
    context.schedule(10_000, "stream-time", (timestamp) => this.#flushStore(timestamp));
    this.#store = context.getStateStore<string, number>("aggStore");
  }

  async process(record: StreamRecord<string, number>): Promise<void> {
    const oldValue = await this.#store.get(record.key);
    if (oldValue === undefined || record.value > oldValue) await this.#store.put(record.key, record.value);
  }

  async #flushStore(timestamp: number): Promise<void> {
    for await (const { key, value } of this.#store.all()) {
      await this.#context.forward({ key, value, timestamp, headers: [] } as unknown as StreamRecord<string, number>);
    }
  }
}

describe("TopologyTestDriverTest: a pre-populated store and punctuations", () => {
  async function setup(caching = false) {
    const topology = new Topology()
      .addSource("sourceProcessor", "input-topic")
      .addProcessor("aggregator", () => new CustomMaxAggregator(), "sourceProcessor")
      .addStateStore(
        { name: "aggStore", key: Serdes.string(), value: Serdes.long() as never, persistent: false, caching },
        "aggregator",
      )
      .addSink("sinkProcessor", "result-topic", "aggregator");
    const driver = start(topology, {
      applicationId: APPLICATION_ID,
      defaultKeySerde: Serdes.string() as never,
      defaultValueSerde: Serdes.long() as never,
    });
    const store = driver.getKeyValueStore<string, number>("aggStore");
    await store.put("a", 21);
    const input = driver.createInputTopic("input-topic", Serdes.string(), Serdes.long() as never);
    const output = driver.createOutputTopic("result-topic", Serdes.string(), Serdes.long() as never);
    const pipeInput = (key: string, value: number, time: number) =>
      input.pipeInput(key, value as never, { timestamp: time });
    const next = () => {
      const { key, value } = output.readRecord();
      return [key, Number(value)];
    };
    return { driver, store, pipeInput, next, output };
  }

  it("shouldFlushStoreForFirstInput", async () => {
    const { pipeInput, next, output } = await setup();
    await pipeInput("a", 1, 9999);
    expect(next()).toEqual(["a", 21]);
    expect(output.isEmpty()).toBe(true);
  });

  it("shouldNotUpdateStoreForSmallerValue", async () => {
    const { store, pipeInput, next, output } = await setup();
    await pipeInput("a", 1, 9999);
    expect(await store.get("a")).toBe(21);
    expect(next()).toEqual(["a", 21]);
    expect(output.isEmpty()).toBe(true);
  });

  it("shouldNotUpdateStoreForLargerValue", async () => {
    const { store, pipeInput, next, output } = await setup();
    await pipeInput("a", 42, 9999);
    expect(await store.get("a")).toBe(42);
    expect(next()).toEqual(["a", 42]);
    expect(output.isEmpty()).toBe(true);
  });

  it("shouldUpdateStoreForNewKey", async () => {
    const { store, pipeInput, next, output } = await setup();
    await pipeInput("b", 21, 9999);
    expect(await store.get("b")).toBe(21);
    expect(next()).toEqual(["a", 21]);
    expect(next()).toEqual(["b", 21]);
    expect(output.isEmpty()).toBe(true);
  });

  it("shouldPunctuateIfEvenTimeAdvances", async () => {
    const { pipeInput, next, output } = await setup();
    await pipeInput("a", 1, 9999);
    expect(next()).toEqual(["a", 21]);
    await pipeInput("a", 1, 9999);
    expect(output.isEmpty()).toBe(true);
    await pipeInput("a", 1, 10000);
    expect(next()).toEqual(["a", 21]);
    expect(output.isEmpty()).toBe(true);
  });

  it("shouldPunctuateIfWallClockTimeAdvances", async () => {
    const { driver, next, output } = await setup();
    await driver.advanceWallClockTime(60_000);
    expect(next()).toEqual(["a", 21]);
    expect(output.isEmpty()).toBe(true);
  });

  it("shouldAllowPrePopulatingStatesStoresWithCachingEnabled", async () => {
    const { store } = await setup(true);
    expect(await store.get("a")).toBe(21);
  });
});

describe("TopologyTestDriverTest: punctuations of a single processor (MockPunctuator)", () => {
  function setupSingleProcessorTopology(intervalMs: number, type: PunctuationType, punctuatedAt: number[]): Topology {
    return new Topology().addSource("source", SOURCE_TOPIC_1).addProcessor(
      "processor",
      () => ({
        init(context: ProcessorContext<Buffer, Buffer>) {
          context.schedule(intervalMs, type, (timestamp) => {
            punctuatedAt.push(timestamp);
          });
        },
        process() {},
      }),
      "source",
    );
  }

  it("shouldPunctuateOnStreamsTime", async () => {
    const punctuatedAt: number[] = [];
    const driver = start(setupSingleProcessorTopology(10, "stream-time", punctuatedAt));
    const input = driver.createInputTopic(SOURCE_TOPIC_1, bytes, bytes);
    const expected: number[] = [];
    const pipeAt = async (timestamp: number, punctuates: boolean) => {
      if (punctuates) expected.push(timestamp);
      await input.pipeInput(key1, value1, { timestamp });
      expect(punctuatedAt).toEqual(expected);
    };
    await pipeAt(42, true);
    await pipeAt(42, false);
    await pipeAt(51, true);
    await pipeAt(52, false);
    await pipeAt(61, true);
    await pipeAt(65, false);
    await pipeAt(71, true);
    await pipeAt(72, false);
    await pipeAt(95, true);
    await pipeAt(101, true);
    await pipeAt(102, false);
  });

  it("shouldPunctuateOnWallClockTime", async () => {
    const punctuatedAt: number[] = [];
    const driver = start(setupSingleProcessorTopology(10, "wall-clock-time", punctuatedAt), {
      ...config,
      startTime: 0,
    });
    await driver.advanceWallClockTime(5);
    expect(punctuatedAt).toEqual([]);
    await driver.advanceWallClockTime(9);
    expect(punctuatedAt).toEqual([14]);
    await driver.advanceWallClockTime(1);
    expect(punctuatedAt).toEqual([14]);
    await driver.advanceWallClockTime(20);
    expect(punctuatedAt).toEqual([14, 35]);
    await driver.advanceWallClockTime(5);
    expect(punctuatedAt).toEqual([14, 35, 40]);
  });
});

describe("TopologyTestDriverTest: a topology that writes to a topic it reads", () => {
  const strings = { key: Serdes.string(), value: Serdes.string() };

  /** recursiveProcessor: "recurse-" + value back into "input" (once), then the record to "sink" (and "globalSink"). */
  function recursiveProcessor(withGlobalSink: boolean) {
    return () => {
      let context!: ProcessorContext<string, string>;
      return {
        init(ctx: ProcessorContext<string, string>) {
          context = ctx;
        },
        async process(record: StreamRecord<string, string>) {
          if (!record.value.startsWith("recurse-")) {
            await context.forward({ ...record, value: `recurse-${record.value}` }, "recursiveSink");
          }
          await context.forward(record, "sink");
          if (withGlobalSink) await context.forward(record, "globalSink");
        },
      };
    };
  }

  it("shouldEnqueueLaterOutputsAfterEarlierOnes", async () => {
    const topology = new Topology()
      .addSource(strings, "source", "input")
      .addProcessor("recursiveProcessor", recursiveProcessor(false), "source")
      .addSink("recursiveSink", "input", strings, "recursiveProcessor")
      .addSink("sink", "output", strings, "recursiveProcessor");
    const driver = start(topology, {});
    await driver.createInputTopic("input", Serdes.string(), Serdes.string()).pipeInput("B", "beta");
    expect(driver.createOutputTopic("output", Serdes.string(), Serdes.string()).readKeyValuesToList()).toEqual([
      { key: "B", value: "beta" },
      { key: "B", value: "recurse-beta" },
    ]);
  });

  it("shouldApplyGlobalUpdatesCorrectlyInRecursiveTopologies", async () => {
    const topology = new Topology()
      .addSource(strings, "source", "input")
      .addGlobalStore(
        { name: "global-store", ...strings, persistent: false, logging: false },
        "globalSource",
        strings,
        "global-topic",
        "globalProcessor",
        () => {
          let store!: KeyValueStore<string, string>;
          return {
            init(context: ProcessorContext<never, never>) {
              store = context.getStateStore<string, string>("global-store");
            },
            async process(record: StreamRecord<string, string>) {
              await store.put(record.key, record.value);
            },
          };
        },
      )
      .addProcessor("recursiveProcessor", recursiveProcessor(true), "source")
      .addSink("recursiveSink", "input", strings, "recursiveProcessor")
      .addSink("sink", "output", strings, "recursiveProcessor")
      .addSink("globalSink", "global-topic", strings, "recursiveProcessor");
    const driver = start(topology, {});
    await driver.createInputTopic("input", Serdes.string(), Serdes.string()).pipeInput("A", "alpha");
    expect(await driver.getKeyValueStore<string, string>("global-store").get("A")).toBe("recurse-alpha");
    expect(driver.createOutputTopic("global-topic", Serdes.string(), Serdes.string()).readKeyValuesToList()).toEqual([
      { key: "A", value: "alpha" },
      { key: "A", value: "recurse-alpha" },
    ]);
  });
});
