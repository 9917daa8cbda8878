// Port of Kafka Streams' GlobalKTableJoinsTest: a stream joined with a global table by a
// key computed from the value; the last value and timestamp per key downstream.
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";
import { CapturingSupplier, toStringJoiner } from "./support.js";

const consumed = { key: Serdes.string(), value: Serdes.string() };
const keyValueMapper = (_key: string, value: string): string => value;

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

function setUp() {
  const builder = new StreamsBuilder();
  const global = builder.globalTable("global", consumed);
  const stream = builder.stream("stream", consumed);
  return { builder, global, stream };
}

/** MockApiProcessor.lastValueAndTimestampPerKey() */
function lastValueAndTimestampPerKey(supplier: CapturingSupplier<string, string>) {
  const last: Record<string, { value: string | null; timestamp: number }> = {};
  for (const { key, value, timestamp } of supplier.processed()) last[key!] = { value, timestamp };
  return last;
}

async function verifyJoin(
  builder: StreamsBuilder,
  supplier: CapturingSupplier<string, string>,
  expected: Record<string, { value: string; timestamp: number }>,
) {
  driver = new TopologyTestDriver(builder.build());
  const globalInput = driver.createInputTopic("global", Serdes.string(), Serdes.string());
  await globalInput.pipeInput("a", "A", { timestamp: 1 });
  await globalInput.pipeInput("b", "B", { timestamp: 5 });
  const streamInput = driver.createInputTopic("stream", Serdes.string(), Serdes.string());
  await streamInput.pipeInput("1", "a", { timestamp: 2 });
  await streamInput.pipeInput("2", "b", { timestamp: 10 });
  await streamInput.pipeInput("3", "c", { timestamp: 3 });
  await driver.close();
  expect(lastValueAndTimestampPerKey(supplier)).toEqual(expected);
}

describe("GlobalKTableJoinsTest", () => {
  it("shouldLeftJoinWithStream", async () => {
    const { builder, global, stream } = setUp();
    const supplier = new CapturingSupplier<string, string>();
    stream.leftJoin(global, keyValueMapper, toStringJoiner).process(supplier.supplier);
    await verifyJoin(builder, supplier, {
      "1": { value: "a+A", timestamp: 2 },
      "2": { value: "b+B", timestamp: 10 },
      "3": { value: "c+null", timestamp: 3 },
    });
  });

  it("shouldInnerJoinWithStream", async () => {
    const { builder, global, stream } = setUp();
    const supplier = new CapturingSupplier<string, string>();
    stream.join(global, keyValueMapper, toStringJoiner).process(supplier.supplier);
    await verifyJoin(builder, supplier, {
      "1": { value: "a+A", timestamp: 2 },
      "2": { value: "b+B", timestamp: 10 },
    });
  });
});
