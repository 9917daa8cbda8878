// The Processor API on Topology: a topology checked as a whole, extended after the DSL
// built it, and run by the TopologyTestDriver. What each call refuses and describe() of
// its topologies are ported case by case from Kafka Streams' TopologyTest in
// ks/topology-test-ports.test.ts.
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../src/topology/dsl/streams-builder.js";
import { InvalidTopologyError } from "../../src/topology/errors.js";
import type { Processor, ProcessorContext } from "../../src/topology/processor.js";
import type { RecordContext, StreamRecord } from "../../src/topology/record.js";
import type { StateStoreOptions } from "../../src/topology/store-options.js";
import { Topology } from "../../src/topology/topology.js";
import { TopologyTestDriver } from "../../src/testing/topology-test-driver.js";

const strings = { key: Serdes.string(), value: Serdes.string() };
const noop = (): Processor<unknown, unknown> => ({ process: () => undefined });
const store = (name: string): StateStoreOptions<string, string> => ({ name, ...strings, persistent: false });

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

describe("Topology: checked as a whole", () => {
  it("is checked when it runs: a missing serde fails the driver with InvalidTopologyError", async () => {
    const topology = new Topology().addSource("source", "topic").addSink("sink", "out", "source");
    expect(topology.describe().toString()).toContain("Sink: sink (topic: out)");
    expect(() => new TopologyTestDriver(topology)).toThrow(InvalidTopologyError);
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
    await expect(
      driver.createInputTopic("logs-1", Serdes.string(), Serdes.string()).pipeInput("k", "3"),
    ).rejects.toThrow(/logs-1/);
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
