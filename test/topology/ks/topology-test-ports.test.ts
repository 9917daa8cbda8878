// Ports of Kafka Streams' TopologyTest cases of the Processor API: what addSource,
// addProcessor, addSink, addStateStore and connectProcessorAndStateStores refuse, and
// describe() of the topologies they build, one case per Java test. Where Kafka Streams
// throws a NullPointerException for a missing argument, Eddy throws an
// InvalidOperationError (a TopologyError) naming it; a TopologyException is a TopologyError.
// Kafka Streams compares TopologyDescription objects (equals, hashCode); Eddy compares the
// text they print, which is what describe() is for. The DSL's describe() cases are in
// topology-dsl-describe.test.ts and stream-join-describe.test.ts.
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { DuplicateNameError, InvalidOperationError, TopologyError } from "../../../src/topology/errors.js";
import type { Processor, ProcessorContext } from "../../../src/topology/processor.js";
import type { RecordContext, StreamRecord } from "../../../src/topology/record.js";
import type { StateStoreOptions } from "../../../src/topology/store-options.js";
import type { KeyValueStore } from "../../../src/stores/key-value-store.js";
import { Topology } from "../../../src/topology/topology.js";
import { ProcessorError } from "../../../src/engine/processing-errors.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";

const strings = { key: Serdes.string(), value: Serdes.string() };
const noop = (): Processor<unknown, unknown> => ({ process: () => undefined });
/** A mocked StoreBuilder named `name`. */
const store = (name: string): StateStoreOptions<string, string> => ({ name, ...strings, persistent: false });

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

describe("TopologyTest: arguments the Processor API refuses", () => {
  let topology: Topology;
  const fresh = (): Topology => (topology = new Topology());

  it.each([
    ["shouldNotAllowNullNameWhenAddingSourceWithTopic", () => fresh().addSource(null as never, "topic"), /name/],
    ["shouldNotAllowNullNameWhenAddingSourceWithPattern", () => fresh().addSource(null as never, /.*/), /name/],
    ["shouldNotAllowNullTopicsWhenAddingSourceWithTopic", () => fresh().addSource("source", null as never), /topic/],
    [
      "shouldNotAllowNullTopicsWhenAddingSourceWithPattern",
      () => fresh().addSource("source", null as unknown as RegExp),
      /pattern/,
    ],
    ["shouldNotAllowNullNameWhenAddingProcessor", () => fresh().addProcessor(null as never, noop), /name/],
    ["shouldNotAllowNullNameWhenAddingSink", () => fresh().addSink(null as never, "topic"), /name/],
    ["shouldNotAllowNullTopicWhenAddingSink", () => fresh().addSink("name", null as never), /topic/],
    [
      "shouldNotAllowNullTopicChooserWhenAddingSink",
      () => fresh().addSink("name", undefined as never),
      /TopicNameExtractor/,
    ],
    [
      "shouldNotAllowNullProcessorNameWhenConnectingProcessorAndStateStores",
      () => fresh().connectProcessorAndStateStores(null as never, "store"),
      /processor's name/,
    ],
    [
      "shouldNotAllowNullStoreNameWhenConnectingProcessorAndStateStores",
      () => fresh().connectProcessorAndStateStores("processor", null as never),
      /names stores by their names/,
    ],
    [
      "shouldNotAllowZeroStoreNameWhenConnectingProcessorAndStateStores",
      () => fresh().connectProcessorAndStateStores("processor"),
      /needs at least one store/,
    ],
    ["shouldNotAddNullStateStoreSupplier", () => fresh().addStateStore(null as never), /store/],
  ] as const)("%s", (_name, call, culprit) => {
    expect(call).toThrow(InvalidOperationError);
    expect(call).toThrow(culprit);
  });

  it("shouldNotAllowNullProcessorSupplierWhenAddingProcessor", () => {
    expect(() => fresh().addProcessor("name", null as never)).toThrow(/processor supplier/);
  });

  it("shouldNotAllowZeroTopicsWhenAddingSource", () => {
    expect(() => fresh().addSource("source")).toThrow(TopologyError);
    expect(() => fresh().addSource("source")).toThrow(/Source source needs at least one topic/);
  });

  it("shouldNotAllowToAddSourcesWithSameName", () => {
    fresh().addSource("source", "topic-1");
    expect(() => topology.addSource("source", "topic-2")).toThrow(DuplicateNameError);
  });

  it("shouldNotAllowToAddTopicTwice", () => {
    fresh().addSource("source", "topic-1");
    expect(() => topology.addSource("source-2", "topic-1")).toThrow(/topic-1/);
  });

  it("testPatternMatchesAlreadyProvidedTopicSource", () => {
    fresh().addSource("source-1", "foo");
    expect(() => topology.addSource("source-2", /f.*/)).toThrow(TopologyError);
  });

  it("testNamedTopicMatchesAlreadyProvidedPattern", () => {
    fresh().addSource("source-1", /f.*/);
    expect(() => topology.addSource("source-2", "foo")).toThrow(TopologyError);
    // The whole name must match, as Java's Matcher.matches(): "xfoo" is not read by /f.*/.
    expect(() => topology.addSource("source-3", "xfoo")).not.toThrow();
  });

  it("shouldNotAllowToAddProcessorWithSameName", () => {
    fresh().addSource("source", "topic-1").addProcessor("processor", noop, "source");
    expect(() => topology.addProcessor("processor", noop, "source")).toThrow(DuplicateNameError);
  });

  it("shouldNotAllowToAddProcessorWithEmptyParents", () => {
    fresh().addSource("source", "topic-1");
    expect(() => topology.addProcessor("processor", noop)).toThrow(/at least one parent/);
  });

  it("shouldNotAllowToAddProcessorWithNullParents", () => {
    fresh().addSource("source", "topic-1");
    expect(() => topology.addProcessor("processor", noop, null as never)).toThrow(InvalidOperationError);
    expect(() => topology.addProcessor("processor", noop, null as never)).toThrow(/parents/);
  });

  it("shouldFailOnUnknownSource", () => {
    expect(() => fresh().addProcessor("processor", noop, "source")).toThrow(/unknown parent source/);
  });

  it("shouldFailIfNodeIsItsOwnParent", () => {
    expect(() => fresh().addProcessor("processor", noop, "processor")).toThrow(TopologyError);
  });

  it("shouldNotAllowToAddSinkWithSameName", () => {
    fresh().addSource("source", "topic-1").addSink("sink", "topic-2", "source");
    expect(() => topology.addSink("sink", "topic-3", "source")).toThrow(DuplicateNameError);
  });

  it("shouldNotAllowToAddSinkWithEmptyParents", () => {
    fresh().addSource("source", "topic-1").addProcessor("processor", noop, "source");
    expect(() => topology.addSink("sink", "topic-2")).toThrow(/at least one parent/);
  });

  it("shouldNotAllowToAddSinkWithNullParents", () => {
    fresh().addSource("source", "topic-1").addProcessor("processor", noop, "source");
    expect(() => topology.addSink("sink", "topic-2", null as never)).toThrow(/parents/);
  });

  it("shouldFailWithUnknownParent", () => {
    expect(() => fresh().addSink("sink", "topic-2", "source")).toThrow(/unknown parent source/);
  });

  it("shouldFailIfSinkIsItsOwnParent", () => {
    expect(() => fresh().addSink("sink", "topic-2", "sink")).toThrow(TopologyError);
  });

  it("shouldFailIfSinkIsParent", () => {
    fresh().addSource("source", "topic-1").addSink("sink-1", "topic-2", "source");
    expect(() => topology.addSink("sink-2", "topic-3", "sink-1")).toThrow(/sink sink-1/);
  });

  it("shouldNotAllowToAddStateStoreToNonExistingProcessor", () => {
    expect(() => fresh().addStateStore(store("store"), "no-such-processor")).toThrow(/no-such-processor/);
  });

  it("shouldNotAllowToAddStateStoreToSource", () => {
    fresh().addSource("source-1", "topic-1");
    expect(() => topology.addStateStore(store("store"), "source-1")).toThrow(/source-1 is a source/);
  });

  it("shouldNotAllowToAddStateStoreToSink", () => {
    fresh().addSource("source-1", "topic-1").addSink("sink-1", "topic-1", "source-1");
    expect(() => topology.addStateStore(store("store"), "sink-1")).toThrow(/sink-1 is a sink/);
  });

  it("shouldNotAllowToAddStoreWithSameNameAndDifferentInstance", () => {
    fresh().addStateStore(store("store"));
    expect(() => topology.addStateStore(store("store"))).toThrow(DuplicateNameError);
  });

  it("shouldAllowToShareStoreUsingSameStoreBuilder", () => {
    const shared = store("store");
    fresh()
      .addSource(strings, "source", "topic-1")
      .addProcessor("processor-1", { get: noop, stores: () => [shared] }, "source")
      .addProcessor("processor-2", { get: noop, stores: () => [shared] }, "source");
    expect(topology.stores.get("store")?.processors).toEqual(["processor-1", "processor-2"]);
  });

  it("shouldThrowOnUnassignedStateStoreAccess (Eddy's driver starts its tasks with the first record)", async () => {
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
});

/** Kafka Streams' text for one sub-topology per entry, each a list of node lines. */
function topologies(...subtopologies: string[][]): string {
  return (
    "Topologies:\n " +
    subtopologies
      .map((nodes, id) => `  Sub-topology: ${id}\n${nodes.map((line) => `    ${line}\n`).join("")}\n`)
      .join("")
  );
}

const source = (name: string, topics: string, to: string) => [`Source: ${name} (topics: ${topics})`, `  --> ${to}`];
const processor = (name: string, stores: string, to: string, from: string) => [
  `Processor: ${name} (stores: [${stores}])`,
  `  --> ${to}`,
  `  <-- ${from}`,
];
const sink = (name: string, topic: string, from: string) => [`Sink: ${name} (topic: ${topic})`, `  <-- ${from}`];

describe("TopologyTest: describe() of Processor API topologies", () => {
  it("shouldDescribeEmptyTopology", () => {
    expect(new Topology().describe().toString()).toBe("Topologies:\n ");
  });

  it("sinkShouldReturnNullTopicWithDynamicRouting", () => {
    const topology = new Topology()
      .addSource("source", "topic")
      .addSink(
        "sink",
        (record: StreamRecord<unknown, unknown>, context: RecordContext) => `${context.topic}-${String(record.key)}`,
        "source",
      );
    const sinkNode = topology.describe().subtopologies[0]?.nodes.find((node) => node.name === "sink");
    expect(sinkNode?.kind).toBe("sink");
    expect(sinkNode?.topic).toBeUndefined();
  });

  it("sinkShouldReturnTopicNameExtractorWithDynamicRouting (Eddy describes the extractor by its toString(), or its name)", () => {
    function byTopicAndKey(record: StreamRecord<unknown, unknown>, context: RecordContext): string {
      return `${context.topic}-${String(record.key)}`;
    }
    const topology = new Topology().addSource("source", "topic").addSink("sink", byTopicAndKey, "source");
    const sinkNode = topology.describe().subtopologies[0]?.nodes.find((node) => node.name === "sink");
    expect(sinkNode?.topicExtractor).toBe("byTopicAndKey");
    expect(topology.describe().toString()).toContain(
      "    Sink: sink (extractor class: byTopicAndKey)\n      <-- source\n",
    );
  });

  it("singleSourceShouldHaveSingleSubtopology", () => {
    expect(new Topology().addSource("source", "topic").describe().toString()).toBe(
      topologies(source("source", "[topic]", "none")),
    );
  });

  it("singleSourceWithListOfTopicsShouldHaveSingleSubtopology", () => {
    expect(new Topology().addSource("source", "topic1", "topic2", "topic3").describe().toString()).toBe(
      topologies(source("source", "[topic1, topic2, topic3]", "none")),
    );
  });

  it("singleSourcePatternShouldHaveSingleSubtopology", () => {
    expect(
      new Topology()
        .addSource("source", /topic[0-9]/)
        .describe()
        .toString(),
    ).toBe(topologies(source("source", "topic[0-9]", "none")));
  });

  it("multipleSourcesShouldHaveDistinctSubtopologies", () => {
    const topology = new Topology()
      .addSource("source1", "topic1")
      .addSource("source2", "topic2")
      .addSource("source3", "topic3");
    expect(topology.describe().toString()).toBe(
      topologies(
        source("source1", "[topic1]", "none"),
        source("source2", "[topic2]", "none"),
        source("source3", "[topic3]", "none"),
      ),
    );
  });

  it("sourceAndProcessorShouldHaveSingleSubtopology", () => {
    const topology = new Topology().addSource("source", "topic").addProcessor("processor", noop, "source");
    expect(topology.describe().toString()).toBe(
      topologies([...source("source", "[topic]", "processor"), ...processor("processor", "", "none", "source")]),
    );
  });

  it("sourceAndProcessorWithStateShouldHaveSingleSubtopology", () => {
    const topology = new Topology()
      .addSource("source", "topic")
      .addProcessor("processor", noop, "source")
      .addStateStore(store("store"), "processor");
    expect(topology.describe().toString()).toBe(
      topologies([...source("source", "[topic]", "processor"), ...processor("processor", "store", "none", "source")]),
    );
  });

  it("sourceAndProcessorWithMultipleStatesShouldHaveSingleSubtopology", () => {
    const topology = new Topology()
      .addSource("source", "topic")
      .addProcessor("processor", noop, "source")
      .addStateStore(store("store1"), "processor")
      .addStateStore(store("store2"), "processor");
    expect(topology.describe().toString()).toBe(
      topologies([
        ...source("source", "[topic]", "processor"),
        ...processor("processor", "store1, store2", "none", "source"),
      ]),
    );
  });

  it("sourceWithMultipleProcessorsShouldHaveSingleSubtopology", () => {
    const topology = new Topology()
      .addSource("source", "topic")
      .addProcessor("processor1", noop, "source")
      .addProcessor("processor2", noop, "source");
    expect(topology.describe().toString()).toBe(
      topologies([
        ...source("source", "[topic]", "processor1, processor2"),
        ...processor("processor1", "", "none", "source"),
        ...processor("processor2", "", "none", "source"),
      ]),
    );
  });

  it("processorWithMultipleSourcesShouldHaveSingleSubtopology", () => {
    const topology = new Topology()
      .addSource("source1", "topic0")
      .addSource("source2", /topic[1-9]/)
      .addProcessor("processor", noop, "source1", "source2");
    expect(topology.describe().toString()).toBe(
      topologies([
        ...source("source1", "[topic0]", "processor"),
        ...source("source2", "topic[1-9]", "processor"),
        ...processor("processor", "", "none", "source1, source2"),
      ]),
    );
  });

  it("multipleSourcesWithProcessorsShouldHaveDistinctSubtopologies", () => {
    const topology = new Topology()
      .addSource("source1", "topic1")
      .addProcessor("processor1", noop, "source1")
      .addSource("source2", "topic2")
      .addProcessor("processor2", noop, "source2")
      .addSource("source3", "topic3")
      .addProcessor("processor3", noop, "source3");
    expect(topology.describe().toString()).toBe(
      topologies(
        ...[1, 2, 3].map((i) => [
          ...source(`source${i}`, `[topic${i}]`, `processor${i}`),
          ...processor(`processor${i}`, "", "none", `source${i}`),
        ]),
      ),
    );
  });

  it("multipleSourcesWithSinksShouldHaveDistinctSubtopologies", () => {
    const topology = new Topology()
      .addSource("source1", "topic1")
      .addSink("sink1", "sinkTopic1", "source1")
      .addSource("source2", "topic2")
      .addSink("sink2", "sinkTopic2", "source2")
      .addSource("source3", "topic3")
      .addSink("sink3", "sinkTopic3", "source3");
    expect(topology.describe().toString()).toBe(
      topologies(
        ...[1, 2, 3].map((i) => [
          ...source(`source${i}`, `[topic${i}]`, `sink${i}`),
          ...sink(`sink${i}`, `sinkTopic${i}`, `source${i}`),
        ]),
      ),
    );
  });

  it("processorsWithSameSinkShouldHaveSameSubtopology", () => {
    const topology = new Topology()
      .addSource("source", "topic")
      .addProcessor("processor1", noop, "source")
      .addSource("source2", "topic2")
      .addProcessor("processor2", noop, "source2")
      .addSource("source3", "topic3")
      .addProcessor("processor3", noop, "source3")
      .addSink("sink", "sinkTopic", "processor1", "processor2", "processor3");
    expect(topology.describe().toString()).toBe(
      topologies([
        ...source("source", "[topic]", "processor1"),
        ...source("source2", "[topic2]", "processor2"),
        ...source("source3", "[topic3]", "processor3"),
        ...processor("processor1", "", "sink", "source"),
        ...processor("processor2", "", "sink", "source2"),
        ...processor("processor3", "", "sink", "source3"),
        ...sink("sink", "sinkTopic", "processor1, processor2, processor3"),
      ]),
    );
  });

  it("processorsWithSharedStateShouldHaveSameSubtopology", () => {
    const topology = new Topology()
      .addSource("source", "topic")
      .addProcessor("processor1", noop, "source")
      .addStateStore(store("store1"), "processor1")
      .addSource("source2", "topic2")
      .addProcessor("processor2", noop, "source2")
      .addStateStore(store("store2"), "processor2")
      .addSource("source3", "topic3")
      .addProcessor("processor3", noop, "source3")
      .connectProcessorAndStateStores("processor3", "store1", "store2");
    expect(topology.describe().toString()).toBe(
      topologies([
        ...source("source", "[topic]", "processor1"),
        ...source("source2", "[topic2]", "processor2"),
        ...source("source3", "[topic3]", "processor3"),
        ...processor("processor1", "store1", "none", "source"),
        ...processor("processor2", "store2", "none", "source2"),
        ...processor("processor3", "store1, store2", "none", "source3"),
      ]),
    );
  });

  it("topologyWithStaticTopicNameExtractorShouldRespectEqualHashcodeContract", () => {
    const topologyWithStaticTopicName = (): Topology => {
      const builder = new StreamsBuilder();
      builder.stream("from-topic-name").to("to-topic-name");
      return builder.build();
    };
    const [a, b] = [topologyWithStaticTopicName(), topologyWithStaticTopicName()];
    expect(a.describe().toString()).toBe(b.describe().toString());
    expect(a.describe().toJSON()).toEqual(b.describe().toJSON());
  });

  it("readOnlyStateStoresShouldHaveTheirOwnSubTopology", () => {
    const topology = new Topology().addReadOnlyStateStore(store("store"), "source", {}, "topic", "processor", noop);
    expect(topology.describe().toString()).toBe(
      topologies([...source("source", "[topic]", "processor"), ...processor("processor", "store", "none", "source")]),
    );
  });

  it("readOnlyStateStoresShouldNotLog", () => {
    const topology = new Topology().addReadOnlyStateStore(store("store"), "source", {}, "topic", "processor", noop);
    expect(topology.stores.get("store")).toMatchObject({ logging: false, sourceChangelog: "topic" });
    // Its source reads the topic from the earliest offset, whatever the config says.
    expect(topology.node("source")).toMatchObject({ kind: "source", topics: ["topic"], autoOffsetReset: "earliest" });
  });
});

describe("ReadOnlyStoreTest", () => {
  it("shouldConnectProcessorAndWriteDataToReadOnlyStore", async () => {
    const ints = { key: Serdes.int32(), value: Serdes.string() };
    const topology = new Topology().addReadOnlyStateStore<number, string>(
      { name: "readOnlyStore", ...ints, persistent: false },
      "readOnlySource",
      ints,
      "storeTopic",
      "readOnlyProcessor",
      () => {
        let store!: KeyValueStore<number, string>;
        return {
          init: (context: ProcessorContext<never, never>) => {
            store = context.getStateStore<number, string>("readOnlyStore");
          },
          process: (record: StreamRecord<number, string>) => store.put(record.key, record.value),
        };
      },
    );
    topology.addSource(ints, "source", "inputTopic");
    topology.addProcessor(
      "processor",
      () => {
        let context!: ProcessorContext<number, string>;
        let store!: KeyValueStore<number, string>;
        return {
          init: (c: ProcessorContext<number, string>) => {
            context = c;
            store = context.getStateStore<number, string>("readOnlyStore");
          },
          process: async (record: StreamRecord<number, string>) =>
            context.forward({ ...record, value: `${record.value} -- ${await store.get(record.key)}` }),
        };
      },
      "source",
    );
    topology.connectProcessorAndStateStores("processor", "readOnlyStore");
    topology.addSink("sink", "outputTopic", ints, "processor");

    driver = new TopologyTestDriver(topology);
    const readOnlyStoreTopic = driver.createInputTopic("storeTopic", Serdes.int32(), Serdes.string());
    const input = driver.createInputTopic("inputTopic", Serdes.int32(), Serdes.string());
    const output = driver.createOutputTopic("outputTopic", Serdes.int32(), Serdes.string());
    await readOnlyStoreTopic.pipeInput(1, "foo");
    await readOnlyStoreTopic.pipeInput(2, "bar");
    await input.pipeInput(1, "bar");
    await input.pipeInput(2, "foo");

    const storeContent: Array<{ key: number; value: string }> = [];
    for await (const entry of driver.getKeyValueStore<number, string>("readOnlyStore").all()) storeContent.push(entry);
    expect(storeContent).toEqual([
      { key: 1, value: "foo" },
      { key: 2, value: "bar" },
    ]);
    expect(output.readKeyValuesToList()).toEqual([
      { key: 1, value: "bar -- foo" },
      { key: 2, value: "foo -- bar" },
    ]);
    // The store has no changelog: the driver writes none.
    expect([...driver.producedTopicNames()]).toEqual(["outputTopic"]);
  });
});
