// Ports of Kafka Streams' KStreamSlidingWindowAggregateTest cases with
// EmitStrategy.onWindowClose() (KIP-825): each window's final aggregate once, when stream
// time passes its end + grace, stamped with the window's time; windows closed together come
// oldest first, then by key (Kafka Streams' time-ordered store).
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import type { Windowed } from "../../../src/serdes/windowed.js";
import { EmitStrategy } from "../../../src/topology/dsl/emit-strategy.js";
import { SlidingWindows } from "../../../src/topology/dsl/sliding-windows.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";
import { kvt, readAll } from "./support.js";

const strings = { key: Serdes.string(), value: Serdes.string() };
const windowed = Serdes.timeWindowed(Serdes.string(), 10);
let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

const w = (key: string, start: number, end: number): Windowed<string> => ({ key, window: { start, end } });
const adder = (_key: string, value: string, aggregate: string): string => `${aggregate}+${value}`;

describe.each([
  ["with the record cache", undefined],
  ["without the record cache", 0],
] as const)(
  "KStreamSlidingWindowAggregate on window close (KStreamSlidingWindowAggregateTest, %s)",
  (_label, cacheMaxBytes) => {
    const options = { startTime: 0, ...(cacheMaxBytes === undefined ? {} : { cacheMaxBytes }) };

    async function run(reduce: boolean, input: [string, number][]) {
      const builder = new StreamsBuilder();
      const stream = builder
        .stream("topic", strings)
        .groupByKey(strings)
        .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(10, 5))
        .emitStrategy(EmitStrategy.onWindowClose());
      const table = reduce
        ? stream.reduce((a, b) => `${a}+${b}`, { store: "store-name" })
        : stream.aggregate(() => "0", adder, { store: "store-name", value: Serdes.string() });
      table.toStream().to("output");
      driver = new TopologyTestDriver(builder.build(), options);
      const topic = driver.createInputTopic("topic", Serdes.string(), Serdes.string());
      for (const [value, timestamp] of input) await topic.pipeInput("A", value, { timestamp });
      return readAll(driver.createOutputTopic("output", windowed, Serdes.string()));
    }

    it("testAggregateSmallInput", async () => {
      const output = await run(false, [
        ["1", 10],
        ["2", 10],
        ["3", 14],
        ["4", 15],
        ["5", 20],
        ["6", 22],
        ["7", 30],
      ]);
      expect(output).toEqual([
        kvt(w("A", 0, 10), "0+1+2", 10),
        kvt(w("A", 4, 14), "0+1+2+3", 14),
        kvt(w("A", 5, 15), "0+1+2+3+4", 15),
        kvt(w("A", 10, 20), "0+1+2+3+4+5", 20),
        kvt(w("A", 11, 21), "0+3+4+5", 20),
        kvt(w("A", 12, 22), "0+3+4+5+6", 22),
      ]);
    });

    it("testReduceSmallInput", async () => {
      const output = await run(true, [
        ["1", 10],
        ["2", 14],
        ["3", 15],
        ["4", 22],
        ["5", 26],
        ["6", 30],
      ]);
      expect(output).toEqual([
        kvt(w("A", 0, 10), "1", 10),
        kvt(w("A", 4, 14), "1+2", 14),
        kvt(w("A", 5, 15), "1+2+3", 15),
        kvt(w("A", 11, 21), "2+3", 15),
        kvt(w("A", 12, 22), "2+3+4", 22),
      ]);
    });

    it("testJoin: two sliding tables with no grace, joined as their windows close", async () => {
      const builder = new StreamsBuilder();
      const table = (topic: string, store: string) =>
        builder
          .stream(topic, strings)
          .groupByKey(strings)
          .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(10, 0))
          .emitStrategy(EmitStrategy.onWindowClose())
          .aggregate(() => "0", adder, { store, value: Serdes.string() });
      const table1 = table("topic1", "store-name1");
      table1.toStream().to("out1");
      const table2 = table("topic2", "store-name2");
      table2.toStream().to("out2");
      table1
        .join(table2, (p1, p2) => `${p1}%${p2}`)
        .toStream()
        .to("out3", { value: Serdes.string() });
      driver = new TopologyTestDriver(builder.build(), options);
      const input1 = driver.createInputTopic("topic1", Serdes.string(), Serdes.string());
      const input2 = driver.createInputTopic("topic2", Serdes.string(), Serdes.string());
      const out = (topic: string) => readAll(driver!.createOutputTopic(topic, windowed, Serdes.string()));
      const pipe = async (input: typeof input1, records: [string, string, number][]) => {
        for (const [key, value, timestamp] of records) await input.pipeInput(key, value, { timestamp });
      };

      await pipe(input1, [
        ["A", "1", 10],
        ["B", "2", 11],
        ["C", "3", 12],
      ]);
      // Left windows created by the first set of records to table 1.
      expect(out("out1")).toEqual([kvt(w("A", 0, 10), "0+1", 10), kvt(w("B", 1, 11), "0+2", 11)]);
      expect(out("out2")).toEqual([]);
      expect(out("out3")).toEqual([]);

      await pipe(input1, [
        ["A", "1", 15],
        ["B", "2", 16],
        ["C", "3", 19],
      ]);
      expect(out("out1")).toEqual([
        kvt(w("C", 2, 12), "0+3", 12),
        kvt(w("A", 5, 15), "0+1+1", 15),
        kvt(w("B", 6, 16), "0+2+2", 16),
      ]);
      expect(out("out2")).toEqual([]);
      expect(out("out3")).toEqual([]);

      await pipe(input2, [
        ["A", "a", 10],
        ["C", "c", 12],
      ]);
      expect(out("out1")).toEqual([]);
      expect(out("out2")).toEqual([kvt(w("A", 0, 10), "0+a", 10)]);
      expect(out("out3")).toEqual([kvt(w("A", 0, 10), "0+1%0+a", 10)]);

      await pipe(input2, [
        ["A", "a", 15],
        ["B", "b", 16],
        ["C", "c", 17],
      ]);
      expect(out("out1")).toEqual([]);
      expect(out("out2")).toEqual([
        kvt(w("C", 2, 12), "0+c", 12),
        kvt(w("A", 5, 15), "0+a+a", 15),
        kvt(w("B", 6, 16), "0+b", 16),
      ]);
      expect(out("out3")).toEqual([
        kvt(w("C", 2, 12), "0+3%0+c", 12),
        kvt(w("A", 5, 15), "0+1+1%0+a+a", 15),
        kvt(w("B", 6, 16), "0+2+2%0+b", 16),
      ]);
    });
  },
);
