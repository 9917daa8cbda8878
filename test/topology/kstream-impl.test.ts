// Kafka Streams' KStreamImplTest cases for toTable(), processValues() and print(), and
// KTable.toStream(mapper): the same topology, the same describe() text, the same
// records and timestamps out of the driver.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../src/topology/dsl/streams-builder.js";
import type { FixedKeyProcessorContext } from "../../src/topology/processor.js";
import type { FixedKeyRecord } from "../../src/topology/fixed-key-record.js";
import { ProcessorError } from "../../src/engine/processing-errors.js";
import { TopologyTestDriver } from "../../src/testing/topology-test-driver.js";

const strings = { key: Serdes.string(), value: Serdes.string() };
let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

const inputs: [string, string, number][] = [
  ["A", "01", 5],
  ["B", "02", 100],
  ["C", "03", 0],
  ["D", "04", 0],
  ["A", "05", 10],
  ["A", "06", 8],
];

describe("KStream.toTable() (KStreamImplTest)", () => {
  it("does not materialize an unnamed table (shouldNotMaterializedKTableFromKStream)", async () => {
    const builder = new StreamsBuilder();
    builder.stream("input", strings).toTable().toStream().to("output");
    const topology = builder.build();
    expect(topology.describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0\n" +
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [input])\n" +
        "      --> KSTREAM-TOTABLE-0000000001\n" +
        "    Processor: KSTREAM-TOTABLE-0000000001 (stores: [])\n" +
        "      --> KTABLE-TOSTREAM-0000000003\n" +
        "      <-- KSTREAM-SOURCE-0000000000\n" +
        "    Processor: KTABLE-TOSTREAM-0000000003 (stores: [])\n" +
        "      --> KSTREAM-SINK-0000000004\n" +
        "      <-- KSTREAM-TOTABLE-0000000001\n" +
        "    Sink: KSTREAM-SINK-0000000004 (topic: output)\n" +
        "      <-- KTABLE-TOSTREAM-0000000003\n\n",
    );
    driver = new TopologyTestDriver(topology);
    const input = driver.createInputTopic("input", Serdes.string(), Serdes.string());
    for (const [key, value, timestamp] of inputs) await input.pipeInput(key, value, { timestamp });
    const output = driver.createOutputTopic("output", Serdes.string(), Serdes.string());
    expect(output.readRecordsToList().map(({ key, value, timestamp }) => [key, value, timestamp])).toEqual(inputs);
  });

  it("materializes a named table in its store (shouldMaterializeKTableFromKStream)", async () => {
    const builder = new StreamsBuilder();
    builder.stream("input", strings).toTable({ store: "store", persistent: false });
    const topology = builder.build();
    expect(topology.describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0\n" +
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [input])\n" +
        "      --> KSTREAM-TOTABLE-0000000001\n" +
        "    Processor: KSTREAM-TOTABLE-0000000001 (stores: [store])\n" +
        "      --> none\n" +
        "      <-- KSTREAM-SOURCE-0000000000\n\n",
    );
    driver = new TopologyTestDriver(topology);
    const input = driver.createInputTopic("input", Serdes.string(), Serdes.string());
    await input.pipeInput("A", "01");
    await input.pipeInput("B", "02");
    await input.pipeInput("A", "03");
    const store = driver.getKeyValueStore<string, string>("store");
    expect(await store.get("A")).toBe("03");
    expect(await store.get("B")).toBe("02");
    expect(await store.approximateNumEntries()).toBe(2);
  });

  it("repartitions a re-keyed stream first (shouldSupportKeyChangeKTableFromKStream)", async () => {
    const builder = new StreamsBuilder();
    builder
      .stream("input", strings)
      .map((key, value) => ({ key: key.charCodeAt(0) - "A".charCodeAt(0), value }))
      .toTable({ key: Serdes.int32(), value: Serdes.string() })
      .toStream()
      .to("output");
    const topology = builder.build();
    expect(topology.describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0\n" +
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [input])\n" +
        "      --> KSTREAM-MAP-0000000001\n" +
        "    Processor: KSTREAM-MAP-0000000001 (stores: [])\n" +
        "      --> KSTREAM-FILTER-0000000005\n" +
        "      <-- KSTREAM-SOURCE-0000000000\n" +
        "    Processor: KSTREAM-FILTER-0000000005 (stores: [])\n" +
        "      --> KSTREAM-SINK-0000000004\n" +
        "      <-- KSTREAM-MAP-0000000001\n" +
        "    Sink: KSTREAM-SINK-0000000004 (topic: KSTREAM-TOTABLE-0000000002-repartition)\n" +
        "      <-- KSTREAM-FILTER-0000000005\n" +
        "\n" +
        "  Sub-topology: 1\n" +
        "    Source: KSTREAM-SOURCE-0000000006 (topics: [KSTREAM-TOTABLE-0000000002-repartition])\n" +
        "      --> KSTREAM-TOTABLE-0000000002\n" +
        "    Processor: KSTREAM-TOTABLE-0000000002 (stores: [])\n" +
        "      --> KTABLE-TOSTREAM-0000000007\n" +
        "      <-- KSTREAM-SOURCE-0000000006\n" +
        "    Processor: KTABLE-TOSTREAM-0000000007 (stores: [])\n" +
        "      --> KSTREAM-SINK-0000000008\n" +
        "      <-- KSTREAM-TOTABLE-0000000002\n" +
        "    Sink: KSTREAM-SINK-0000000008 (topic: output)\n" +
        "      <-- KTABLE-TOSTREAM-0000000007\n\n",
    );
    driver = new TopologyTestDriver(topology);
    const input = driver.createInputTopic("input", Serdes.string(), Serdes.string());
    for (const [key, value, timestamp] of inputs) await input.pipeInput(key, value, { timestamp });
    const output = driver.createOutputTopic("output", Serdes.int32(), Serdes.string());
    expect(output.readRecordsToList().map(({ key, value, timestamp }) => [key, value, timestamp])).toEqual([
      [0, "01", 5],
      [1, "02", 100],
      [2, "03", 0],
      [3, "04", 0],
      [0, "05", 10],
      [0, "06", 8],
    ]);
  });
});

describe("KStream.processValues() (KStreamImplTest.shouldProcessValues)", () => {
  it("forwards new values under the same key, named as asked", async () => {
    const builder = new StreamsBuilder();
    builder
      .stream("input", strings)
      .processValues<number>(
        () => {
          let context!: FixedKeyProcessorContext<string, number>;
          return {
            init(ctx) {
              context = ctx;
            },
            process(record: FixedKeyRecord<string, string>) {
              return context.forward(record.withValue(record.value.length));
            },
          };
        },
        { name: "fkp" },
      )
      .to("output", { value: Serdes.int32() });
    const topology = builder.build();
    expect(topology.describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0\n" +
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [input])\n" +
        "      --> fkp\n" +
        "    Processor: fkp (stores: [])\n" +
        "      --> KSTREAM-SINK-0000000001\n" +
        "      <-- KSTREAM-SOURCE-0000000000\n" +
        "    Sink: KSTREAM-SINK-0000000001 (topic: output)\n" +
        "      <-- fkp\n\n",
    );
    driver = new TopologyTestDriver(topology);
    const input = driver.createInputTopic("input", Serdes.string(), Serdes.string());
    const values = ["0", "00", "000", "0000", "00000", "000000"];
    for (const [index, [key, , timestamp]] of inputs.entries()) {
      await input.pipeInput(key, values[index] ?? "", { timestamp });
    }
    const output = driver.createOutputTopic("output", Serdes.string(), Serdes.int32());
    expect(output.readRecordsToList().map(({ key, value, timestamp }) => [key, value, timestamp])).toEqual([
      ["A", 1, 5],
      ["B", 2, 100],
      ["C", 3, 0],
      ["D", 4, 0],
      ["A", 5, 10],
      ["A", 6, 8],
    ]);
  });

  it("keeps the key: no repartition before a grouping, and a forwarded plain object is refused", async () => {
    const builder = new StreamsBuilder();
    const lengths = builder.stream("input", strings).processValues<string>(() => {
      let context!: FixedKeyProcessorContext<string, string>;
      return {
        init(ctx) {
          context = ctx;
        },
        process(record) {
          if (record.value === "sneaky") {
            // A JavaScript caller can ignore the types; the context still refuses.
            return context.forward({ ...record, key: "other" } as unknown as FixedKeyRecord<string, string>);
          }
          return context.forward(record.withValue(record.value.toUpperCase()));
        },
      };
    });
    expect(lengths.name).toBe("KSTREAM-PROCESSVALUES-0000000001");
    lengths.groupByKey({ value: Serdes.string() }).count({ store: "counts" });
    const topology = builder.build();
    expect(topology.repartitionTopics).toEqual([]);
    driver = new TopologyTestDriver(topology);
    const input = driver.createInputTopic("input", Serdes.string(), Serdes.string());
    await input.pipeInput("a", "x");
    expect(await driver.getKeyValueStore<string, number>("counts").get("a")).toBe(1);
    await expect(input.pipeInput("a", "sneaky")).rejects.toBeInstanceOf(ProcessorError);
  });
});

describe("KStream.print() and KTable.toStream(mapper)", () => {
  it("prints '[label]: key, value' per record, the node's name as the default label", async () => {
    const lines: string[] = [];
    const builder = new StreamsBuilder();
    const stream = builder.stream("input", strings);
    stream.print({ to: (line) => lines.push(line) });
    stream.mapValues((value) => ({ value })).print({ label: "objects", to: (line) => lines.push(line) });
    stream.print({ label: "custom", mapper: (key, value) => `${key}=${value}`, to: (line) => lines.push(line) });
    const topology = builder.build();
    expect([...topology.nodes.keys()]).toEqual([
      "KSTREAM-SOURCE-0000000000",
      "KSTREAM-PRINTER-0000000001",
      "KSTREAM-MAPVALUES-0000000002",
      "KSTREAM-PRINTER-0000000003",
      "KSTREAM-PRINTER-0000000004",
    ]);
    driver = new TopologyTestDriver(topology);
    await driver.createInputTopic("input", Serdes.string(), Serdes.string()).pipeInput("k", "v");
    await driver.createInputTopic("input", Serdes.string(), Serdes.string()).pipeInput(null, "w");
    expect(lines).toEqual([
      "[KSTREAM-SOURCE-0000000000]: k, v",
      '[objects]: k, {"value":"v"}',
      "[custom]: k=v",
      "[KSTREAM-SOURCE-0000000000]: null, w",
      '[objects]: null, {"value":"w"}',
      "[custom]: null=w",
    ]);
  });

  it("prints to a file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "eddy-print-"));
    try {
      const builder = new StreamsBuilder();
      builder.stream("input", strings).print({ label: "in", to: { file: join(dir, "out.txt") } });
      driver = new TopologyTestDriver(builder.build());
      await driver.createInputTopic("input", Serdes.string(), Serdes.string()).pipeInput("a", "1");
      await driver.createInputTopic("input", Serdes.string(), Serdes.string()).pipeInput("b", "2");
      expect(await readFile(join(dir, "out.txt"), "utf8")).toBe("[in]: a, 1\n[in]: b, 2\n");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("toStream(mapper) is toStream() then selectKey() (KTableImpl)", async () => {
    const builder = new StreamsBuilder();
    builder
      .table("input", strings)
      .toStream((key, value) => `${key}:${value ?? "deleted"}`)
      .to("output", strings);
    const topology = builder.build();
    expect(topology.describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0\n" +
        "    Source: KSTREAM-SOURCE-0000000001 (topics: [input])\n" +
        "      --> KTABLE-SOURCE-0000000002\n" +
        "    Processor: KTABLE-SOURCE-0000000002 (stores: [])\n" +
        "      --> KTABLE-TOSTREAM-0000000003\n" +
        "      <-- KSTREAM-SOURCE-0000000001\n" +
        "    Processor: KTABLE-TOSTREAM-0000000003 (stores: [])\n" +
        "      --> KSTREAM-KEY-SELECT-0000000004\n" +
        "      <-- KTABLE-SOURCE-0000000002\n" +
        "    Processor: KSTREAM-KEY-SELECT-0000000004 (stores: [])\n" +
        "      --> KSTREAM-SINK-0000000005\n" +
        "      <-- KTABLE-TOSTREAM-0000000003\n" +
        "    Sink: KSTREAM-SINK-0000000005 (topic: output)\n" +
        "      <-- KSTREAM-KEY-SELECT-0000000004\n\n",
    );
    driver = new TopologyTestDriver(topology);
    const input = driver.createInputTopic("input", Serdes.string(), Serdes.string());
    await input.pipeInput("a", "1", { timestamp: 3 });
    await input.pipeInput("a", null, { timestamp: 4 });
    const output = driver.createOutputTopic("output", Serdes.string(), Serdes.string());
    expect(output.readRecordsToList().map(({ key, value, timestamp }) => [key, value, timestamp])).toEqual([
      ["a:1", "1", 3],
      ["a:deleted", null, 4],
    ]);
  });
});
