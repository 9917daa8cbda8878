// The Processor API on Topology, ported from Kafka Streams' TopologyTest: what
// addSource / addProcessor / addSink / addStateStore / connectProcessorAndStateStores
// accept and refuse, and describe() exactly as Kafka Streams prints the same topology
// (each expected text is what Kafka Streams 3.9 printed for the Java equivalent).
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../src/topology/dsl/streams-builder.js";
import { DuplicateNameError, InvalidTopologyError, TopologyError } from "../../src/topology/errors.js";
import type { Processor, ProcessorContext } from "../../src/topology/processor.js";
import type { RecordContext, StreamRecord } from "../../src/topology/record.js";
import type { StateStoreOptions } from "../../src/topology/store-options.js";
import { Topology } from "../../src/topology/topology.js";
import { ProcessorError } from "../../src/engine/processing-errors.js";
import { TopologyTestDriver } from "../../src/testing/topology-test-driver.js";

const strings = { key: Serdes.string(), value: Serdes.string() };
const noop = (): Processor<unknown, unknown> => ({ process: () => undefined });
const store = (name: string): StateStoreOptions<string, string> => ({ name, ...strings, persistent: false });

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

describe("Topology: what it refuses (TopologyTest)", () => {
  it("needs at least one topic, unique source names and one source per topic", () => {
    expect(() => new Topology().addSource("source")).toThrow(TopologyError);
    const topology = new Topology().addSource("source", "topic-1");
    expect(() => topology.addSource("source", "topic-2")).toThrow(DuplicateNameError);
    expect(() => topology.addSource("source-2", "topic-1")).toThrow(DuplicateNameError);
  });

  it("refuses a pattern matching a topic already read, and a topic matching a pattern already read", () => {
    expect(() => new Topology().addSource("source-1", "foo").addSource("source-2", /f.*/)).toThrow(TopologyError);
    expect(() => new Topology().addSource("source-1", /f.*/).addSource("source-2", "foo")).toThrow(TopologyError);
    // The whole name must match, as Java's Matcher.matches(): "xfoo" is not read by /f.*/.
    expect(() => new Topology().addSource("source-1", /f.*/).addSource("source-2", "xfoo")).not.toThrow();
  });

  it("needs unique processor names, at least one parent, and known parents that are not sinks", () => {
    const topology = new Topology().addSource("source", "topic-1").addProcessor("processor", noop, "source");
    expect(() => topology.addProcessor("processor", noop, "source")).toThrow(TopologyError);
    expect(() => topology.addProcessor("other", noop)).toThrow(TopologyError);
    expect(() => new Topology().addProcessor("processor", noop, "source")).toThrow(TopologyError);
    expect(() => new Topology().addProcessor("processor", noop, "processor")).toThrow(TopologyError);
    topology.addSink("sink", "topic-2", "source");
    expect(() => topology.addSink("sink", "topic-3", "source")).toThrow(TopologyError);
    expect(() => topology.addSink("sink-2", "topic-3")).toThrow(TopologyError);
    expect(() => topology.addSink("sink-2", "topic-3", "sink")).toThrow(TopologyError);
    expect(() => new Topology().addSink("sink", "topic-2", "sink")).toThrow(TopologyError);
  });

  it("connects stores only to processors that exist, and only stores already added", () => {
    expect(() => new Topology().addStateStore(store("store"), "no-such-processor")).toThrow(TopologyError);
    const topology = new Topology().addSource("source-1", "topic-1").addSink("sink-1", "topic-2", "source-1");
    expect(() => topology.addStateStore(store("store"), "source-1")).toThrow(TopologyError);
    expect(() => topology.addStateStore(store("store"), "sink-1")).toThrow(TopologyError);
    topology.addProcessor("processor", noop, "source-1");
    expect(() => topology.connectProcessorAndStateStores("processor")).toThrow(TopologyError);
    expect(() => topology.connectProcessorAndStateStores("processor", "store")).toThrow(/not added yet/);
    expect(() => topology.connectProcessorAndStateStores("no-such-processor", "store")).toThrow(TopologyError);
  });

  it("refuses a second store of the same name, but shares one store object between processors", () => {
    const shared = store("store");
    const topology = new Topology().addStateStore(shared);
    expect(() => topology.addStateStore(store("store"))).toThrow(DuplicateNameError);
    topology
      .addSource(strings, "source", "topic-1")
      .addProcessor("processor-1", { get: noop, stores: () => [shared] }, "source")
      .addProcessor("processor-2", { get: noop, stores: () => [shared] }, "source");
    expect(topology.stores.get("store")?.processors).toEqual(["processor-1", "processor-2"]);
  });

  it("fails to start a processor that opens a store it is not connected to (shouldThrowOnUnassignedStateStoreAccess)", async () => {
    const opensStore = (): Processor<string, string> => ({
      init(context: ProcessorContext<never, never>) {
        context.getStateStore("store");
      },
      process: () => undefined,
    });
    const topology = new Topology()
      .addSource(strings, "source", "topic")
      .addProcessor("goodGuy", opensStore, "source")
      .addStateStore(store("store"), "goodGuy")
      .addProcessor("badGuy", opensStore, "source");
    driver = new TopologyTestDriver(topology);
    const input = driver.createInputTopic("topic", Serdes.string(), Serdes.string());
    const failure = await input.pipeInput("k", "v").catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProcessorError);
    expect((failure as ProcessorError).node).toBe("badGuy");
    expect((failure as Error).message).toMatch(/badGuy has no access to state store "store"/);
  });

  it("is checked when it runs: a missing serde fails the driver with InvalidTopologyError", async () => {
    const topology = new Topology().addSource("source", "topic").addSink("sink", "out", "source");
    expect(topology.describe().toString()).toContain("Sink: sink (topic: out)");
    expect(() => new TopologyTestDriver(topology)).toThrow(InvalidTopologyError);
  });
});

describe("Topology: describe() as Kafka Streams prints it (TopologyTest)", () => {
  it("an empty topology", () => {
    expect(new Topology().describe().toString()).toBe("Topologies:\n ");
  });

  it("a single source, of one topic, of a list of topics, of a pattern", () => {
    expect(new Topology().addSource("source", "topic").describe().toString()).toBe(
      "Topologies:\n   Sub-topology: 0\n    Source: source (topics: [topic])\n      --> none\n\n",
    );
    expect(new Topology().addSource("source", "topic1", "topic2", "topic3").describe().toString()).toBe(
      "Topologies:\n   Sub-topology: 0\n    Source: source (topics: [topic1, topic2, topic3])\n      --> none\n\n",
    );
    expect(
      new Topology()
        .addSource("source", /topic[0-9]/)
        .describe()
        .toString(),
    ).toBe("Topologies:\n   Sub-topology: 0\n    Source: source (topics: topic[0-9])\n      --> none\n\n");
  });

  it("multiple sources have distinct sub-topologies", () => {
    const topology = new Topology()
      .addSource("source1", "topic1")
      .addSource("source2", "topic2")
      .addSource("source3", "topic3");
    expect(topology.describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0\n    Source: source1 (topics: [topic1])\n      --> none\n\n" +
        "  Sub-topology: 1\n    Source: source2 (topics: [topic2])\n      --> none\n\n" +
        "  Sub-topology: 2\n    Source: source3 (topics: [topic3])\n      --> none\n\n",
    );
  });

  it("a source and a processor with several stores, a source with several processors", () => {
    const withStores = new Topology()
      .addSource("source", "topic")
      .addProcessor("processor", noop, "source")
      .addStateStore(store("store1"), "processor")
      .addStateStore(store("store2"), "processor");
    expect(withStores.describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0\n" +
        "    Source: source (topics: [topic])\n" +
        "      --> processor\n" +
        "    Processor: processor (stores: [store1, store2])\n" +
        "      --> none\n" +
        "      <-- source\n\n",
    );
    const fanOut = new Topology()
      .addSource("source", "topic")
      .addProcessor("processor1", noop, "source")
      .addProcessor("processor2", noop, "source");
    expect(fanOut.describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0\n" +
        "    Source: source (topics: [topic])\n" +
        "      --> processor1, processor2\n" +
        "    Processor: processor1 (stores: [])\n" +
        "      --> none\n" +
        "      <-- source\n" +
        "    Processor: processor2 (stores: [])\n" +
        "      --> none\n" +
        "      <-- source\n\n",
    );
  });

  it("a processor fed by a topic source and a pattern source", () => {
    const topology = new Topology()
      .addSource("source1", "topic0")
      .addSource("source2", /topic[1-9]/)
      .addProcessor("processor", noop, "source1", "source2");
    expect(topology.describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0\n" +
        "    Source: source1 (topics: [topic0])\n" +
        "      --> processor\n" +
        "    Source: source2 (topics: topic[1-9])\n" +
        "      --> processor\n" +
        "    Processor: processor (stores: [])\n" +
        "      --> none\n" +
        "      <-- source1, source2\n\n",
    );
  });

  it("processors of distinct sources are distinct sub-topologies; one sink, or shared stores, join them", () => {
    const separate = new Topology()
      .addSource("source1", "topic1")
      .addSink("sink1", "sinkTopic1", "source1")
      .addSource("source2", "topic2")
      .addSink("sink2", "sinkTopic2", "source2");
    expect(separate.describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0\n    Source: source1 (topics: [topic1])\n      --> sink1\n" +
        "    Sink: sink1 (topic: sinkTopic1)\n      <-- source1\n\n" +
        "  Sub-topology: 1\n    Source: source2 (topics: [topic2])\n      --> sink2\n" +
        "    Sink: sink2 (topic: sinkTopic2)\n      <-- source2\n\n",
    );
    const sameSink = new Topology()
      .addSource("source", "topic")
      .addProcessor("processor1", noop, "source")
      .addSource("source2", "topic2")
      .addProcessor("processor2", noop, "source2")
      .addSource("source3", "topic3")
      .addProcessor("processor3", noop, "source3")
      .addSink("sink", "sinkTopic", "processor1", "processor2", "processor3");
    expect(sameSink.describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0\n" +
        "    Source: source (topics: [topic])\n      --> processor1\n" +
        "    Source: source2 (topics: [topic2])\n      --> processor2\n" +
        "    Source: source3 (topics: [topic3])\n      --> processor3\n" +
        "    Processor: processor1 (stores: [])\n      --> sink\n      <-- source\n" +
        "    Processor: processor2 (stores: [])\n      --> sink\n      <-- source2\n" +
        "    Processor: processor3 (stores: [])\n      --> sink\n      <-- source3\n" +
        "    Sink: sink (topic: sinkTopic)\n      <-- processor1, processor2, processor3\n\n",
    );
    const sharedState = new Topology()
      .addSource("source", "topic")
      .addProcessor("processor1", noop, "source")
      .addStateStore(store("store1"), "processor1")
      .addSource("source2", "topic2")
      .addProcessor("processor2", noop, "source2")
      .addStateStore(store("store2"), "processor2")
      .addSource("source3", "topic3")
      .addProcessor("processor3", noop, "source3")
      .connectProcessorAndStateStores("processor3", "store1", "store2");
    expect(sharedState.describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0\n" +
        "    Source: source (topics: [topic])\n      --> processor1\n" +
        "    Source: source2 (topics: [topic2])\n      --> processor2\n" +
        "    Source: source3 (topics: [topic3])\n      --> processor3\n" +
        "    Processor: processor1 (stores: [store1])\n      --> none\n      <-- source\n" +
        "    Processor: processor2 (stores: [store2])\n      --> none\n      <-- source2\n" +
        "    Processor: processor3 (stores: [store1, store2])\n      --> none\n      <-- source3\n\n",
    );
  });

  it("a sink with a topic extractor prints the extractor (Kafka Streams prints its class)", () => {
    const topology = new Topology()
      .addSource("source", "topic")
      .addProcessor("processor", noop, "source")
      .addSink(
        "sink",
        function byKey(record: StreamRecord<string, string>) {
          return `out-${record.key}`;
        },
        "processor",
      );
    expect(topology.describe().toString()).toContain("    Sink: sink (extractor class: byKey)\n      <-- processor\n");
  });

  it("extends a topology built by the DSL, which the StreamsBuilder itself may no longer change", () => {
    const builder = new StreamsBuilder();
    const stream = builder.stream("input", strings);
    const topology = builder.build();
    topology.addProcessor("audit", noop, "KSTREAM-SOURCE-0000000000");
    expect(topology.describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0\n" +
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [input])\n" +
        "      --> audit\n" +
        "    Processor: audit (stores: [])\n" +
        "      --> none\n" +
        "      <-- KSTREAM-SOURCE-0000000000\n\n",
    );
    expect(() => stream.filter(() => true)).toThrow(/already built/);
  });
});

describe("Topology: running a Processor API topology", () => {
  it("routes with a topic extractor that reads the record context, and counts in a store", async () => {
    class Counter implements Processor<string, string, string, string> {
      #context!: ProcessorContext<string, string>;
      init(context: ProcessorContext<string, string>): void {
        this.#context = context;
      }
      async process(record: StreamRecord<string, string>): Promise<void> {
        const counts = this.#context.getStateStore<string, string>("counts");
        const count = Number((await counts.get(record.key)) ?? "0") + 1;
        await counts.put(record.key, String(count));
        await this.#context.forward({ ...record, value: `${record.value}#${count}` });
      }
    }
    const seen: RecordContext[] = [];
    const topology = new Topology()
      .addSource(strings, "in", "orders-eu", "orders-us")
      .addProcessor("count", () => new Counter(), "in")
      .addStateStore(store("counts"), "count")
      .addSink(
        "out",
        (record: StreamRecord<string, string>, context: RecordContext) => {
          seen.push(context);
          return `${context.topic ?? "none"}-counted`;
        },
        strings,
        "count",
      );
    driver = new TopologyTestDriver(topology, { applicationId: "app" });
    await driver.createInputTopic("orders-eu", Serdes.string(), Serdes.string()).pipeInput("a", "x", { timestamp: 5 });
    await driver.createInputTopic("orders-us", Serdes.string(), Serdes.string()).pipeInput("a", "y", { timestamp: 7 });
    expect(
      driver.createOutputTopic("orders-eu-counted", Serdes.string(), Serdes.string()).readKeyValuesToList(),
    ).toEqual([{ key: "a", value: "x#1" }]);
    expect(
      driver.createOutputTopic("orders-us-counted", Serdes.string(), Serdes.string()).readKeyValuesToList(),
    ).toEqual([{ key: "a", value: "y#2" }]);
    expect(seen.map(({ topic, partition, offset, timestamp }) => ({ topic, partition, offset, timestamp }))).toEqual([
      { topic: "orders-eu", partition: 0, offset: 0, timestamp: 5 },
      { topic: "orders-us", partition: 0, offset: 0, timestamp: 7 },
    ]);
  });

  it("reads every topic a pattern source matches", async () => {
    const topology = new Topology()
      .addSource(strings, "logs", /logs-[a-z]+/)
      .addSink("all", "all-logs", strings, "logs");
    driver = new TopologyTestDriver(topology);
    await driver.createInputTopic("logs-web", Serdes.string(), Serdes.string()).pipeInput("k", "1");
    await driver.createInputTopic("logs-db", Serdes.string(), Serdes.string()).pipeInput("k", "2");
    expect(() => driver?.createInputTopic("logs-1", Serdes.string(), Serdes.string())).toThrow(/logs-1/);
    expect(driver.createOutputTopic("all-logs", Serdes.string(), Serdes.string()).readValuesToList()).toEqual([
      "1",
      "2",
    ]);
  });

  it("stamps records with a source's own timestamp extractor, and refuses an unknown one", async () => {
    const topology = new Topology()
      .addSource({ ...strings, timestampExtractor: (record) => Number(record.value) * 1000 }, "source", "times")
      .addSink("out", "stamped", strings, "source");
    expect(() => new Topology().addSource({ timestampExtractor: "sundial" as never }, "s", "t")).toThrow(/sundial/);
    driver = new TopologyTestDriver(topology);
    await driver.createInputTopic("times", Serdes.string(), Serdes.string()).pipeInput("k", "7", { timestamp: 1 });
    expect(driver.createOutputTopic("stamped", Serdes.string(), Serdes.string()).readRecordsToList()).toMatchObject([
      { key: "k", value: "7", timestamp: 7000 },
    ]);
  });
});
