// Ports of Kafka Streams' KStreamSessionWindowAggregateProcessorTest cases with
// EmitStrategy.onWindowClose(), through the DSL: each session's final count once, when
// stream time passes its end + gap + grace, by end, then start, then key, stamped with the
// session's end; nothing before.
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import type { Windowed } from "../../../src/serdes/windowed.js";
import { EmitStrategy } from "../../../src/topology/dsl/emit-strategy.js";
import { SessionWindows } from "../../../src/topology/dsl/session-windows.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";
import { kvt, readAll } from "./support.js";

const GAP_MS = 5 * 60 * 1000;
const strings = { key: Serdes.string(), value: Serdes.string() };
let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

const s = (key: string, start: number, end: number): Windowed<string> => ({ key, window: { start, end } });

describe.each([
  ["with the record cache", undefined],
  ["without the record cache", 0],
] as const)("KStreamSessionWindowAggregate on window close (%s)", (_label, cacheMaxBytes) => {
  async function run(windows: SessionWindows, input: [string, number][]) {
    const builder = new StreamsBuilder();
    builder
      .stream("topic", strings)
      .groupByKey(strings)
      .windowedBy(windows)
      .emitStrategy(EmitStrategy.onWindowClose())
      .count({ store: "session-store" })
      .toStream()
      .to("output");
    driver = new TopologyTestDriver(builder.build(), {
      startTime: 0,
      ...(cacheMaxBytes === undefined ? {} : { cacheMaxBytes }),
    });
    const topic = driver.createInputTopic("topic", Serdes.string(), Serdes.string());
    for (const [key, timestamp] of input) await topic.pipeInput(key, "v", { timestamp });
    return readAll(driver.createOutputTopic("output", Serdes.sessionWindowed(Serdes.string()), Serdes.long()));
  }

  it("shouldHaveMultipleSessionsForSameIdWhenTimestampApartBySessionGap", async () => {
    const now = 2 * (GAP_MS + 1);
    const output = await run(SessionWindows.ofInactivityGapWithNoGrace(GAP_MS), [
      ["mel", 0],
      ["mel", GAP_MS + 1],
      ["mel", GAP_MS + 1],
      ["mel", now],
      ["mel", now],
      ["mel", now],
    ]);
    expect(output).toEqual([kvt(s("mel", 0, 0), 1, 0), kvt(s("mel", GAP_MS + 1, GAP_MS + 1), 2, GAP_MS + 1)]);
  });

  it("shouldHandleMultipleSessionsAndMerging", async () => {
    const output = await run(SessionWindows.ofInactivityGapWithNoGrace(GAP_MS), [
      ["a", 0],
      ["b", 0],
      ["c", 0],
      ["d", 0],
      ["d", GAP_MS / 2],
      ["a", GAP_MS + 1],
      ["b", GAP_MS + 1],
      ["a", GAP_MS + 1 + GAP_MS / 2],
      ["c", GAP_MS + 1 + GAP_MS / 2],
    ]);
    expect(output).toEqual([
      kvt(s("a", 0, 0), 1, 0),
      kvt(s("b", 0, 0), 1, 0),
      kvt(s("c", 0, 0), 1, 0),
      kvt(s("d", 0, GAP_MS / 2), 2, GAP_MS / 2),
    ]);
    // The store keeps the open sessions.
    const open: [Windowed<string>, number][] = [];
    for await (const { key, value } of driver!.getSessionStore<string, number>("session-store").fetch("a")) {
      open.push([key, value]);
    }
    expect(open).toEqual([[s("a", GAP_MS + 1, GAP_MS + 1 + GAP_MS / 2), 2]]);
  });

  it("a late record is dropped and counted, and closes nothing (grace 1)", async () => {
    const output = await run(SessionWindows.ofInactivityGapAndGrace(10, 1), [
      ["dummy", 0],
      ["OnTime1", 0],
      ["dummy", 11],
      ["OnTime2", 0],
      ["dummy", 12],
      ["Late1", 0],
    ]);
    expect(driver!.droppedRecords).toBe(1);
    // Close time 1 at stream time 12: the sessions that ended at 0 are final, by key.
    expect(output).toEqual([kvt(s("OnTime1", 0, 0), 1, 0), kvt(s("OnTime2", 0, 0), 1, 0), kvt(s("dummy", 0, 0), 1, 0)]);
  });
});

describe("emitStrategy() arguments", () => {
  it("refuses anything but an EmitStrategy, as Kafka Streams' requireNonNull", () => {
    const windowed = new StreamsBuilder()
      .stream("topic", strings)
      .groupByKey(strings)
      .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(10));
    expect(() => windowed.emitStrategy(null as unknown as EmitStrategy)).toThrow("emitStrategy can't be null");
    expect(EmitStrategy.onWindowClose().type()).toBe("ON_WINDOW_CLOSE");
    expect(EmitStrategy.onWindowUpdate().type()).toBe("ON_WINDOW_UPDATE");
  });
});
