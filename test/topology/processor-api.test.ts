// The Processor API through the driver: init/process/close, forward to all or to one
// child, state stores, record metadata, and punctuators on both clocks.
import { afterEach, describe, expect, it } from "vitest";
import type { KeyValueStore } from "../../src/stores/key-value-store.js";
import { RecordHeaders } from "../../src/topology/headers.js";
import type { Processor, ProcessorContext } from "../../src/topology/processor.js";
import type { RecordMetadata, StreamRecord } from "../../src/topology/record.js";
import { Serdes } from "../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../src/topology/dsl/streams-builder.js";
import type { Topology } from "../../src/topology/topology.js";
import { ProcessorError } from "../../src/engine/processing-errors.js";
import { TopologyTestDriver } from "../../src/testing/topology-test-driver.js";

const strings = { key: Serdes.string(), value: Serdes.string() };
let driver: TopologyTestDriver | undefined;

function start(topology: Topology, startTime = 0): TopologyTestDriver {
  driver = new TopologyTestDriver(topology, { applicationId: "app", startTime });
  return driver;
}

afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

/** Deduplicates by key with a store, reports duplicates to the "duplicates" child, and emits a digest on punctuation. */
class Deduplicator implements Processor<string, string, string, string> {
  #context!: ProcessorContext<string, string>;
  #seen!: KeyValueStore<string, number>;
  readonly metadata: (RecordMetadata | undefined)[] = [];
  static closed = 0;

  init(context: ProcessorContext<string, string>): void {
    this.#context = context;
    this.#seen = context.getStateStore<string, number>("seen");
    context.schedule(1000, "stream-time", async (time) => {
      await this.#context.forward(
        {
          key: "digest",
          value: `stream-time ${time}: ${await this.#seen.approximateNumEntries()} keys`,
          timestamp: time,
          headers: new RecordHeaders(),
        },
        "digests",
      );
    });
    context.schedule(60_000, "wall-clock-time", async (time) => {
      await this.#context.forward(
        { key: "digest", value: `wall-clock ${time}`, timestamp: time, headers: new RecordHeaders() },
        "digests",
      );
    });
  }

  async process(record: StreamRecord<string, string>): Promise<void> {
    this.metadata.push(this.#context.recordMetadata());
    const count = (await this.#seen.get(record.key)) ?? 0;
    await this.#seen.put(record.key, count + 1);
    await this.#context.forward(record, count === 0 ? "unique" : "duplicates");
  }

  close(): void {
    Deduplicator.closed++;
  }
}

/** The dedup processor with its three named children as sinks. */
function dedupTopology(instances: Deduplicator[] = []): Topology {
  const builder = new StreamsBuilder();
  builder.addStateStore({ name: "seen", key: Serdes.string(), value: Serdes.int32() });
  const processed = builder.stream("in", strings).process<string, string>(
    () => {
      const processor = new Deduplicator();
      instances.push(processor);
      return processor;
    },
    { name: "dedup", stores: ["seen"] },
  );
  // The children are named as the processor forwards to them.
  processed.to("unique-out", { ...strings, name: "unique" });
  processed.to("duplicates-out", { ...strings, name: "duplicates" });
  processed.to("digests-out", { ...strings, name: "digests" });
  return builder.build();
}

describe("Processor API", () => {
  it("runs a processor with a store, forwarding to named children", async () => {
    const instances: Deduplicator[] = [];
    const driver = start(dedupTopology(instances));
    const input = driver.createInputTopic("in", Serdes.string(), Serdes.string(), {
      startTimestamp: 100,
      autoAdvance: 10,
    });
    await input.pipeKeyValueList([
      { key: "a", value: "1" },
      { key: "b", value: "2" },
      { key: "a", value: "3" },
    ]);
    expect(instances).toHaveLength(1);
    expect(driver.createOutputTopic("unique-out", Serdes.string(), Serdes.string()).readValuesToList()).toEqual([
      "1",
      "2",
    ]);
    expect(
      driver.createOutputTopic("duplicates-out", Serdes.string(), Serdes.string()).readRecordsToList(),
    ).toMatchObject([{ key: "a", value: "3", timestamp: 120 }]);
    expect(instances[0]?.metadata).toEqual([
      { topic: "in", partition: 0, offset: 0 },
      { topic: "in", partition: 0, offset: 1 },
      { topic: "in", partition: 0, offset: 2 },
    ]);
    expect(await driver.getKeyValueStore<string, number>("seen").get("a")).toBe(2);
    const closedBefore = Deduplicator.closed;
    await driver.close();
    expect(Deduplicator.closed).toBe(closedBefore + 1);
  });

  it("fires stream-time punctuators on the first record and then each interval of stream time, skipping missed ones", async () => {
    const driver = start(dedupTopology());
    const input = driver.createInputTopic("in", Serdes.string(), Serdes.string());
    const digests = driver.createOutputTopic("digests-out", Serdes.string(), Serdes.string());
    await input.pipeInput("a", "x", { timestamp: 500 });
    expect(digests.readValuesToList()).toEqual(["stream-time 500: 1 keys"]);
    await input.pipeInput("b", "x", { timestamp: 900 });
    expect(digests.readValuesToList()).toEqual([]);
    await input.pipeInput("c", "x", { timestamp: 1000 });
    expect(digests.readValuesToList()).toEqual(["stream-time 1000: 3 keys"]);
    // Out of order: stream time stays at 1000.
    await input.pipeInput("d", "x", { timestamp: 10 });
    expect(digests.readValuesToList()).toEqual([]);
    // A gap of several intervals fires once, then resumes on the interval grid.
    await input.pipeInput("e", "x", { timestamp: 4500 });
    expect(digests.readValuesToList()).toEqual(["stream-time 4500: 5 keys"]);
    await input.pipeInput("f", "x", { timestamp: 4999 });
    await input.pipeInput("g", "x", { timestamp: 5000 });
    expect(digests.readValuesToList()).toEqual(["stream-time 5000: 7 keys"]);
  });

  it("fires wall-clock punctuators when advanceWallClockTime() passes them", async () => {
    const driver = start(dedupTopology(), 1_000_000);
    const digests = driver.createOutputTopic("digests-out", Serdes.string(), Serdes.string());
    await driver.advanceWallClockTime(59_999);
    expect(digests.isEmpty()).toBe(true);
    await driver.advanceWallClockTime(1);
    expect(digests.readValuesToList()).toEqual(["wall-clock 1060000"]);
    await driver.advanceWallClockTime(180_000);
    expect(digests.readValuesToList()).toEqual(["wall-clock 1240000"]);
    await driver.advanceWallClockTime(60_000);
    expect(digests.readValuesToList()).toEqual(["wall-clock 1300000"]);
    expect(driver.wallClockTime).toBe(1_300_000);
  });

  it("a cancelled punctuator stops firing", async () => {
    const builder = new StreamsBuilder();
    const fired: number[] = [];
    builder.stream("in", strings).process(() => ({
      init(context: ProcessorContext) {
        const cancellable = context.schedule(10, "wall-clock-time", (time) => {
          fired.push(time);
          if (fired.length === 2) cancellable.cancel();
        });
      },
      process() {},
    }));
    const driver = start(builder.build());
    for (let i = 0; i < 5; i++) await driver.advanceWallClockTime(10);
    expect(fired).toEqual([10, 20]);
  });

  it("refuses a store the processor is not connected to, and forwarding to a child it lacks", async () => {
    const builder = new StreamsBuilder();
    builder.addStateStore({ name: "mine", key: Serdes.string(), value: Serdes.string() });
    builder.addStateStore({ name: "theirs", key: Serdes.string(), value: Serdes.string() });
    builder.stream("a", strings).process(() => ({ process() {} }), { name: "owner", stores: ["theirs"] });
    builder.stream("in", strings).process<string, string>(
      () => {
        let context: ProcessorContext<string, string>;
        return {
          init(c) {
            context = c;
            context.getStateStore("mine");
          },
          async process(record) {
            if (record.value === "store") context.getStateStore("theirs");
            else await context.forward(record, "nobody");
          },
        };
      },
      { name: "user", stores: ["mine"] },
    );
    const driver = start(builder.build());
    const input = driver.createInputTopic("in", Serdes.string(), Serdes.string());
    await expect(input.pipeInput("k", "store")).rejects.toThrow(
      /Processor user has no access to state store "theirs" \(it may use: mine\)/,
    );
    const failure = await input.pipeInput("k", "forward").catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProcessorError);
    expect((failure as ProcessorError).node).toBe("user");
    expect((failure as Error).message).toMatch(/forwarded to "nobody", which is not one of its children \(none\)/);
  });

  it("gives the record context (input origin, the handled record's timestamp and headers), app configs and a commit request", async () => {
    const contexts: Record<string, unknown>[] = [];
    const snapshot = (where: string, context: ProcessorContext<unknown, unknown>): void => {
      const { topic, partition, offset, timestamp, headers } = context.recordContext();
      contexts.push({
        where,
        topic,
        partition,
        offset,
        timestamp,
        trace: headers.lastHeader("trace")?.value?.toString(),
      });
    };
    const builder = new StreamsBuilder();
    builder
      .stream("in", strings)
      .process<string, string>(
        () => {
          let context!: ProcessorContext<string, string>;
          return {
            init(c) {
              context = c;
              context.schedule(1000, "wall-clock-time", () => snapshot("punctuator", context));
            },
            async process(record) {
              snapshot("first, before", context);
              const headers = record.headers.clone();
              headers.add("trace", "first");
              await context.forward({ ...record, timestamp: record.timestamp + 1, headers });
              snapshot("first, after", context);
              context.commit();
            },
          };
        },
        { name: "first" },
      )
      .process(
        () => {
          let context!: ProcessorContext<never, never>;
          return {
            init(c: ProcessorContext<never, never>) {
              context = c;
              contexts.push({ where: "configs", region: context.appConfigsWithPrefix("region.").name });
            },
            process() {
              snapshot("second", context);
            },
          };
        },
        { name: "second" },
      );
    const driver = new TopologyTestDriver(builder.build(), {
      applicationId: "app",
      startTime: 0,
      config: { "region.name": "eu-west", commitIntervalMs: 100 },
    });
    try {
      await driver.createInputTopic("in", Serdes.string(), Serdes.string()).pipeInput("k", "v", { timestamp: 40 });
      await driver.advanceWallClockTime(1000);
    } finally {
      await driver.close();
    }
    expect(contexts).toEqual([
      { where: "configs", region: "eu-west" },
      { where: "first, before", topic: "in", partition: 0, offset: 0, timestamp: 40, trace: undefined },
      { where: "second", topic: "in", partition: 0, offset: 0, timestamp: 41, trace: "first" },
      { where: "first, after", topic: "in", partition: 0, offset: 0, timestamp: 40, trace: undefined },
      { where: "punctuator", topic: null, partition: -1, offset: -1, timestamp: 1000, trace: undefined },
    ]);
  });
});
