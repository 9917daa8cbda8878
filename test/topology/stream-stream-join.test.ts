// Stream-stream joins beyond the ported Kafka Streams cases' outputs: repartitioning and
// co-partitioning (KStreamKStreamJoinTest's naming cases), the stores' settings,
// dropped records, the joiner's shapes, the stores' serdes (StreamJoined's or the
// configuration's defaults, never the streams', as KStreamImplJoin gives them), headers,
// and waiting left-join records that survive a restart.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../src/serdes/serdes.js";
import { InvalidOperationError } from "../../src/topology/errors.js";
import { JoinWindows } from "../../src/topology/dsl/join-windows.js";
import { StreamJoined } from "../../src/topology/dsl/stream-joined.js";
import { StreamsBuilder } from "../../src/topology/dsl/streams-builder.js";
import type { KStream } from "../../src/topology/dsl/kstream.js";
import { TopologyTestDriver } from "../../src/testing/topology-test-driver.js";
import type { TopologyTestDriverOptions } from "../../src/testing/topology-test-driver.js";
import { kvt, readAll } from "./ks/support.js";

const strings = { key: Serdes.string(), value: Serdes.string() };
const windows = JoinWindows.ofTimeDifferenceWithNoGrace(100);
let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

function twoStreams(builder: StreamsBuilder): [KStream<string, string>, KStream<string, string>] {
  return [builder.stream("left", strings), builder.stream("right", strings)];
}

describe("stream-stream join topologies (KStreamKStreamJoinTest)", () => {
  it("shouldReuseRepartitionTopicWithGeneratedName", () => {
    const builder = new StreamsBuilder();
    const stream1 = builder.stream("topic", strings);
    const stream2 = builder.stream("topic2", strings);
    const stream3 = builder.stream("topic3", strings);
    const newStream = stream1.map((k, v) => ({ key: v, value: k }));
    newStream.join(stream2, (v1: string, v2: string) => v1 + v2, windows).to("out-one");
    newStream.join(stream3, (v1: string, v2: string) => v1 + v2, windows).to("out-to");
    expect(builder.build().describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0\n" +
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [topic])\n" +
        "      --> KSTREAM-MAP-0000000003\n" +
        "    Processor: KSTREAM-MAP-0000000003 (stores: [])\n" +
        "      --> KSTREAM-FILTER-0000000005\n" +
        "      <-- KSTREAM-SOURCE-0000000000\n" +
        "    Processor: KSTREAM-FILTER-0000000005 (stores: [])\n" +
        "      --> KSTREAM-SINK-0000000004\n" +
        "      <-- KSTREAM-MAP-0000000003\n" +
        "    Sink: KSTREAM-SINK-0000000004 (topic: KSTREAM-MAP-0000000003-repartition)\n" +
        "      <-- KSTREAM-FILTER-0000000005\n" +
        "\n" +
        "  Sub-topology: 1\n" +
        "    Source: KSTREAM-SOURCE-0000000006 (topics: [KSTREAM-MAP-0000000003-repartition])\n" +
        "      --> KSTREAM-WINDOWED-0000000007, KSTREAM-WINDOWED-0000000016\n" +
        "    Source: KSTREAM-SOURCE-0000000001 (topics: [topic2])\n" +
        "      --> KSTREAM-WINDOWED-0000000008\n" +
        "    Source: KSTREAM-SOURCE-0000000002 (topics: [topic3])\n" +
        "      --> KSTREAM-WINDOWED-0000000017\n" +
        "    Processor: KSTREAM-WINDOWED-0000000007 (stores: [KSTREAM-JOINTHIS-0000000009-store])\n" +
        "      --> KSTREAM-JOINTHIS-0000000009\n" +
        "      <-- KSTREAM-SOURCE-0000000006\n" +
        "    Processor: KSTREAM-WINDOWED-0000000008 (stores: [KSTREAM-JOINOTHER-0000000010-store])\n" +
        "      --> KSTREAM-JOINOTHER-0000000010\n" +
        "      <-- KSTREAM-SOURCE-0000000001\n" +
        "    Processor: KSTREAM-WINDOWED-0000000016 (stores: [KSTREAM-JOINTHIS-0000000018-store])\n" +
        "      --> KSTREAM-JOINTHIS-0000000018\n" +
        "      <-- KSTREAM-SOURCE-0000000006\n" +
        "    Processor: KSTREAM-WINDOWED-0000000017 (stores: [KSTREAM-JOINOTHER-0000000019-store])\n" +
        "      --> KSTREAM-JOINOTHER-0000000019\n" +
        "      <-- KSTREAM-SOURCE-0000000002\n" +
        "    Processor: KSTREAM-JOINOTHER-0000000010 (stores: [KSTREAM-JOINTHIS-0000000009-store])\n" +
        "      --> KSTREAM-MERGE-0000000011\n" +
        "      <-- KSTREAM-WINDOWED-0000000008\n" +
        "    Processor: KSTREAM-JOINOTHER-0000000019 (stores: [KSTREAM-JOINTHIS-0000000018-store])\n" +
        "      --> KSTREAM-MERGE-0000000020\n" +
        "      <-- KSTREAM-WINDOWED-0000000017\n" +
        "    Processor: KSTREAM-JOINTHIS-0000000009 (stores: [KSTREAM-JOINOTHER-0000000010-store])\n" +
        "      --> KSTREAM-MERGE-0000000011\n" +
        "      <-- KSTREAM-WINDOWED-0000000007\n" +
        "    Processor: KSTREAM-JOINTHIS-0000000018 (stores: [KSTREAM-JOINOTHER-0000000019-store])\n" +
        "      --> KSTREAM-MERGE-0000000020\n" +
        "      <-- KSTREAM-WINDOWED-0000000016\n" +
        "    Processor: KSTREAM-MERGE-0000000011 (stores: [])\n" +
        "      --> KSTREAM-SINK-0000000012\n" +
        "      <-- KSTREAM-JOINTHIS-0000000009, KSTREAM-JOINOTHER-0000000010\n" +
        "    Processor: KSTREAM-MERGE-0000000020 (stores: [])\n" +
        "      --> KSTREAM-SINK-0000000021\n" +
        "      <-- KSTREAM-JOINTHIS-0000000018, KSTREAM-JOINOTHER-0000000019\n" +
        "    Sink: KSTREAM-SINK-0000000012 (topic: out-one)\n" +
        "      <-- KSTREAM-MERGE-0000000011\n" +
        "    Sink: KSTREAM-SINK-0000000021 (topic: out-to)\n" +
        "      <-- KSTREAM-MERGE-0000000020\n\n",
    );
  });

  it("shouldCreateRepartitionTopicsWithUserProvidedName", () => {
    const builder = new StreamsBuilder();
    const stream1 = builder.stream("topic", strings);
    const stream2 = builder.stream("topic2", strings);
    const stream3 = builder.stream("topic3", strings);
    const newStream = stream1.map((k, v) => ({ key: v, value: k }));
    const joined = StreamJoined.with(Serdes.string(), Serdes.string(), Serdes.string());
    const concat = (v1: string, v2: string) => v1 + v2;
    newStream.join(stream2, concat, windows, joined.withName("first-join")).to("out-one");
    newStream.join(stream3, concat, windows, joined.withName("second-join")).to("out-two");
    const sub = (n: number, topic: string, join: string, thisStore: string, otherStore: string, sink: string) =>
      `  Sub-topology: ${n}\n` +
      `    Source: KSTREAM-SOURCE-000000000${n} (topics: [${topic}])\n` +
      `      --> ${join}-other-windowed\n` +
      `    Source: ${join}-left-repartition-source (topics: [${join}-left-repartition])\n` +
      `      --> ${join}-this-windowed\n` +
      `    Processor: ${join}-other-windowed (stores: [${otherStore}])\n` +
      `      --> ${join}-other-join\n` +
      `      <-- KSTREAM-SOURCE-000000000${n}\n` +
      `    Processor: ${join}-this-windowed (stores: [${thisStore}])\n` +
      `      --> ${join}-this-join\n` +
      `      <-- ${join}-left-repartition-source\n` +
      `    Processor: ${join}-other-join (stores: [${thisStore}])\n` +
      `      --> ${join}-merge\n` +
      `      <-- ${join}-other-windowed\n` +
      `    Processor: ${join}-this-join (stores: [${otherStore}])\n` +
      `      --> ${join}-merge\n` +
      `      <-- ${join}-this-windowed\n` +
      `    Processor: ${join}-merge (stores: [])\n` +
      `      --> ${sink}\n` +
      `      <-- ${join}-this-join, ${join}-other-join\n` +
      `    Sink: ${sink} (topic: ${n === 1 ? "out-one" : "out-two"})\n` +
      `      <-- ${join}-merge\n`;
    expect(builder.build().describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0\n" +
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [topic])\n" +
        "      --> KSTREAM-MAP-0000000003\n" +
        "    Processor: KSTREAM-MAP-0000000003 (stores: [])\n" +
        "      --> second-join-left-repartition-filter, first-join-left-repartition-filter\n" +
        "      <-- KSTREAM-SOURCE-0000000000\n" +
        "    Processor: first-join-left-repartition-filter (stores: [])\n" +
        "      --> first-join-left-repartition-sink\n" +
        "      <-- KSTREAM-MAP-0000000003\n" +
        "    Processor: second-join-left-repartition-filter (stores: [])\n" +
        "      --> second-join-left-repartition-sink\n" +
        "      <-- KSTREAM-MAP-0000000003\n" +
        "    Sink: first-join-left-repartition-sink (topic: first-join-left-repartition)\n" +
        "      <-- first-join-left-repartition-filter\n" +
        "    Sink: second-join-left-repartition-sink (topic: second-join-left-repartition)\n" +
        "      <-- second-join-left-repartition-filter\n" +
        "\n" +
        sub(
          1,
          "topic2",
          "first-join",
          "KSTREAM-JOINTHIS-0000000009-store",
          "KSTREAM-JOINOTHER-0000000010-store",
          "KSTREAM-SINK-0000000012",
        ) +
        "\n" +
        sub(
          2,
          "topic3",
          "second-join",
          "KSTREAM-JOINTHIS-0000000018-store",
          "KSTREAM-JOINOTHER-0000000019-store",
          "KSTREAM-SINK-0000000021",
        ) +
        "\n",
    );
  });

  it("co-partitions both sides; the stores are window stores of before + after, kept before + after + grace, with duplicates", () => {
    const builder = new StreamsBuilder();
    const [left, right] = twoStreams(builder);
    left.join(right, (l: string, r: string) => l + r, JoinWindows.ofTimeDifferenceAndGrace(100, 50).before(30), {
      storeName: "store",
      logging: false,
    });
    const topology = builder.build();
    expect(topology.copartitionGroups.map((group) => [...group.topics].sort())).toEqual([["left", "right"]]);
    for (const name of ["store-this-join-store", "store-other-join-store"]) {
      const store = topology.stores.get(name);
      expect(store).toMatchObject({
        type: "window",
        timestamped: false,
        logging: false,
        caching: false,
        windowed: { windowSizeMs: 130, retentionMs: 180, retainDuplicates: true },
      });
    }
  });

  it("shouldDisableLoggingOnStreamJoined, and in-memory stores on request", () => {
    const builder = new StreamsBuilder();
    const [left, right] = twoStreams(builder);
    left.leftJoin(
      right,
      (l: string, r: string | null) => `${l}${r}`,
      windows,
      StreamJoined.with(Serdes.string(), Serdes.string(), Serdes.string())
        .withStoreName("store")
        .withLoggingDisabled()
        .withPersistent(false),
    );
    const stores = builder.build().stores;
    for (const name of ["store-this-join-store", "store-outer-other-join-store", "store-left-shared-join-store"]) {
      expect(stores.get(name)).toMatchObject({ logging: false, persistent: false });
    }
  });

  it("refuses what is not a join of two streams with join windows, naming what to pass", () => {
    const builder = new StreamsBuilder();
    const [left, right] = twoStreams(builder);
    const other = new StreamsBuilder().stream("other", strings);
    const joiner = (l: string, r: string) => l + r;
    expect(() => left.join(other, joiner, windows)).toThrow(InvalidOperationError);
    expect(() => left.outerJoin(right, joiner, 100 as unknown as JoinWindows)).toThrow(/needs JoinWindows/);
    expect(() => left.join(right, 42 as unknown as typeof joiner, windows)).toThrow(/needs a joiner/);
    expect(() => JoinWindows.ofTimeDifferenceWithNoGrace(-1)).toThrow(/time difference/);
    expect(() => JoinWindows.ofTimeDifferenceAndGrace(10, -1)).toThrow(/grace period/);
    expect(() => windows.before(-101)).toThrow("Window interval (ie, beforeMs+afterMs) must not be negative.");
    expect(windows.before(-50).size()).toBe(50);
    expect(String(windows.after(20))).toBe("JoinWindows{beforeMs=100, afterMs=20, graceMs=0}");
    expect(windows.equals(JoinWindows.ofTimeDifferenceAndGrace(100, 0))).toBe(true);
    expect(windows.equals(windows.after(20))).toBe(false);
  });
});

describe("stream-stream join processing", () => {
  async function start<V>(
    build: (left: KStream<string, string>, right: KStream<string, string>) => KStream<string, V>,
    options: TopologyTestDriverOptions = {},
    builder = new StreamsBuilder(),
  ) {
    const [left, right] = twoStreams(builder);
    // A join without StreamJoined serdes passes on no key serde, as in Kafka Streams.
    build(left, right).to("out", { key: Serdes.string(), value: Serdes.json() });
    // The join's stores take the configuration's defaults (StreamJoined gives no serdes), as in Kafka Streams' tests.
    driver = new TopologyTestDriver(builder.build(), {
      startTime: 0,
      defaultKeySerde: "string",
      defaultValueSerde: "string",
      ...options,
    });
    return {
      left: driver.createInputTopic("left", Serdes.string(), Serdes.string()),
      right: driver.createInputTopic("right", Serdes.string(), Serdes.string()),
      out: driver.createOutputTopic("out", Serdes.string(), Serdes.json()),
    };
  }

  it("drops and counts records with a null key or value, and records too late for the store (shouldLogAndMeterOnSkippedRecords)", async () => {
    const { left, right, out } = await start((l, r) => l.join(r, (a: string, b: string) => a + b, windows));
    await left.pipeInput("A", null, { timestamp: 0 });
    await right.pipeInput(null, "x", { timestamp: 0 });
    expect(driver?.droppedRecords).toBe(2);
    await left.pipeInput("A", "a", { timestamp: 200_000 });
    await right.pipeInput("A", "b", { timestamp: 200_050 });
    // Segments of 60 s: a record three segments behind its store's time is dropped by the store.
    await right.pipeInput("B", "late", { timestamp: 10 });
    expect(driver?.droppedRecords).toBe(3);
    await left.pipeInput("B", "too late to join", { timestamp: 90 });
    expect(driver?.droppedRecords).toBe(4);
    expect(readAll(out)).toEqual([kvt("A", "ab", 200_050)]);
  });

  it("takes Kafka Streams' ValueJoinerWithKey, the key first", async () => {
    const { left, right, out } = await start((l, r) =>
      l.join(r, { apply: (key: string, a: string, b: string) => `${key}:${a}+${b}` }, windows),
    );
    await left.pipeInput("k", "a", { timestamp: 10 });
    await right.pipeInput("k", "b", { timestamp: 5 });
    expect(readAll(out)).toEqual([kvt("k", "k:a+b", 10)]);
  });

  it("joins a null-key record of a left join's left side with null at once (KIP-962)", async () => {
    const { left, out } = await start((l, r) => l.leftJoin(r, (a: string, b: string | null) => [a, b], windows));
    await left.pipeInput(null, "a", { timestamp: 10 });
    expect(readAll(out)).toEqual([kvt(null, ["a", null], 10)]);
  });

  it("uses the configuration's defaults where neither the streams nor StreamJoined give serdes", async () => {
    const builder = new StreamsBuilder();
    const left = builder.stream<string, string>("left");
    const right = builder.stream<string, string>("right");
    left.outerJoin(right, (a: string | null, b: string | null) => `${a}+${b}`, windows).to("out");
    driver = new TopologyTestDriver(builder.build(), {
      startTime: 0,
      defaultKeySerde: "string",
      defaultValueSerde: "string",
    });
    const l = driver.createInputTopic("left", Serdes.string(), Serdes.string());
    const r = driver.createInputTopic("right", Serdes.string(), Serdes.string());
    const out = driver.createOutputTopic("out", Serdes.string(), Serdes.string());
    await l.pipeInput("A", "a", { timestamp: 0 });
    await r.pipeInput("B", "b", { timestamp: 1 });
    await r.pipeInput("C", "c", { timestamp: 500 });
    expect(readAll(out)).toEqual([kvt("A", "a+null", 0), kvt("B", "null+b", 1)]);
  });

  it("testShouldForwardCurrentHeaders: a result carries the headers of the record that triggered it", async () => {
    const { left, right, out } = await start((l, r) =>
      l.outerJoin(
        r,
        (a: string | null, b: string | null) => `${a}+${b}`,
        JoinWindows.ofTimeDifferenceAndGrace(100, 10),
      ),
    );
    await left.pipeInput("0", "A0", { timestamp: 0, headers: { h: Buffer.from([1]) } });
    await right.pipeInput("1", "10", { timestamp: 0, headers: { h: Buffer.from([2]) } });
    await right.pipeInput("3", "100", { timestamp: 211, headers: { h: Buffer.from([3]) } });
    const first = out.readRecordsToList();
    expect(first.map((r) => [r.key, r.value, r.timestamp, r.headers.lastHeader("h")?.value])).toEqual([
      ["1", "null+10", 0, Buffer.from([3])],
      ["0", "A0+null", 0, Buffer.from([3])],
    ]);
    await left.pipeInput("2", "A2", { timestamp: 200, headers: { h: Buffer.from([4]) } });
    await right.pipeInput("2", "12", { timestamp: 200, headers: { h: Buffer.from([5]) } });
    expect(out.readRecordsToList().map((r) => [r.key, r.value, r.timestamp, r.headers.lastHeader("h")?.value])).toEqual(
      [["2", "A2+12", 200, Buffer.from([5])]],
    );
  });

  it("emits a left record that waited across a restart once its window closes (the outer store is LevelDB)", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "eddy-join-restart-"));
    try {
      const options: TopologyTestDriverOptions = { stores: "leveldb", stateDir, keepState: true };
      const build = (l: KStream<string, string>, r: KStream<string, string>) =>
        l.leftJoin(r, (a: string, b: string | null) => `${a}+${b}`, windows);
      const first = await start(build, options);
      await first.left.pipeInput("A", "waiting", { timestamp: 1000 });
      await first.left.pipeInput("B", "joined", { timestamp: 1000 });
      await first.right.pipeInput("B", "b", { timestamp: 1050 });
      expect(readAll(first.out)).toEqual([kvt("B", "joined+b", 1050)]);
      await driver?.close();
      driver = undefined;

      const second = await start(build, options);
      await second.right.pipeInput("C", "c", { timestamp: 1200 });
      expect(readAll(second.out)).toEqual([kvt("A", "waiting+null", 1000)]);
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});

describe("stream-stream join stores' serdes (KStreamImplJoin)", () => {
  /** The raw records of a join store's changelog, key and value bytes as text. */
  function changelog(d: TopologyTestDriver, store: string): Array<[string, string]> {
    return d
      .createOutputTopic(`app-${store}-changelog`, Serdes.bytes(), Serdes.bytes())
      .readRecordsToList()
      .map((r) => [r.key?.subarray(0, r.key.length - 12).toString() ?? "", r.value?.toString() ?? ""]);
  }

  function joinJsonStreams(joined?: StreamJoined<string, string, string>): StreamsBuilder {
    const builder = new StreamsBuilder();
    const json = { key: Serdes.json<string>(), value: Serdes.json<string>() };
    const left = builder.stream("left", json);
    const right = builder.stream("right", json);
    left.join(right, (a: string, b: string) => `${a}+${b}`, windows, joined).to("out", json);
    return builder;
  }

  it("take the configuration's defaults when StreamJoined gives no serdes, not the streams' serdes", async () => {
    driver = new TopologyTestDriver(joinJsonStreams().build(), {
      applicationId: "app",
      startTime: 0,
      defaultKeySerde: "string",
      defaultValueSerde: "string",
    });
    const json = Serdes.json<string>();
    await driver.createInputTopic("left", json, json).pipeInput("A", "a", { timestamp: 0 });
    await driver.createInputTopic("right", json, json).pipeInput("A", "b", { timestamp: 1 });
    expect(readAll(driver.createOutputTopic("out", json, json))).toEqual([kvt("A", "a+b", 1)]);
    // Written with the default string serdes: no JSON quotes.
    expect(changelog(driver, "KSTREAM-JOINTHIS-0000000004-store")).toEqual([["A", "a"]]);
    expect(changelog(driver, "KSTREAM-JOINOTHER-0000000005-store")).toEqual([["A", "b"]]);
  });

  it("take StreamJoined's serdes when it gives them", async () => {
    const joined = StreamJoined.with(Serdes.string(), Serdes.string(), Serdes.string());
    driver = new TopologyTestDriver(joinJsonStreams(joined).build(), { applicationId: "app", startTime: 0 });
    const json = Serdes.json<string>();
    await driver.createInputTopic("left", json, json).pipeInput("A", "a", { timestamp: 0 });
    await driver.createInputTopic("right", json, json).pipeInput("A", "b", { timestamp: 1 });
    expect(changelog(driver, "KSTREAM-JOINTHIS-0000000004-store")).toEqual([["A", "a"]]);
    expect(changelog(driver, "KSTREAM-JOINOTHER-0000000005-store")).toEqual([["A", "b"]]);
  });

  it("need StreamJoined's serdes or the configuration's defaults: the streams' serdes are not used", () => {
    expect(() => new TopologyTestDriver(joinJsonStreams().build(), { startTime: 0 })).toThrow(
      /KSTREAM-JOINTHIS-0000000004-store/,
    );
  });
});
