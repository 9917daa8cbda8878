// Ports of Kafka Streams' SessionWindowedKStreamImplTest (emit eager): sessions of
// inactivity gap 500, merged when a record brings them together; each merged session
// is forwarded as a delete, the new one stamped with its end.
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import type { Serde } from "../../../src/serdes/serde.js";
import type { Windowed } from "../../../src/serdes/windowed.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { SessionWindows } from "../../../src/topology/dsl/session-windows.js";
import type { SessionWindowedKStream } from "../../../src/topology/dsl/session-windowed-kstream.js";
import type { KTable } from "../../../src/topology/dsl/ktable.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";
import { kvt, readAll } from "./support.js";

const strings = { key: Serdes.string(), value: Serdes.string() };
let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

const s = (key: string, start: number, end: number): Windowed<string> => ({ key, window: { start, end } });

function sessions(): { builder: StreamsBuilder; stream: SessionWindowedKStream<string, string> } {
  const builder = new StreamsBuilder();
  const stream = builder
    .stream("input", strings)
    .groupByKey(strings)
    .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(500));
  return { builder, stream };
}

async function processData<V>(
  builder: StreamsBuilder,
  table: KTable<Windowed<string>, V>,
  valueSerde: Serde<V>,
  cacheMaxBytes: number | undefined,
) {
  table.toStream().to("output", { value: valueSerde as Serde<NonNullable<V>> });
  driver = new TopologyTestDriver(builder.build(), {
    startTime: 0,
    ...(cacheMaxBytes === undefined ? {} : { cacheMaxBytes }),
  });
  const input = driver.createInputTopic("input", Serdes.string(), Serdes.string());
  await input.pipeInput("1", "1", { timestamp: 10 });
  await input.pipeInput("1", "2", { timestamp: 15 });
  await input.pipeInput("1", "3", { timestamp: 600 });
  await input.pipeInput("2", "1", { timestamp: 600 });
  await input.pipeInput("2", "2", { timestamp: 599 });
  return readAll(driver.createOutputTopic("output", Serdes.sessionWindowed(Serdes.string()), valueSerde));
}

describe("SessionWindowedKStream (SessionWindowedKStreamImplTest)", () => {
  it.each([
    ["shouldCountSessionWindowedWithCachingDisabled", 0],
    ["shouldCountSessionWindowedWithCachingEnabled", undefined],
  ] as const)("%s", async (_name, cacheMaxBytes) => {
    const { builder, stream } = sessions();
    expect(await processData(builder, stream.count(), Serdes.long() as Serde<number>, cacheMaxBytes)).toEqual([
      kvt(s("1", 10, 10), 1, 10),
      kvt(s("1", 10, 10), null, 10),
      kvt(s("1", 10, 15), 2, 15),
      kvt(s("1", 600, 600), 1, 600),
      kvt(s("2", 600, 600), 1, 600),
      kvt(s("2", 600, 600), null, 600),
      kvt(s("2", 599, 600), 2, 600),
    ]);
  });

  it("shouldReduceWindowed", async () => {
    const { builder, stream } = sessions();
    expect(
      await processData(
        builder,
        stream.reduce((a, b) => `${a}+${b}`),
        Serdes.string(),
        undefined,
      ),
    ).toEqual([
      kvt(s("1", 10, 10), "1", 10),
      kvt(s("1", 10, 10), null, 10),
      kvt(s("1", 10, 15), "1+2", 15),
      kvt(s("1", 600, 600), "3", 600),
      kvt(s("2", 600, 600), "1", 600),
      kvt(s("2", 600, 600), null, 600),
      kvt(s("2", 599, 600), "1+2", 600),
    ]);
  });

  it("shouldAggregateSessionWindowed", async () => {
    const { builder, stream } = sessions();
    const table = stream.aggregate(
      () => "0",
      (_key, value, aggregate) => `${aggregate}+${value}`,
      (_key, one, two) => `${one}+${two}`,
      { value: Serdes.string() },
    );
    expect(await processData(builder, table, Serdes.string(), undefined)).toEqual([
      kvt(s("1", 10, 10), "0+1", 10),
      kvt(s("1", 10, 10), null, 10),
      kvt(s("1", 10, 15), "0+0+1+2", 15),
      kvt(s("1", 600, 600), "0+3", 600),
      kvt(s("2", 600, 600), "0+1", 600),
      kvt(s("2", 600, 600), null, 600),
      kvt(s("2", 599, 600), "0+0+1+2", 600),
    ]);
  });

  it("keeps the live sessions in a session store the driver reads (getSessionStore)", async () => {
    const { builder, stream } = sessions();
    await processData(builder, stream.count({ store: "count-store" }), Serdes.long() as Serde<number>, undefined);
    const store = driver!.getSessionStore<string, number>("count-store");
    const all: Array<[Windowed<string>, number]> = [];
    for await (const { key, value } of store.fetch("2")) all.push([key, value]);
    expect(all).toEqual([[s("2", 599, 600), 2]]);
    expect(await store.fetchSession("1", 600, 600)).toBe(1);
    const found: Windowed<string>[] = [];
    for await (const { key } of store.findSessions("1", 550, 650)) found.push(key);
    expect(found).toEqual([s("1", 600, 600)]);
  });

  it("describes as Kafka Streams does (TopologyTest sessionWindowZeroArgCount) and refuses a retention under gap + grace", () => {
    const builder = new StreamsBuilder();
    builder
      .stream("input-topic", strings)
      .groupByKey()
      .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(1))
      .count();
    expect(builder.build().describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0\n" +
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic])\n" +
        "      --> KSTREAM-AGGREGATE-0000000002\n" +
        "    Processor: KSTREAM-AGGREGATE-0000000002 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000001])\n" +
        "      --> none\n" +
        "      <-- KSTREAM-SOURCE-0000000000\n\n",
    );
    const { stream } = sessions();
    expect(() => stream.count({ store: "s", retention: 499 })).toThrow(
      "The retention period of the session store s must be no smaller than the session inactivity gap plus the grace period. Got gap=[500], grace=[0], retention=[499]",
    );
  });
});
