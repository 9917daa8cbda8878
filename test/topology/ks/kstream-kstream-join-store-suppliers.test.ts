// Ports of Kafka Streams' KStreamKStreamJoinTest cases of window store suppliers given to
// StreamJoined: the join refuses suppliers whose retention or window size do not match the
// JoinWindows (retention size + grace, size before + after), that keep no duplicates, or
// that share a name, with Kafka Streams' messages; it joins through suppliers that fit, on
// either side or both.
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { JoinWindows } from "../../../src/topology/dsl/join-windows.js";
import { StreamJoined } from "../../../src/topology/dsl/stream-joined.js";
import { Stores } from "../../../src/topology/stores.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";
import { CapturingSupplier, kvt } from "./support.js";

const joinWindows = JoinWindows.ofTimeDifferenceAndGrace(50, 50);
const streamJoined = StreamJoined.with(Serdes.string(), Serdes.int32(), Serdes.int32());
const errorMessagePrefix = "Window settings mismatch. WindowBytesStoreSupplier settings";
const ints = { key: Serdes.string(), value: Serdes.int32() };
const supplier = (name: string, retention: number, windowSize: number, retainDuplicates: boolean) =>
  Stores.inMemoryWindowStore(name, retention, windowSize, retainDuplicates);

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

/** buildStreamsJoinThatShouldThrow: the message starts with Kafka Streams'. */
function buildStreamsJoinThatShouldThrow(
  joined: StreamJoined<string, number, number>,
  windows: JoinWindows,
  expectedPrefix: string,
): void {
  const builder = new StreamsBuilder();
  const left = builder.stream("left", ints);
  const right = builder.stream("right", ints);
  let message = "";
  try {
    left.join(right, (a, b) => a + b, windows, joined);
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message.startsWith(expectedPrefix), message).toBe(true);
}

/** runJoin: two records a side, joined through the stores StreamJoined gives. */
async function runJoin(joined: StreamJoined<string, number, number>, windows: JoinWindows): Promise<void> {
  const builder = new StreamsBuilder();
  const left = builder.stream("left", ints);
  const right = builder.stream("right", ints);
  const supplier = new CapturingSupplier<string, number>();
  left.join(right, (a, b) => a + b, windows, joined).process(supplier.supplier);
  driver = new TopologyTestDriver(builder.build(), { startTime: 0 });
  const inputTopicLeft = driver.createInputTopic("left", Serdes.string(), Serdes.int32(), { startTimestamp: 0 });
  const inputTopicRight = driver.createInputTopic("right", Serdes.string(), Serdes.int32(), { startTimestamp: 0 });
  await inputTopicLeft.pipeInput("A", 1, { timestamp: 1 });
  await inputTopicLeft.pipeInput("B", 1, { timestamp: 2 });
  await inputTopicRight.pipeInput("A", 1, { timestamp: 1 });
  await inputTopicRight.pipeInput("B", 2, { timestamp: 2 });
  expect(supplier.processed()).toEqual([kvt("A", 2, 1), kvt("B", 3, 2)]);
  await driver.close();
  driver = undefined;
}

describe("KStreamKStreamJoinTest: store suppliers", () => {
  it("shouldJoinWithCustomStoreSuppliers", async () => {
    const windows = JoinWindows.ofTimeDifferenceWithNoGrace(100);
    const retention = windows.size() + windows.gracePeriodMs();
    const thisStoreSupplier = supplier("in-memory-join-store", retention, windows.size(), true);
    const otherStoreSupplier = supplier("in-memory-join-store-other", retention, windows.size(), true);
    await runJoin(
      streamJoined.withThisStoreSupplier(thisStoreSupplier).withOtherStoreSupplier(otherStoreSupplier),
      windows,
    );
    await runJoin(streamJoined.withThisStoreSupplier(thisStoreSupplier), windows);
    await runJoin(streamJoined.withOtherStoreSupplier(otherStoreSupplier), windows);
  });

  it.each([
    [
      "shouldThrowExceptionThisStoreSupplierRetentionDoNotMatchWindowsSizeAndGrace",
      supplier("in-memory-join-store", 500, 100, true),
      supplier("in-memory-join-store-other", 150, 100, true),
      errorMessagePrefix,
    ],
    [
      "shouldThrowExceptionThisStoreSupplierWindowSizeDoesNotMatchJoinWindowsWindowSize",
      supplier("in-memory-join-store", 150, 150, true),
      supplier("in-memory-join-store-other", 150, 100, true),
      errorMessagePrefix,
    ],
    [
      "shouldThrowExceptionWhenThisJoinStoreSetsRetainDuplicatesFalse",
      supplier("in-memory-join-store", 150, 100, false),
      supplier("in-memory-join-store-other", 150, 100, true),
      "The StoreSupplier must set retainDuplicates=true, found retainDuplicates=false",
    ],
    [
      "shouldThrowExceptionOtherStoreSupplierRetentionDoNotMatchWindowsSizeAndGrace",
      supplier("in-memory-join-store", 150, 100, true),
      supplier("in-memory-join-store-other", 500, 100, true),
      errorMessagePrefix,
    ],
    [
      "shouldThrowExceptionOtherStoreSupplierWindowSizeDoesNotMatchJoinWindowsWindowSize",
      supplier("in-memory-join-store", 150, 100, true),
      supplier("in-memory-join-store-other", 150, 150, true),
      errorMessagePrefix,
    ],
    [
      "shouldThrowExceptionWhenOtherJoinStoreSetsRetainDuplicatesFalse",
      supplier("in-memory-join-store", 150, 100, true),
      supplier("in-memory-join-store-other", 150, 100, false),
      "The StoreSupplier must set retainDuplicates=true, found retainDuplicates=false",
    ],
  ] as const)("%s", (_name, thisSupplier, otherSupplier, prefix) => {
    buildStreamsJoinThatShouldThrow(
      streamJoined.withThisStoreSupplier(thisSupplier).withOtherStoreSupplier(otherSupplier),
      joinWindows,
      prefix,
    );
  });

  it("shouldExceptionWhenJoinStoresDoNotHaveUniqueNames", () => {
    buildStreamsJoinThatShouldThrow(
      StreamJoined.with(Serdes.string(), Serdes.int32(), Serdes.int32())
        .withThisStoreSupplier(supplier("in-memory-join-store", 150, 100, true))
        .withOtherStoreSupplier(supplier("in-memory-join-store", 150, 100, true)),
      JoinWindows.ofTimeDifferenceAndGrace(100, 50),
      "Both StoreSuppliers have the same name.  StoreSuppliers must provide unique names",
    );
  });
});
