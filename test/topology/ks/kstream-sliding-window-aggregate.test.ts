// Ports of Kafka Streams' KStreamSlidingWindowAggregateTest (emit on update, the reverse
// iterator of its in-memory store): the same inputs, windows, aggregates and timestamps.
// Cases that Kafka Streams compares as a set per window start (gatherOutput) are compared so
// here; the others as Kafka Streams sorts them, by key then window start, in output order.
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import type { Windowed } from "../../../src/serdes/windowed.js";
import { SlidingWindows } from "../../../src/topology/dsl/sliding-windows.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";
import type { TestOutputTopic } from "../../../src/testing/test-output-topic.js";
import { readAll } from "./support.js";

const strings = { key: Serdes.string(), value: Serdes.string() };
let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

interface Case {
  name: string;
  difference: number;
  grace: number;
  reduce: boolean;
  /** The tests that pass Kafka Streams' in-memory store supplier keep windows for 50 s. */
  retention: number | undefined;
  input: [string, string, number][];
  /** gatherOutput: window start -> every (aggregate, timestamp) forwarded for it. */
  byStart?: Record<number, [string, number][]>;
  /** Every record forwarded, sorted by key then window start: [key, start, end, aggregate, timestamp]. */
  sorted?: [string, number, number, string, number][];
}

const CASES: Case[] = [
  {
    name: "testAggregateSmallInput",
    difference: 10,
    grace: 5,
    reduce: false,
    retention: 50000,
    input: [
      ["A", "1", 10],
      ["A", "2", 10],
      ["A", "3", 14],
      ["A", "4", 15],
      ["A", "5", 20],
      ["A", "6", 22],
      ["A", "7", 30],
    ],
    byStart: {
      0: [
        ["0+1", 10],
        ["0+1+2", 10],
      ],
      4: [["0+1+2+3", 14]],
      5: [["0+1+2+3+4", 15]],
      10: [["0+1+2+3+4+5", 20]],
      11: [
        ["0+3", 14],
        ["0+3+4", 15],
        ["0+3+4+5", 20],
      ],
      12: [["0+3+4+5+6", 22]],
      15: [
        ["0+4", 15],
        ["0+4+5", 20],
        ["0+4+5+6", 22],
      ],
      16: [
        ["0+5", 20],
        ["0+5+6", 22],
      ],
      20: [["0+5+6+7", 30]],
      21: [
        ["0+6", 22],
        ["0+6+7", 30],
      ],
      23: [["0+7", 30]],
    },
  },
  {
    name: "testReduceSmallInput",
    difference: 10,
    grace: 5,
    reduce: true,
    retention: 50000,
    input: [
      ["A", "1", 10],
      ["A", "2", 14],
      ["A", "3", 15],
      ["A", "4", 22],
      ["A", "5", 26],
      ["A", "6", 30],
    ],
    byStart: {
      0: [["1", 10]],
      4: [["1+2", 14]],
      5: [["1+2+3", 15]],
      11: [
        ["2", 14],
        ["2+3", 15],
      ],
      12: [["2+3+4", 22]],
      15: [
        ["3", 15],
        ["3+4", 22],
      ],
      16: [
        ["4", 22],
        ["4+5", 26],
      ],
      20: [["4+5+6", 30]],
      23: [
        ["5", 26],
        ["5+6", 30],
      ],
      27: [["6", 30]],
    },
  },
  {
    name: "testAggregateLargeInput",
    difference: 10,
    grace: 50,
    reduce: false,
    retention: 50000,
    input: [
      ["A", "1", 10],
      ["A", "2", 20],
      ["A", "3", 22],
      ["A", "4", 15],
      ["B", "1", 12],
      ["B", "2", 13],
      ["B", "3", 18],
      ["B", "4", 19],
      ["B", "5", 25],
      ["B", "6", 14],
      ["C", "1", 11],
      ["C", "2", 15],
      ["C", "3", 16],
      ["C", "4", 21],
      ["C", "5", 23],
      ["D", "4", 11],
      ["D", "2", 12],
      ["D", "3", 29],
      ["D", "5", 16],
    ],
    sorted: [
      ["A", 0, 10, "0+1", 10],
      ["A", 5, 15, "0+1+4", 15],
      ["A", 10, 20, "0+1+2", 20],
      ["A", 10, 20, "0+1+2+4", 20],
      ["A", 11, 21, "0+2", 20],
      ["A", 11, 21, "0+2+4", 20],
      ["A", 12, 22, "0+2+3", 22],
      ["A", 12, 22, "0+2+3+4", 22],
      ["A", 16, 26, "0+2+3", 22],
      ["A", 21, 31, "0+3", 22],
      ["B", 2, 12, "0+1", 12],
      ["B", 3, 13, "0+1+2", 13],
      ["B", 4, 14, "0+1+2+6", 14],
      ["B", 8, 18, "0+1+2+3", 18],
      ["B", 8, 18, "0+1+2+3+6", 18],
      ["B", 9, 19, "0+1+2+3+4", 19],
      ["B", 9, 19, "0+1+2+3+4+6", 19],
      ["B", 13, 23, "0+2", 13],
      ["B", 13, 23, "0+2+3", 18],
      ["B", 13, 23, "0+2+3+4", 19],
      ["B", 13, 23, "0+2+3+4+6", 19],
      ["B", 14, 24, "0+3", 18],
      ["B", 14, 24, "0+3+4", 19],
      ["B", 14, 24, "0+3+4+6", 19],
      ["B", 15, 25, "0+3+4+5", 25],
      ["B", 19, 29, "0+4", 19],
      ["B", 19, 29, "0+4+5", 25],
      ["B", 20, 30, "0+5", 25],
      ["C", 1, 11, "0+1", 11],
      ["C", 5, 15, "0+1+2", 15],
      ["C", 6, 16, "0+1+2+3", 16],
      ["C", 11, 21, "0+1+2+3+4", 21],
      ["C", 12, 22, "0+2", 15],
      ["C", 12, 22, "0+2+3", 16],
      ["C", 12, 22, "0+2+3+4", 21],
      ["C", 13, 23, "0+2+3+4+5", 23],
      ["C", 16, 26, "0+3", 16],
      ["C", 16, 26, "0+3+4", 21],
      ["C", 16, 26, "0+3+4+5", 23],
      ["C", 17, 27, "0+4", 21],
      ["C", 17, 27, "0+4+5", 23],
      ["C", 22, 32, "0+5", 23],
      ["D", 1, 11, "0+4", 11],
      ["D", 2, 12, "0+4+2", 12],
      ["D", 6, 16, "0+4+2+5", 16],
      ["D", 12, 22, "0+2", 12],
      ["D", 12, 22, "0+2+5", 16],
      ["D", 13, 23, "0+5", 16],
      ["D", 19, 29, "0+3", 29],
    ],
  },
  {
    name: "testEarlyRecordsSmallInput",
    difference: 50,
    grace: 0,
    reduce: false,
    retention: undefined,
    input: [
      ["A", "1", 0],
      ["A", "2", 5],
      ["A", "3", 6],
      ["A", "4", 3],
      ["A", "5", 13],
      ["A", "6", 10],
      ["A", "7", 70],
    ],
    byStart: {
      0: [
        ["0+1", 0],
        ["0+1+2", 5],
        ["0+1+2+3", 6],
        ["0+1+2+3+4", 6],
        ["0+1+2+3+4+5", 13],
        ["0+1+2+3+4+5+6", 13],
      ],
      1: [
        ["0+2", 5],
        ["0+2+3", 6],
        ["0+2+3+4", 6],
        ["0+2+3+4+5", 13],
        ["0+2+3+4+5+6", 13],
      ],
      4: [
        ["0+2+3", 6],
        ["0+2+3+5", 13],
        ["0+2+3+5+6", 13],
      ],
      6: [
        ["0+3", 6],
        ["0+3+5", 13],
        ["0+3+5+6", 13],
      ],
      7: [
        ["0+5", 13],
        ["0+5+6", 13],
      ],
      11: [["0+5", 13]],
      20: [["0+7", 70]],
    },
  },
  {
    name: "testEarlyRecordsRepeatedInput",
    difference: 5,
    grace: 0,
    reduce: false,
    retention: undefined,
    input: [
      ["A", "1", 0],
      ["A", "2", 2],
      ["A", "3", 4],
      ["A", "4", 0],
      ["A", "5", 2],
      ["A", "6", 2],
      ["A", "7", 0],
      ["A", "8", 7],
    ],
    byStart: {
      0: [
        ["0+1", 0],
        ["0+1+2", 2],
        ["0+1+2+3+4+5", 4],
        ["0+1+2+3+4+5+6", 4],
        ["0+1+2+3", 4],
        ["0+1+2+3+4", 4],
        ["0+1+2+3+4+5+6+7", 4],
      ],
      1: [
        ["0+2+3+5+6", 4],
        ["0+2", 2],
        ["0+2+3", 4],
        ["0+2+3+5", 4],
      ],
      2: [["0+2+3+5+6+8", 7]],
      3: [
        ["0+3", 4],
        ["0+3+8", 7],
      ],
      5: [["0+8", 7]],
    },
  },
  {
    name: "testEarlyRecordsLargeInput",
    difference: 10,
    grace: 50,
    reduce: false,
    retention: 50000,
    input: [
      ["E", "1", 0],
      ["E", "3", 5],
      ["E", "4", 6],
      ["E", "2", 3],
      ["E", "6", 13],
      ["E", "5", 10],
      ["E", "7", 4],
      ["E", "8", 2],
      ["E", "9", 15],
    ],
    sorted: [
      ["E", 0, 10, "0+1", 0],
      ["E", 0, 10, "0+1+3", 5],
      ["E", 0, 10, "0+1+3+4", 6],
      ["E", 0, 10, "0+1+3+4+2", 6],
      ["E", 0, 10, "0+1+3+4+2+5", 10],
      ["E", 0, 10, "0+1+3+4+2+5+7", 10],
      ["E", 0, 10, "0+1+3+4+2+5+7+8", 10],
      ["E", 1, 11, "0+3", 5],
      ["E", 1, 11, "0+3+4", 6],
      ["E", 1, 11, "0+3+4+2", 6],
      ["E", 1, 11, "0+3+4+2+5", 10],
      ["E", 1, 11, "0+3+4+2+5+7", 10],
      ["E", 1, 11, "0+3+4+2+5+7+8", 10],
      ["E", 3, 13, "0+3+4+2+6", 13],
      ["E", 3, 13, "0+3+4+2+6+5", 13],
      ["E", 3, 13, "0+3+4+2+6+5+7", 13],
      ["E", 4, 14, "0+3+4", 6],
      ["E", 4, 14, "0+3+4+6", 13],
      ["E", 4, 14, "0+3+4+6+5", 13],
      ["E", 4, 14, "0+3+4+6+5+7", 13],
      ["E", 5, 15, "0+3+4+6+5", 13],
      ["E", 5, 15, "0+3+4+6+5+9", 15],
      ["E", 6, 16, "0+4", 6],
      ["E", 6, 16, "0+4+6", 13],
      ["E", 6, 16, "0+4+6+5", 13],
      ["E", 6, 16, "0+4+6+5+9", 15],
      ["E", 7, 17, "0+6", 13],
      ["E", 7, 17, "0+6+5", 13],
      ["E", 7, 17, "0+6+5+9", 15],
      ["E", 11, 21, "0+6", 13],
      ["E", 11, 21, "0+6+9", 15],
      ["E", 14, 24, "0+9", 15],
    ],
  },
  {
    name: "testEarlyNoGracePeriodSmallInput",
    difference: 50,
    grace: 0,
    reduce: false,
    retention: undefined,
    input: [
      ["A", "1", 0],
      ["A", "2", 5],
      ["A", "3", 6],
      ["A", "4", 3],
      ["A", "5", 13],
      ["A", "6", 10],
      ["A", "6", 70],
    ],
    byStart: {
      0: [
        ["0+1", 0],
        ["0+1+2", 5],
        ["0+1+2+3", 6],
        ["0+1+2+3+4", 6],
        ["0+1+2+3+4+5", 13],
        ["0+1+2+3+4+5+6", 13],
      ],
      1: [
        ["0+2", 5],
        ["0+2+3", 6],
        ["0+2+3+4", 6],
        ["0+2+3+4+5", 13],
        ["0+2+3+4+5+6", 13],
      ],
      4: [
        ["0+2+3", 6],
        ["0+2+3+5", 13],
        ["0+2+3+5+6", 13],
      ],
      6: [
        ["0+3", 6],
        ["0+3+5", 13],
        ["0+3+5+6", 13],
      ],
      7: [
        ["0+5", 13],
        ["0+5+6", 13],
      ],
      11: [["0+5", 13]],
      20: [["0+6", 70]],
    },
  },
  {
    name: "testNoGracePeriodSmallInput",
    difference: 50,
    grace: 0,
    reduce: false,
    retention: undefined,
    input: [
      ["A", "1", 100],
      ["A", "2", 105],
      ["A", "3", 106],
      ["A", "4", 103],
      ["A", "5", 113],
      ["A", "6", 110],
    ],
    byStart: {
      50: [["0+1", 100]],
      55: [["0+1+2", 105]],
      56: [
        ["0+1+2+3", 106],
        ["0+1+2+3+4", 106],
      ],
      63: [
        ["0+1+2+3+4+5", 113],
        ["0+1+2+3+4+5+6", 113],
      ],
      101: [
        ["0+2", 105],
        ["0+2+3", 106],
        ["0+2+3+4", 106],
        ["0+2+3+4+5", 113],
        ["0+2+3+4+5+6", 113],
      ],
      104: [
        ["0+2+3", 106],
        ["0+2+3+5", 113],
        ["0+2+3+5+6", 113],
      ],
      106: [
        ["0+3", 106],
        ["0+3+5", 113],
        ["0+3+5+6", 113],
      ],
      107: [
        ["0+5", 113],
        ["0+5+6", 113],
      ],
      111: [["0+5", 113]],
    },
  },
  {
    name: "testEarlyNoGracePeriodLargeInput",
    difference: 10,
    grace: 0,
    reduce: false,
    retention: 50000,
    input: [
      ["E", "1", 0],
      ["E", "3", 5],
      ["E", "4", 6],
      ["E", "2", 3],
      ["E", "6", 13],
      ["E", "5", 10],
      ["E", "7", 4],
      ["E", "8", 2],
      ["E", "9", 15],
    ],
    sorted: [
      ["E", 0, 10, "0+1", 0],
      ["E", 0, 10, "0+1+3", 5],
      ["E", 0, 10, "0+1+3+4", 6],
      ["E", 0, 10, "0+1+3+4+2", 6],
      ["E", 1, 11, "0+3", 5],
      ["E", 1, 11, "0+3+4", 6],
      ["E", 1, 11, "0+3+4+2", 6],
      ["E", 3, 13, "0+3+4+2+6", 13],
      ["E", 3, 13, "0+3+4+2+6+5", 13],
      ["E", 3, 13, "0+3+4+2+6+5+7", 13],
      ["E", 4, 14, "0+3+4", 6],
      ["E", 4, 14, "0+3+4+6", 13],
      ["E", 4, 14, "0+3+4+6+5", 13],
      ["E", 4, 14, "0+3+4+6+5+7", 13],
      ["E", 5, 15, "0+3+4+6+5", 13],
      ["E", 5, 15, "0+3+4+6+5+9", 15],
      ["E", 6, 16, "0+4", 6],
      ["E", 6, 16, "0+4+6", 13],
      ["E", 6, 16, "0+4+6+5", 13],
      ["E", 6, 16, "0+4+6+5+9", 15],
      ["E", 7, 17, "0+6", 13],
      ["E", 7, 17, "0+6+5", 13],
      ["E", 7, 17, "0+6+5+9", 15],
      ["E", 11, 21, "0+6", 13],
      ["E", 11, 21, "0+6+9", 15],
      ["E", 14, 24, "0+9", 15],
    ],
  },
  {
    name: "testNoGracePeriodLargeInput",
    difference: 10,
    grace: 0,
    reduce: false,
    retention: 50000,
    input: [
      ["E", "1", 100],
      ["E", "3", 105],
      ["E", "4", 106],
      ["E", "2", 103],
      ["E", "6", 113],
      ["E", "5", 110],
      ["E", "7", 104],
      ["E", "8", 102],
      ["E", "9", 115],
    ],
    sorted: [
      ["E", 90, 100, "0+1", 100],
      ["E", 95, 105, "0+1+3", 105],
      ["E", 96, 106, "0+1+3+4", 106],
      ["E", 96, 106, "0+1+3+4+2", 106],
      ["E", 101, 111, "0+3", 105],
      ["E", 101, 111, "0+3+4", 106],
      ["E", 101, 111, "0+3+4+2", 106],
      ["E", 103, 113, "0+3+4+2+6", 113],
      ["E", 103, 113, "0+3+4+2+6+5", 113],
      ["E", 103, 113, "0+3+4+2+6+5+7", 113],
      ["E", 104, 114, "0+3+4", 106],
      ["E", 104, 114, "0+3+4+6", 113],
      ["E", 104, 114, "0+3+4+6+5", 113],
      ["E", 104, 114, "0+3+4+6+5+7", 113],
      ["E", 105, 115, "0+3+4+6+5", 113],
      ["E", 105, 115, "0+3+4+6+5+9", 115],
      ["E", 106, 116, "0+4", 106],
      ["E", 106, 116, "0+4+6", 113],
      ["E", 106, 116, "0+4+6+5", 113],
      ["E", 106, 116, "0+4+6+5+9", 115],
      ["E", 107, 117, "0+6", 113],
      ["E", 107, 117, "0+6+5", 113],
      ["E", 107, 117, "0+6+5+9", 115],
      ["E", 111, 121, "0+6", 113],
      ["E", 111, 121, "0+6+9", 115],
      ["E", 114, 124, "0+9", 115],
    ],
  },
];

async function run(
  windows: SlidingWindows,
  input: [string | null, string, number][],
  options: { reduce?: boolean; retention?: number | undefined; cacheMaxBytes?: number } = {},
): Promise<TestOutputTopic<Windowed<string>, string>> {
  const builder = new StreamsBuilder();
  const windowed = builder.stream("topic", strings).groupByKey(strings).windowedBy(windows);
  const materialized = {
    store: "topic-Canonized",
    value: Serdes.string(),
    ...(options.retention === undefined ? {} : { retention: options.retention }),
  };
  const table = options.reduce
    ? windowed.reduce((aggregate, value) => `${aggregate}+${value}`, materialized)
    : windowed.aggregate(
        () => "0",
        (_key, value, aggregate) => `${aggregate}+${value}`,
        materialized,
      );
  table.toStream().to("output");
  driver = new TopologyTestDriver(builder.build(), {
    startTime: 0,
    ...(options.cacheMaxBytes === undefined ? {} : { cacheMaxBytes: options.cacheMaxBytes }),
  });
  const topic = driver.createInputTopic("topic", Serdes.string(), Serdes.string());
  for (const [key, value, timestamp] of input) await topic.pipeInput(key, value, { timestamp });
  return driver.createOutputTopic(
    "output",
    Serdes.timeWindowed(Serdes.string(), windows.timeDifferenceMs()),
    Serdes.string(),
  );
}

function gatherOutput(output: TestOutputTopic<Windowed<string>, string>): Record<number, [string, number][]> {
  const byStart: Record<number, [string, number][]> = {};
  for (const { key, value, timestamp } of readAll(output)) {
    const values = (byStart[key!.window.start] ??= []);
    if (!values.some(([v, t]) => v === value && t === timestamp)) values.push([value!, timestamp]);
  }
  return byStart;
}

const asSet = (byStart: Record<number, [string, number][]>) =>
  Object.fromEntries(Object.entries(byStart).map(([start, values]) => [start, [...values].sort()]));

describe.each([
  ["with the record cache", undefined],
  ["without the record cache", 0],
] as const)("KStreamSlidingWindowAggregate (KStreamSlidingWindowAggregateTest, %s)", (_label, cacheMaxBytes) => {
  for (const c of CASES) {
    it(`${c.name}: difference ${c.difference}, grace ${c.grace}`, async () => {
      const windows = SlidingWindows.ofTimeDifferenceAndGrace(c.difference, c.grace);
      const output = await run(windows, c.input, { reduce: c.reduce, retention: c.retention, cacheMaxBytes });
      if (c.byStart !== undefined) {
        expect(asSet(gatherOutput(output))).toEqual(asSet(c.byStart));
      } else {
        const records = output.readRecordsToList().map(({ key, value, timestamp }) => ({
          key: key!.key,
          start: key!.window.start,
          end: key!.window.end,
          value,
          timestamp,
        }));
        // Java's List.sort is stable: records of one window stay in the order they were forwarded.
        records.sort((a, b) => (a.key === b.key ? a.start - b.start : a.key < b.key ? -1 : 1));
        expect(records).toEqual(
          c.sorted!.map(([key, start, end, value, timestamp]) => ({ key, start, end, value, timestamp })),
        );
      }
    });
  }
});
