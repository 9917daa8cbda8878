// The topic a task store tells its serdes, as Kafka Streams' Metered stores tell theirs
// (ProcessorContextUtils.changelogFor(context, name, false)): the store's changelog topic,
// `<applicationId>-<store>-changelog`, and the same name when logging is disabled. Ports of
// the Metered*StoreTest cases shouldPassChangelogTopicNameToStateStoreSerde and
// shouldPassDefaultChangelogTopicNameToStateStoreSerdeIfLoggingDisabled (there with mocked
// serdes and a mocked context, here through the TopologyTestDriver with serdes that record
// what they are told: a get serializes the key and deserializes the value, a put serializes
// both), then the stores Kafka Streams tells something else: a global store its topic,
// suppress()'s buffer its changelog's name always, a stream-table join's grace buffer the
// join's name, and a stream-stream join's stores their changelogs.
import { afterEach, describe, expect, it } from "vitest";
import type { Serde, SerdeContext } from "../../src/serdes/serde.js";
import { Serdes } from "../../src/serdes/serdes.js";
import type { KeyValueStore } from "../../src/stores/key-value-store.js";
import type { ValueAndTimestamp } from "../../src/stores/value-and-timestamp.js";
import type { VersionedKeyValueStore } from "../../src/stores/versioned-key-value-store.js";
import { TopologyTestDriver } from "../../src/testing/topology-test-driver.js";
import type { Processor, ProcessorContext } from "../../src/topology/processor.js";
import type { StreamRecord } from "../../src/topology/record.js";
import { StreamsBuilder } from "../../src/topology/dsl/streams-builder.js";
import { TimeWindows } from "../../src/topology/dsl/time-windows.js";
import { SessionWindows } from "../../src/topology/dsl/session-windows.js";
import { JoinWindows } from "../../src/topology/dsl/join-windows.js";
import { BufferConfig, Suppressed } from "../../src/topology/dsl/suppressed.js";
import { Stores } from "../../src/topology/stores.js";
import type { StateStoreOptions } from "../../src/topology/store-options.js";

const APPLICATION_ID = "test-app";
const STORE_NAME = "store-name";
const CHANGELOG_TOPIC = `${APPLICATION_ID}-${STORE_NAME}-changelog`;
const strings = { key: Serdes.string(), value: Serdes.string() };

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

/** Each call of a recording serde: what it did, and the topic and store it was told. */
type Call = string;

/** `inner`, recording `<serialize|deserialize> <part> <topic>` for every call a store makes. */
function recording<T>(inner: Serde<T>, calls: Map<string, Set<Call>>): Serde<T> {
  const note = (what: string, context: SerdeContext | undefined): void => {
    const store = context?.store ?? "(no store)";
    const seen = calls.get(store) ?? new Set<Call>();
    seen.add(`${what} ${context?.part ?? "?"} ${context?.topic ?? "(no topic)"}`);
    calls.set(store, seen);
  };
  return {
    name: inner.name,
    serialize(value: T, context?: SerdeContext): Buffer {
      note("serialize", context);
      return inner.serialize(value, context);
    },
    deserialize(bytes: Buffer, context?: SerdeContext): T {
      note("deserialize", context);
      return inner.deserialize(bytes, context);
    },
  };
}

/** What Java's doShouldPassChangelogTopicNameToStateStoreSerde stubs: get and put, each part told `topic`. */
function getAndPut(topic: string): Set<Call> {
  return new Set([`serialize key ${topic}`, `deserialize value ${topic}`, `serialize value ${topic}`]);
}

/** Two records of one key through a processor that reads the key's value, then writes it. */
async function pipeTwice(topology: ReturnType<StreamsBuilder["build"]>, cacheMaxBytes = 0): Promise<void> {
  driver = new TopologyTestDriver(topology, { applicationId: APPLICATION_ID, cacheMaxBytes, startTime: 1_000 });
  const input = driver.createInputTopic("input", Serdes.string(), Serdes.string());
  await input.pipeInput("key", "value1", { timestamp: 1_000 });
  await input.pipeInput("key", "value2", { timestamp: 1_001 });
}

/** A store declared with the Processor API, and a processor that does what Java's test does to it. */
function processorStoreTopology<V>(
  store: Omit<StateStoreOptions<string, V>, "name">,
  getAndPutOnce: (store: unknown, record: StreamRecord<string, string>) => Promise<void>,
): ReturnType<StreamsBuilder["build"]> {
  const builder = new StreamsBuilder();
  builder.addStateStore({ name: STORE_NAME, ...store });
  builder.stream("input", strings).process<never, never>(
    () =>
      new (class implements Processor<string, string, never, never> {
        #store: unknown;
        init(context: ProcessorContext<never, never>): void {
          this.#store = context.getStateStore(STORE_NAME);
        }
        process(record: StreamRecord<string, string>): Promise<void> {
          return getAndPutOnce(this.#store, record);
        }
      })(),
    { stores: [STORE_NAME] },
  );
  return builder.build();
}

const plainGetAndPut = async (store: unknown, record: StreamRecord<string, string>): Promise<void> => {
  const kv = store as KeyValueStore<string, string>;
  await kv.get(record.key);
  await kv.put(record.key, record.value);
};

describe.each([
  ["MeteredKeyValueStoreTest", false],
  ["MeteredTimestampedKeyValueStoreTest", true],
] as const)("%s", (_name, timestamped) => {
  const topology = (logging: boolean, calls: Map<string, Set<Call>>) =>
    processorStoreTopology<string>(
      { key: recording(Serdes.string(), calls), value: recording(Serdes.string(), calls), logging, timestamped },
      timestamped
        ? async (store, record) => {
            const kv = store as KeyValueStore<string, ValueAndTimestamp<string>>;
            await kv.get(record.key);
            await kv.put(record.key, { value: record.value, timestamp: record.timestamp });
          }
        : plainGetAndPut,
    );

  it("shouldPassChangelogTopicNameToStateStoreSerde", async () => {
    const calls = new Map<string, Set<Call>>();
    await pipeTwice(topology(true, calls));
    expect(calls.get(STORE_NAME)).toEqual(getAndPut(CHANGELOG_TOPIC));
  });

  it("shouldPassDefaultChangelogTopicNameToStateStoreSerdeIfLoggingDisabled", async () => {
    const calls = new Map<string, Set<Call>>();
    await pipeTwice(topology(false, calls));
    expect(calls.get(STORE_NAME)).toEqual(getAndPut(CHANGELOG_TOPIC));
  });
});

describe("MeteredVersionedKeyValueStoreTest", () => {
  const topology = (logging: boolean, calls: Map<string, Set<Call>>) =>
    processorStoreTopology<string>(
      {
        key: recording(Serdes.string(), calls),
        value: recording(Serdes.string(), calls),
        logging,
        ...Stores.persistentVersionedKeyValueStore(STORE_NAME, 60_000),
      },
      async (store, record) => {
        const versioned = store as VersionedKeyValueStore<string, string>;
        await versioned.get(record.key);
        await versioned.put(record.key, record.value, record.timestamp);
      },
    );

  it("shouldPassChangelogTopicNameToStateStoreSerde", async () => {
    const calls = new Map<string, Set<Call>>();
    await pipeTwice(topology(true, calls));
    expect(calls.get(STORE_NAME)).toEqual(getAndPut(CHANGELOG_TOPIC));
  });

  it("shouldPassDefaultChangelogTopicNameToStateStoreSerdeIfLoggingDisabled", async () => {
    const calls = new Map<string, Set<Call>>();
    await pipeTwice(topology(false, calls));
    expect(calls.get(STORE_NAME)).toEqual(getAndPut(CHANGELOG_TOPIC));
  });
});

// The DSL's window and session stores, filled by their aggregations (which read a window's
// aggregate, then write it), with and without the record cache in front.
describe.each([
  ["MeteredTimestampedWindowStoreTest", "window"],
  ["MeteredSessionStoreTest", "session"],
] as const)("%s", (_name, kind) => {
  const topology = (logging: boolean, calls: Map<string, Set<Call>>) => {
    const builder = new StreamsBuilder();
    const grouped = builder.stream("input", strings).groupByKey({
      key: recording(Serdes.string(), calls),
      value: Serdes.string(),
    });
    const options = { store: STORE_NAME, logging, value: recording(Serdes.string(), calls) };
    const aggregator = (_key: string, value: string, aggregate: string) => `${aggregate}+${value}`;
    if (kind === "window") {
      grouped.windowedBy(TimeWindows.ofSizeWithNoGrace(10_000)).aggregate(() => "", aggregator, options);
    } else {
      grouped.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(10_000)).aggregate(
        () => "",
        aggregator,
        (_key, left, right) => `${left}${right}`,
        options,
      );
    }
    return builder.build();
  };

  for (const cacheMaxBytes of [0, 1 << 20]) {
    it(`shouldPassChangelogTopicNameToStateStoreSerde (cacheMaxBytes ${cacheMaxBytes})`, async () => {
      const calls = new Map<string, Set<Call>>();
      await pipeTwice(topology(true, calls), cacheMaxBytes);
      expect(calls.get(STORE_NAME)).toEqual(getAndPut(CHANGELOG_TOPIC));
    });

    it(`shouldPassDefaultChangelogTopicNameToStateStoreSerdeIfLoggingDisabled (cacheMaxBytes ${cacheMaxBytes})`, async () => {
      const calls = new Map<string, Set<Call>>();
      await pipeTwice(topology(false, calls), cacheMaxBytes);
      expect(calls.get(STORE_NAME)).toEqual(getAndPut(CHANGELOG_TOPIC));
    });
  }
});

/** The topics each store's serdes were told, whatever they did with them. */
function topicsTold(calls: Map<string, Set<Call>>, store: string): Set<string> {
  return new Set([...(calls.get(store) ?? [])].map((call) => call.split(" ").slice(2).join(" ")));
}

describe("the topic a store's serdes are told", () => {
  it("a store behind the record cache: its changelog", async () => {
    const calls = new Map<string, Set<Call>>();
    const topology = processorStoreTopology<string>(
      { key: recording(Serdes.string(), calls), value: recording(Serdes.string(), calls), caching: true },
      plainGetAndPut,
    );
    await pipeTwice(topology, 1 << 20);
    expect(calls.get(STORE_NAME)).toEqual(getAndPut(CHANGELOG_TOPIC));
  });

  it("a global store: its topic, the store's changelog (InternalTopologyBuilder.addGlobalStore)", async () => {
    const calls = new Map<string, Set<Call>>();
    const builder = new StreamsBuilder();
    const global = builder.globalTable<string, string>("global-topic", {
      key: recording(Serdes.string(), calls),
      value: recording(Serdes.string(), calls),
      store: STORE_NAME,
    });
    builder
      .stream("input", strings)
      .join(
        global,
        (key) => key,
        (value, globalValue) => `${value}+${globalValue}`,
      )
      .to("output", strings);
    driver = new TopologyTestDriver(builder.build(), { applicationId: APPLICATION_ID });
    await driver.createInputTopic("global-topic", Serdes.string(), Serdes.string()).pipeInput("key", "global");
    await driver.createInputTopic("input", Serdes.string(), Serdes.string()).pipeInput("key", "value");
    expect(driver.createOutputTopic("output", Serdes.string(), Serdes.string()).readValuesToList()).toEqual([
      "value+global",
    ]);
    expect(calls.get(STORE_NAME)).toEqual(getAndPut("global-topic"));
  });

  // InMemoryTimeOrderedKeyValueChangeBuffer asks changelogFor(context, name, true): the name, logged or not.
  it.each([true, false])("suppress()'s buffer: its changelog's name (logging %s)", async (logging) => {
    const calls = new Map<string, Set<Call>>();
    const builder = new StreamsBuilder();
    const buffer = logging ? BufferConfig.unbounded() : BufferConfig.unbounded().withLoggingDisabled();
    builder
      .table("input", { key: recording(Serdes.string(), calls), value: recording(Serdes.string(), calls) })
      .suppress(Suppressed.untilTimeLimit<string>(10, buffer).withName("suppressed"))
      .toStream()
      .to("output", strings);
    const topology = builder.build();
    const [store] = [...topology.stores.values()].filter((definition) => definition.type === "buffer");
    driver = new TopologyTestDriver(topology, { applicationId: APPLICATION_ID });
    const input = driver.createInputTopic("input", Serdes.string(), Serdes.string());
    await input.pipeInput("key", "value1", { timestamp: 1_000 });
    await input.pipeInput("other", "value2", { timestamp: 2_000 });
    expect(driver.createOutputTopic("output", Serdes.string(), Serdes.string()).readValuesToList()).toEqual(["value1"]);
    expect(calls.get(store!.name)).toEqual(
      new Set(
        ["serialize key", "serialize value", "deserialize key", "deserialize value"].map(
          (call) => `${call} ${APPLICATION_ID}-${store!.name}-changelog`,
        ),
      ),
    );
  });

  // KStreamImpl builds RocksDBTimeOrderedKeyValueBuffer with `topic` = the join's name.
  it("a stream-table join's grace buffer: the join's name", async () => {
    const calls = new Map<string, Set<Call>>();
    const builder = new StreamsBuilder();
    const table = builder.table("table", {
      ...strings,
      ...Stores.persistentVersionedKeyValueStore("versioned", 60_000),
    });
    builder
      .stream("input", { key: recording(Serdes.string(), calls), value: recording(Serdes.string(), calls) })
      .join(table, (value, tableValue) => `${value}+${tableValue}`, { name: "the-join", gracePeriodMs: 10 })
      .to("output", strings);
    driver = new TopologyTestDriver(builder.build(), { applicationId: APPLICATION_ID });
    await driver
      .createInputTopic("table", Serdes.string(), Serdes.string())
      .pipeInput("key", "row", { timestamp: 1_000 });
    const input = driver.createInputTopic("input", Serdes.string(), Serdes.string());
    await input.pipeInput("key", "value", { timestamp: 1_000 });
    await input.pipeInput("other", "later", { timestamp: 2_000 });
    expect(driver.createOutputTopic("output", Serdes.string(), Serdes.string()).readValuesToList()).toEqual([
      "value+row",
    ]);
    expect(calls.get("the-join-Buffer")).toEqual(
      new Set(["serialize key", "serialize value", "deserialize key", "deserialize value"].map((c) => `${c} the-join`)),
    );
  });

  // The join's window stores and the outer join's shared store (OuterStreamJoinStoreFactory's
  // ListValueStoreBuilder): Metered stores, told their changelogs; the shared store's serdes
  // hand the topic on to the streams' serdes.
  it.each([true, false])("a stream-stream outer join's stores: their changelogs (logging %s)", async (logging) => {
    const calls = new Map<string, Set<Call>>();
    const builder = new StreamsBuilder();
    const other = builder.stream("other", strings);
    builder
      .stream("input", strings)
      .outerJoin(other, (value, otherValue) => `${value}+${otherValue}`, JoinWindows.ofTimeDifferenceAndGrace(10, 0), {
        key: recording(Serdes.string(), calls),
        value: recording(Serdes.string(), calls),
        otherValue: recording(Serdes.string(), calls),
        logging,
      })
      .to("output", strings);
    const topology = builder.build();
    driver = new TopologyTestDriver(topology, { applicationId: APPLICATION_ID });
    const input = driver.createInputTopic("input", Serdes.string(), Serdes.string());
    await input.pipeInput("key", "value", { timestamp: 1_000 });
    await driver
      .createInputTopic("other", Serdes.string(), Serdes.string())
      .pipeInput("key", "match", { timestamp: 1_005 });
    await input.pipeInput("lonely", "alone", { timestamp: 1_020 });
    await input.pipeInput("late", "later", { timestamp: 2_000 });
    expect(driver.createOutputTopic("output", Serdes.string(), Serdes.string()).readValuesToList()).toEqual([
      "value+match",
      "alone+null",
    ]);
    const stores = [...topology.stores.keys()];
    expect(stores).toHaveLength(3);
    for (const store of stores) {
      expect(topicsTold(calls, store), store).toEqual(new Set([`${APPLICATION_ID}-${store}-changelog`]));
    }
  });
});
