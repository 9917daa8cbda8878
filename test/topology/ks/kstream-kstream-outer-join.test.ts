// Ports of Kafka Streams' KStreamKStreamOuterJoinTest: the same inputs, the same results and
// timestamps, through the TopologyTestDriver. A record of either side without a partner is
// emitted joined with null only once its window has closed.
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { JoinWindows } from "../../../src/topology/dsl/join-windows.js";
import { kvt } from "./support.js";
import { joinHarness } from "./stream-join-support.js";
import type { JoinHarness } from "./stream-join-support.js";

let harness: JoinHarness | undefined;
afterEach(async () => {
  await harness?.driver.close();
  harness = undefined;
});

describe("KStreamKStreamOuterJoin (KStreamKStreamOuterJoinTest)", () => {
  it("testOuterJoinDuplicates", async () => {
    const h = (harness = await joinHarness("outerJoin", JoinWindows.ofTimeDifferenceAndGrace(100, 10), "long"));
    const { in1, in2, check } = h;

    // verifies non-joined duplicates are emitted when window has closed
    await in1(0, "A0", 0);
    await in1(0, "A0-0", 0);
    await in2(1, 11, 0);
    await in2(1, 12, 0);
    await in2(1, 10, 111);
    // bump stream-time to trigger outer-join results
    await in2(3, 100, 211);

    check(kvt(1, "null+11", 0), kvt(1, "null+12", 0), kvt(0, "A0+null", 0), kvt(0, "A0-0+null", 0));

    // verifies joined duplicates are emitted
    await in1(2, "A2", 200);
    await in1(2, "A2-0", 200);
    await in2(2, 13, 201);
    await in2(2, 14, 201);

    check(kvt(2, "A2+13", 201), kvt(2, "A2-0+13", 201), kvt(2, "A2+14", 201), kvt(2, "A2-0+14", 201));

    // this record should expired non-joined records; only null+10 will be emitted because
    // it did not have a join
    await in2(3, 100, 1500);

    check(kvt(1, "null+10", 111), kvt(3, "null+100", 211));
  });

  it("testLeftExpiredNonJoinedRecordsAreEmittedByTheLeftProcessor", async () => {
    const h = (harness = await joinHarness("outerJoin", JoinWindows.ofTimeDifferenceWithNoGrace(100), "long"));
    const { in1, in2, check } = h;

    const windowStart = 0;

    // No joins detected; No null-joins emitted
    await in1(0, "A0", windowStart + 1);
    await in1(1, "A1", windowStart + 2);
    await in1(0, "A0-0", windowStart + 3);
    check();

    // Join detected; No null-joins emitted
    await in2(1, 11, windowStart + 3);
    check(kvt(1, "A1+11", windowStart + 3));

    // Dummy record in left topic will emit expired non-joined records from the left topic
    await in1(2, "dummy", windowStart + 401);
    check(kvt(0, "A0+null", windowStart + 1), kvt(0, "A0-0+null", windowStart + 3));

    // Flush internal non-joined state store by joining the dummy record
    await in2(2, 100, windowStart + 401);
    check(kvt(2, "dummy+100", windowStart + 401));
  });

  it("testLeftExpiredNonJoinedRecordsAreEmittedByTheRightProcessor", async () => {
    const h = (harness = await joinHarness("outerJoin", JoinWindows.ofTimeDifferenceAndGrace(100, 0), "long"));
    const { in1, in2, check } = h;

    const windowStart = 0;

    // No joins detected; No null-joins emitted
    await in1(0, "A0", windowStart + 1);
    await in1(1, "A1", windowStart + 2);
    await in1(0, "A0-0", windowStart + 3);
    check();

    // Join detected; No null-joins emitted
    await in2(1, 11, windowStart + 3);
    check(kvt(1, "A1+11", windowStart + 3));

    // Dummy record in right topic will emit expired non-joined records from the left topic
    await in2(2, 100, windowStart + 401);
    check(kvt(0, "A0+null", windowStart + 1), kvt(0, "A0-0+null", windowStart + 3));

    // Flush internal non-joined state store by joining the dummy record
    await in1(2, "dummy", windowStart + 402);
    check(kvt(2, "dummy+100", windowStart + 402));
  });

  it("testRightExpiredNonJoinedRecordsAreEmittedByTheLeftProcessor", async () => {
    const h = (harness = await joinHarness("outerJoin", JoinWindows.ofTimeDifferenceWithNoGrace(100), "long"));
    const { in1, in2, check } = h;

    const windowStart = 0;

    // No joins detected; No null-joins emitted
    await in2(0, 10, windowStart + 1);
    await in2(1, 11, windowStart + 2);
    await in2(0, 12, windowStart + 3);
    check();

    // Join detected; No null-joins emitted
    await in1(1, "A1", windowStart + 3);
    check(kvt(1, "A1+11", windowStart + 3));

    // Dummy record in left topic will emit expired non-joined records from the right topic
    await in1(2, "dummy", windowStart + 401);
    check(kvt(0, "null+10", windowStart + 1), kvt(0, "null+12", windowStart + 3));

    // Process the dummy joined record
    await in2(2, 100, windowStart + 402);
    check(kvt(2, "dummy+100", windowStart + 402));
  });

  it("testRightExpiredNonJoinedRecordsAreEmittedByTheRightProcessor", async () => {
    const h = (harness = await joinHarness("outerJoin", JoinWindows.ofTimeDifferenceAndGrace(100, 0), "long"));
    const { in1, in2, check } = h;

    const windowStart = 0;

    // No joins detected; No null-joins emitted
    await in2(0, 10, windowStart + 1);
    await in2(1, 11, windowStart + 2);
    await in2(0, 12, windowStart + 3);
    check();

    // Join detected; No null-joins emitted
    await in1(1, "A1", windowStart + 3);
    check(kvt(1, "A1+11", windowStart + 3));

    // Dummy record in right topic will emit expired non-joined records from the right topic
    await in2(2, 100, windowStart + 401);
    check(kvt(0, "null+10", windowStart + 1), kvt(0, "null+12", windowStart + 3));

    // Process the dummy joined record
    await in1(2, "dummy", windowStart + 402);
    check(kvt(2, "dummy+100", windowStart + 402));
  });

  it("testOrdering", async () => {
    const h = (harness = await joinHarness("outerJoin", JoinWindows.ofTimeDifferenceWithNoGrace(100), "long"));
    const { in1, in2, check } = h;

    // push two items to the primary stream; the other window is empty; this should not produce any item yet
    // w1 = {}
    // w2 = {}
    // --> w1 = { 0:A0 (ts: 0), 1:A1 (ts: 100) }
    // --> w2 = {}
    await in1(0, "A0", 0);
    await in1(1, "A1", 100);
    check();

    // push one item to the other window that has a join;
    // this should produce the not-joined record first;
    // then the joined record
    // w1 = { 0:A0 (ts: 0), 1:A1 (ts: 100) }
    // w2 = { }
    // --> w1 = { 0:A0 (ts: 0), 1:A1 (ts: 100) }
    // --> w2 = { 1:11 (ts: 110) }
    await in2(1, 11, 110);
    check(kvt(0, "A0+null", 0), kvt(1, "A1+11", 110));
  });

  it("testGracePeriod", async () => {
    const h = (harness = await joinHarness("outerJoin", JoinWindows.ofTimeDifferenceAndGrace(100, 10), "long"));
    const { in1, in2, check } = h;

    // push one item to the primary stream; and one item in other stream; this should not produce items because there are no joins
    // and window has not ended
    // w1 = {}
    // w2 = {}
    // --> w1 = { 0:A0 (ts: 0) }
    // --> w2 = { 1:11 (ts: 0) }
    await in1(0, "A0", 0);
    await in2(1, 11, 0);
    check();

    // push one item on each stream with a window time after the previous window ended (not closed); this should not produce
    // joined records because the window has ended, but will not produce non-joined records because the window has not closed.
    // w1 = { 0:A0 (ts: 0) }
    // w2 = { 1:11 (ts: 0) }
    // --> w1 = { 0:A0 (ts: 0), 1:A1 (ts: 101) }
    // --> w2 = { 1:11 (ts: 0), 0:10 (ts: 101) }
    await in1(1, "A1", 101);
    await in2(0, 10, 101);
    check();

    // push a 100 item to the any stream after the window is closed; this should produced all expired non-joined records because
    // the window has closed
    // w1 = { 0:A0 (ts: 0), 1:A1 (ts: 0) }
    // w2 = { 0:10 (ts: 101), 1:11 (ts: 101) }
    // --> w1 = { 0:A0 (ts: 0), 1:A1 (ts: 0) }
    // --> w2 = { 0:10 (ts: 101), 1:11 (ts: 101), 0:100 (ts: 112) }
    await in2(0, 100, 112);
    check(kvt(1, "null+11", 0), kvt(0, "A0+null", 0));
  });

  it("testEmitAllNonJoinedResultsForAsymmetricWindow", async () => {
    const h = (harness = await joinHarness("outerJoin", JoinWindows.ofTimeDifferenceWithNoGrace(5).after(20), "long"));
    const { in1, in2, check } = h;

    // push one item to the primary stream; this should not produce any items because there are no matching keys
    // and window has not ended
    // w1 = {}
    // w2 = {}
    // --> w1 = { 0:A0 (ts: 29) }
    // --> w2 = {}
    await in1(0, "A0", 29);
    check();

    // push another item to the primary stream; this should not produce any items because there are no matching keys
    // and window has not ended
    // w1 = { 0:A0 (ts: 29) }
    // w2 = {}
    // --> w1 = { 0:A0 (ts: 29), 1:A1 (ts: 30) }
    // --> w2 = {}
    await in1(1, "A1", 30);
    check();

    // push one item to the other stream; this should not produce any items because there are no matching keys
    // and window has not ended
    // w1 = { 0:A0 (ts: 0), 1:A1 (ts: 30) }
    // w2 = {}
    // --> w1 = { 0:A0 (ts: 29), 1:A1 (ts: 30) }
    // --> w2 = { 2:12 (ts: 31) }
    await in2(2, 12, 31);
    check();

    // push another item to the other stream; this should produce no inner joined-items because there are no matching keys
    // and window has not ended
    // w1 = { 0:A0 (ts: 0), 1:A1 (ts: 30) }
    // w2 = { 2:12 (ts: 31) }
    // --> w1 = { 0:A0 (ts: 29), 1:A1 (ts: 30) }
    // --> w2 = { 2:12 (ts: 31), 3:13 (ts: 36) }
    await in2(3, 13, 36);
    check();

    // push another item to the other stream; this should produce no inner joined-items because there are no matching keys
    // and should produce a right-join-item because before window has ended
    // w1 = { 0:A0 (ts: 0), 1:A1 (ts: 30) }
    // w2 = { 2:12 (ts: 31), 3:13 (ts: 36) }
    // --> w1 = { 0:A0 (ts: 29), 1:A1 (ts: 30) }
    // --> w2 = { 2:12 (ts: 31), 3:13 (ts: 36), 4:14 (ts: 37) }
    await in2(4, 14, 37);
    check(kvt(2, "null+12", 31));

    // push another item to the other stream; this should produce no inner joined-items because there are no matching keys
    // and should produce a left-join-item because after window has ended
    // and should produce two right-join-items because before window has ended
    // w1 = { 0:A0 (ts: 29), 1:A1 (ts: 30) }
    // w2 = { 2:10 (ts: 31), 3:13 (ts: 36), 4:14 (ts: 37) }
    // --> w1 = { 0:A0 (ts: 29), 1:A1 (ts: 30) }
    // --> w2 = { 2:12 (ts: 31), 3:13 (ts: 36), 4:14 (ts: 37), 5:15 (ts: 50) }
    await in2(5, 15, 50);
    check(kvt(0, "A0+null", 29), kvt(3, "null+13", 36), kvt(4, "null+14", 37));
  });

  it("testWindowing", async () => {
    const h = (harness = await joinHarness("outerJoin", JoinWindows.ofTimeDifferenceWithNoGrace(100), "long"));
    const { in1, in2, check } = h;
    const expectedKeys = [0, 1, 2, 3] as const;

    const time = 0;

    // push two items to the primary stream; the other window is empty; this should not produce items because window has not closed
    // w1 = {}
    // w2 = {}
    // --> w1 = { 0:A0 (ts: 0), 1:A1 (ts: 0) }
    // --> w2 = {}
    for (let i = 0; i < 2; i++) {
      await in1(expectedKeys[i], "A" + expectedKeys[i], time);
    }
    check();

    // push four items to the other stream; this should produce two full-join items
    // w1 = { 0:A0 (ts: 0), 1:A1 (ts: 0) }
    // w2 = {}
    // --> w1 = { 0:A0 (ts: 0), 1:A1 (ts: 0) }
    // --> w2 = { 0:10 (ts: 0), 1:11 (ts: 0), 2:12 (ts: 0), 3:13 (ts: 0) }
    for (const expectedKey of expectedKeys) {
      await in2(expectedKey, expectedKey + 10, time);
    }
    check(kvt(0, "A0+10", 0), kvt(1, "A1+11", 0));

    await testUpperWindowBound(expectedKeys, h);
    await testLowerWindowBound(expectedKeys, h);
  });

  it("testShouldNotEmitLeftJoinResultForAsymmetricBeforeWindow", async () => {
    const h = (harness = await joinHarness(
      "outerJoin",
      JoinWindows.ofTimeDifferenceWithNoGrace(100).before(0),
      "long",
    ));
    const { in1, in2, check } = h;
    const expectedKeys = [0, 1, 2, 3] as const;

    let time = 0;

    // push two items to the primary stream; the other window is empty; this should not produce any items
    // w1 = {}
    // w2 = {}
    // --> w1 = { 0:A0 (ts: 0), 1:A1 (ts: 1) }
    // --> w2 = {}
    for (let i = 0; i < 2; i++) {
      await in1(expectedKeys[i], "A" + expectedKeys[i], time + i);
    }
    check();

    // push one item to the other stream; this should produce one full-join item
    // w1 = { 0:A0 (ts: 0), 1:A1 (ts: 1) }
    // w2 = {}
    // --> w1 = { 0:A0 (ts: 0), 1:A1 (ts: 1) }
    // --> w2 = { 0:10 (ts: 100) }
    time += 100;
    await in2(expectedKeys[0], expectedKeys[0] + 10, time);

    check(kvt(0, "A0+10", 100));

    // push one item to the other stream; this should produce one left-join item
    // w1 = { 0:A0 (ts: 0), 1:A1 (ts: 1) }
    // w2 = { 0:10 (ts: 100) }
    // --> w1 = { 0:A0 (ts: 0), 1:A1 (ts: 1) }
    // --> w2 = { 0:10 (ts: 100), 1:11 (ts: 102) }
    time += 2;
    await in2(expectedKeys[1], expectedKeys[1] + 10, time);

    check(kvt(1, "A1+null", 1));

    // push one item to the other stream; this should produce one right-join item
    // w1 = { 0:A0 (ts: 0), 1:A1 (ts: 1) }
    // w2 = { 0:10 (ts: 100), 1:11 (ts: 102) }
    // --> w1 = { 0:A0 (ts: 0), 1:A1 (ts: 1) }
    // --> w2 = { 0:10 (ts: 100), 1:11 (ts: 102), 2:12 (ts: 103) }
    time += 1;
    await in2(expectedKeys[2], expectedKeys[2] + 10, time);

    check(kvt(1, "null+11", 102));

    // push one item to the first stream; this should not produce one full-join item
    // w1 = { 0:A0 (ts: 0), 1:A1 (ts: 1) }
    // w2 = { 0:10 (ts: 100), 1:11 (ts: 102), 2:12 (ts: 103) }
    // --> w1 = { 0:A0 (ts: 0), 1:A1 (ts: 1), 2:A2 (ts: 103) }
    // --> w2 = { 0:10 (ts: 100), 1:11 (ts: 102), 2:12 (ts: 103)  }
    await in1(expectedKeys[2], "A" + expectedKeys[2], time);

    check(kvt(2, "A2+12", 103));
  });

  it("testShouldNotEmitLeftJoinResultForAsymmetricAfterWindow", async () => {
    const h = (harness = await joinHarness("outerJoin", JoinWindows.ofTimeDifferenceWithNoGrace(100).after(0), "long"));
    const { in1, in2, check } = h;
    const expectedKeys = [0, 1, 2, 3] as const;

    let time = 0;

    // push two items to the primary stream; the other window is empty;
    // this should produce one left-joined item
    // w1 = {}
    // w2 = {}
    // --> w1 = { 0:A0 (ts: 0), 1:A1 (ts: 1) }
    // --> w2 = {}
    for (let i = 0; i < 2; i++) {
      await in1(expectedKeys[i], "A" + expectedKeys[i], time + i);
    }
    check(kvt(0, "A0+null", 0));

    // push one item to the other stream; this should produce one full-join item
    // w1 = { 0:A0 (ts: 0), 1:A1 (ts: 1) }
    // w2 = {}
    // --> w1 = { 0:A0 (ts: 0), 1:A1 (ts: 1) }
    // --> w2 = { 1:11 (ts: 1) }
    time += 1;
    await in2(expectedKeys[1], expectedKeys[1] + 10, time);

    check(kvt(1, "A1+11", 1));

    // push one item to the other stream;
    // this should not produce any item
    // w1 = { 0:A0 (ts: 0), 1:A1 (ts: 1) }
    // w2 = { 1:11 (ts: 1) }
    // --> w1 = { 0:A0 (ts: 0), 1:A1 (ts: 1) }
    // --> w2 = { 1:11 (ts: 1), 2:12 (ts: 101) }
    time += 100;
    await in2(expectedKeys[2], expectedKeys[2] + 10, time);

    check();

    // push one item to the other stream; this should not produce any item
    // w1 = { 0:A0 (ts: 0), 1:A1 (ts: 1) }
    // w2 = { 1:11 (ts: 1), 2:12 (ts: 101) }
    // --> w1 = { 0:A0 (ts: 0), 1:A1 (ts: 1) }
    // --> w2 = { 1:11 (ts: 1), 2:12 (ts: 101), 3:13 (ts: 101) }
    await in2(expectedKeys[3], expectedKeys[3] + 10, time);

    check();

    // push one item to the first stream;
    // this should produce one inner-join item;
    // w1 = { 0:A0 (ts: 0), 1:A1 (ts: 1) }
    // w2 = { 1:11 (ts: 1), 2:12 (ts: 101), 3:13 (ts: 101) }
    // --> w1 = { 0:A0 (ts: 0), 1:A1 (ts: 1), 2:A2 (ts: 201) }
    // --> w2 = { 1:11 (ts: 1), 2:12 (ts: 101), 3:13 (ts: 101) }
    time += 100;
    await in1(expectedKeys[2], "A" + expectedKeys[2], time);

    check(kvt(2, "A2+12", 201));
  });

  it("testOuterJoinWithDefaultSuppliers", () => runOuterJoin(JoinWindows.ofTimeDifferenceWithNoGrace(100), true));

  it("testOuterJoinWithInMemoryCustomSuppliers (in-memory stores)", () =>
    runOuterJoin(JoinWindows.ofTimeDifferenceWithNoGrace(100), false));

  it("testShouldForwardCurrentHeaders", async () => {
    const h = (harness = await joinHarness("outerJoin", JoinWindows.ofTimeDifferenceAndGrace(100, 10), "long"));
    const input1 = h.driver.createInputTopic("topic1", Serdes.int32(), Serdes.string());
    const input2 = h.driver.createInputTopic("topic2", Serdes.int32(), Serdes.long());
    const output = h.driver.createOutputTopic("output", Serdes.int32(), Serdes.string());
    const header = (byte: number) => [{ key: "h", value: Buffer.from([byte]) }];

    await input1.pipeRecord({ key: 0, value: "A0", headers: header(1), timestamp: 0 });
    await input2.pipeRecord({ key: 1, value: 10, headers: header(2), timestamp: 0 });
    // bump stream-time to trigger outer-join results
    await input2.pipeRecord({ key: 3, value: 100, headers: header(3), timestamp: 211 });

    // Again, header forwarding is undefined, but the current observed behavior is that
    // the headers pass through the forwarding record.
    expect(
      output.readRecordsToList().map(({ key, value, timestamp, headers }) => ({
        key,
        value,
        timestamp,
        headers: headers.toArray(),
      })),
    ).toEqual([
      { key: 1, value: "null+10", timestamp: 0, headers: header(3) },
      { key: 0, value: "A0+null", timestamp: 0, headers: header(3) },
    ]);
  });
});

async function runOuterJoin(joinWindows: JoinWindows, persistent: boolean): Promise<void> {
  const h = (harness = await joinHarness("outerJoin", joinWindows, "long", {
    key: Serdes.int32(),
    value: Serdes.string(),
    otherValue: Serdes.long(),
    persistent,
  }));
  const { in1, in2, check } = h;
  const expectedKeys = [0, 1, 2, 3] as const;

  // 2 window stores + 1 shared window store should be available
  expect(h.driver.topology.stores.size).toBe(3);

  // push two items to the primary stream; the other window is empty; this should not
  // produce any items because window has not expired
  // w1 {}
  // w2 {}
  // --> w1 = { 0:A0, 1:A1 }
  // --> w2 = {}
  for (let i = 0; i < 2; i++) {
    await in1(expectedKeys[i], "A" + expectedKeys[i]);
  }
  check();

  // push two items to the other stream; this should produce two full-joined items
  // w1 = { 0:A0, 1:A1 }
  // w2 {}
  // --> w1 = { 0:A0, 1:A1 }
  // --> w2 = { 0:10, 1:11 }
  for (let i = 0; i < 2; i++) {
    await in2(expectedKeys[i], Number(expectedKeys[i]) + 10);
  }
  check(kvt(0, "A0+10", 0), kvt(1, "A1+11", 0));

  // push three items to the primary stream; this should produce two full-joined items
  // w1 = { 0:A0, 1:A1 }
  // w2 = { 0:10, 1:11 }
  // --> w1 = { 0:A0, 1:A1, 0:B0, 1:B1, 2:B2 }
  // --> w2 = { 0:10, 1:11 }
  for (let i = 0; i < 3; i++) {
    await in1(expectedKeys[i], "B" + expectedKeys[i]);
  }
  check(kvt(0, "B0+10", 0), kvt(1, "B1+11", 0));

  // push all items to the other stream; this should produce five full-joined items
  // w1 = { 0:A0, 1:A1, 0:B0, 1:B1, 2:B2 }
  // w2 = { 0:10, 1:11 }
  // --> w1 = { 0:A0, 1:A1, 0:B0, 1:B1, 2:B2 }
  // --> w2 = { 0:10, 1:11, 0:20, 1:21, 2:22, 3:23 }
  for (const expectedKey of expectedKeys) {
    await in2(expectedKey, expectedKey + 20);
  }
  check(kvt(0, "A0+20", 0), kvt(0, "B0+20", 0), kvt(1, "A1+21", 0), kvt(1, "B1+21", 0), kvt(2, "B2+22", 0));

  // push all four items to the primary stream; this should produce six full-joined items
  // w1 = { 0:A0, 1:A1, 0:B0, 1:B1, 2:B2 }
  // w2 = { 0:10, 1:11, 0:20, 1:21, 2:22, 3:23 }
  // --> w1 = { 0:A0, 1:A1, 0:B0, 1:B1, 2:B2, 0:C0, 1:C1, 2:C2, 3:C3 }
  // --> w2 = { 0:10, 1:11, 0:20, 1:21, 2:22, 3:23 }
  for (const expectedKey of expectedKeys) {
    await in1(expectedKey, "C" + expectedKey);
  }
  check(
    kvt(0, "C0+10", 0),
    kvt(0, "C0+20", 0),
    kvt(1, "C1+11", 0),
    kvt(1, "C1+21", 0),
    kvt(2, "C2+22", 0),
    kvt(3, "C3+23", 0),
  );

  // push a dummy record that should expire non-joined items; it should not produce any items because
  // all of them are joined
  await in1(0, "dummy", 400);
  check();
}

async function testUpperWindowBound(expectedKeys: readonly number[], h: JoinHarness): Promise<void> {
  const { in1, in2, check } = h;
  let time;

  // push four items with larger and increasing timestamp (out of window) to the other stream; this should produced 2 expired non-joined records
  // w1 = { 0:A0 (ts: 0), 1:A1 (ts: 0) }
  // w2 = { 0:10 (ts: 0), 1:11 (ts: 0), 2:12 (ts: 0), 3:13 (ts: 0) }
  // --> w1 = { 0:A0 (ts: 0), 1:A1 (ts: 0) }
  // --> w2 = { 0:10 (ts: 0), 1:11 (ts: 0), 2:12 (ts: 0), 3:13 (ts: 0),
  //            0:20 (ts: 1000), 1:21 (ts: 1001), 2:22 (ts: 1002), 3:23 (ts: 1003) }
  time = 1000;
  for (let i = 0; i < expectedKeys.length; i++) {
    await in2(expectedKeys[i], Number(expectedKeys[i]) + 20, time + i);
  }
  check(kvt(2, "null+12", 0), kvt(3, "null+13", 0));

  // push four items with larger timestamp to the primary stream; this should produce four full-join items
  // w1 = { 0:A0 (ts: 0), 1:A1 (ts: 0) }
  // w2 = { 0:10 (ts: 0), 1:11 (ts: 0), 2:12 (ts: 0), 3:13 (ts: 0),
  //        0:20 (ts: 1000), 1:21 (ts: 1001), 2:22 (ts: 1002), 3:23 (ts: 1003) }
  // --> w1 = { 0:A0 (ts: 0), 1:A1 (ts: 0),
  //            0:B0 (ts: 1100), 1:B1 (ts: 1100), 2:B2 (ts: 1100), 3:B3 (ts: 1100) }
  // --> w2 = { 0:10 (ts: 0), 1:11 (ts: 0), 2:12 (ts: 0), 3:13 (ts: 0),
  //            0:20 (ts: 1000), 1:21 (ts: 1001), 2:22 (ts: 1002), 3:23 (ts: 1003) }
  time = 1000 + 100;
  for (const expectedKey of expectedKeys) {
    await in1(expectedKey, "B" + expectedKey, time);
  }
  check(kvt(0, "B0+20", 1100), kvt(1, "B1+21", 1100), kvt(2, "B2+22", 1100), kvt(3, "B3+23", 1100));

  // push four items with increased timestamp to the primary stream; this should produce three full-join items (non-joined item is not produced yet)
  // w1 = { 0:A0 (ts: 0), 1:A1 (ts: 0),
  //        0:B0 (ts: 1100), 1:B1 (ts: 1100), 2:B2 (ts: 1100), 3:B3 (ts: 1100) }
  // w2 = { 0:10 (ts: 0), 1:11 (ts: 0), 2:12 (ts: 0), 3:13 (ts: 0),
  //        0:20 (ts: 1000), 1:21 (ts: 1001), 2:22 (ts: 1002), 3:23 (ts: 1003) }
  // --> w1 = { 0:A0 (ts: 0), 1:A1 (ts: 0),
  //            0:B0 (ts: 1100), 1:B1 (ts: 1100), 2:B2 (ts: 1100), 3:B3 (ts: 1100),
  //            0:C0 (ts: 1101), 1:C1 (ts: 1101), 2:C2 (ts: 1101), 3:C3 (ts: 1101) }
  // --> w2 = { 0:10 (ts: 0), 1:11 (ts: 0), 2:12 (ts: 0), 3:13 (ts: 0),
  //            0:20 (ts: 1000), 1:21 (ts: 1001), 2:22 (ts: 1002), 3:23 (ts: 1003) }
  time += 1;
  for (const expectedKey of expectedKeys) {
    await in1(expectedKey, "C" + expectedKey, time);
  }
  check(kvt(1, "C1+21", 1101), kvt(2, "C2+22", 1101), kvt(3, "C3+23", 1101));

  // push four items with increased timestamp to the primary stream; this should produce two full-join items (non-joined items are not produced yet)
  // w1 = { 0:A0 (ts: 0), 1:A1 (ts: 0),
  //        0:B0 (ts: 1100), 1:B1 (ts: 1100), 2:B2 (ts: 1100), 3:B3 (ts: 1100),
  //        0:C0 (ts: 1101), 1:C1 (ts: 1101), 2:C2 (ts: 1101), 3:C3 (ts: 1101) }
  // w2 = { 0:10 (ts: 0), 1:11 (ts: 0), 2:12 (ts: 0), 3:13 (ts: 0),
  //        0:20 (ts: 1000), 1:21 (ts: 1001), 2:22 (ts: 1002), 3:23 (ts: 1003) }
  // --> w1 = { 0:A0 (ts: 0), 1:A1 (ts: 0),
  //            0:B0 (ts: 1100), 1:B1 (ts: 1100), 2:B2 (ts: 1100), 3:B3 (ts: 1100),
  //            0:C0 (ts: 1101), 1:C1 (ts: 1101), 2:C2 (ts: 1101), 3:C3 (ts: 1101),
  //            0:D0 (ts: 1102), 1:D1 (ts: 1102), 2:D2 (ts: 1102), 3:D3 (ts: 1102) }
  // --> w2 = { 0:10 (ts: 0), 1:11 (ts: 0), 2:12 (ts: 0), 3:13 (ts: 0),
  //            0:20 (ts: 1000), 1:21 (ts: 1001), 2:22 (ts: 1002), 3:23 (ts: 1003) }
  time += 1;
  for (const expectedKey of expectedKeys) {
    await in1(expectedKey, "D" + expectedKey, time);
  }
  check(kvt(2, "D2+22", 1102), kvt(3, "D3+23", 1102));

  // push four items with increased timestamp to the primary stream; this should produce one full-join items (three non-joined left-join are not produced yet)
  // w1 = { 0:A0 (ts: 0), 1:A1 (ts: 0),
  //        0:B0 (ts: 1100), 1:B1 (ts: 1100), 2:B2 (ts: 1100), 3:B3 (ts: 1100),
  //        0:C0 (ts: 1101), 1:C1 (ts: 1101), 2:C2 (ts: 1101), 3:C3 (ts: 1101),
  //        0:D0 (ts: 1102), 1:D1 (ts: 1102), 2:D2 (ts: 1102), 3:D3 (ts: 1102) }
  // w2 = { 0:10 (ts: 0), 1:11 (ts: 0), 2:12 (ts: 0), 3:13 (ts: 0),
  //        0:20 (ts: 1000), 1:21 (ts: 1001), 2:22 (ts: 1002), 3:23 (ts: 1003) }
  // --> w1 = { 0:A0 (ts: 0), 1:A1 (ts: 0),
  //            0:B0 (ts: 1100), 1:B1 (ts: 1100), 2:B2 (ts: 1100), 3:B3 (ts: 1100),
  //            0:C0 (ts: 1101), 1:C1 (ts: 1101), 2:C2 (ts: 1101), 3:C3 (ts: 1101),
  //            0:D0 (ts: 1102), 1:D1 (ts: 1102), 2:D2 (ts: 1102), 3:D3 (ts: 1102),
  //            0:E0 (ts: 1103), 1:E1 (ts: 1103), 2:E2 (ts: 1103), 3:E3 (ts: 1103) }
  // --> w2 = { 0:10 (ts: 0), 1:11 (ts: 0), 2:12 (ts: 0), 3:13 (ts: 0),
  //            0:20 (ts: 1000), 1:21 (ts: 1001), 2:22 (ts: 1002), 3:23 (ts: 1003) }
  time += 1;
  for (const expectedKey of expectedKeys) {
    await in1(expectedKey, "E" + expectedKey, time);
  }
  check(kvt(3, "E3+23", 1103));

  // push four items with increased timestamp to the primary stream; this should produce no full-join items (four non-joined left-join are not produced yet)
  // w1 = { 0:A0 (ts: 0), 1:A1 (ts: 0),
  //        0:B0 (ts: 1100), 1:B1 (ts: 1100), 2:B2 (ts: 1100), 3:B3 (ts: 1100),
  //        0:C0 (ts: 1101), 1:C1 (ts: 1101), 2:C2 (ts: 1101), 3:C3 (ts: 1101),
  //        0:D0 (ts: 1102), 1:D1 (ts: 1102), 2:D2 (ts: 1102), 3:D3 (ts: 1102),
  //        0:E0 (ts: 1103), 1:E1 (ts: 1103), 2:E2 (ts: 1103), 3:E3 (ts: 1103) }
  // w2 = { 0:10 (ts: 0), 1:11 (ts: 0), 2:12 (ts: 0), 3:13 (ts: 0),
  //        0:20 (ts: 1000), 1:21 (ts: 1001), 2:22 (ts: 1002), 3:23 (ts: 1003) }
  // --> w1 = { 0:A0 (ts: 0), 1:A1 (ts: 0),
  //            0:B0 (ts: 1100), 1:B1 (ts: 1100), 2:B2 (ts: 1100), 3:B3 (ts: 1100),
  //            0:C0 (ts: 1101), 1:C1 (ts: 1101), 2:C2 (ts: 1101), 3:C3 (ts: 1101),
  //            0:D0 (ts: 1102), 1:D1 (ts: 1102), 2:D2 (ts: 1102), 3:D3 (ts: 1102),
  //            0:E0 (ts: 1103), 1:E1 (ts: 1103), 2:E2 (ts: 1103), 3:E3 (ts: 1103),
  //            0:F0 (ts: 1104), 1:F1 (ts: 1104), 2:F2 (ts: 1104), 3:F3 (ts: 1104) }
  // --> w2 = { 0:10 (ts: 0), 1:11 (ts: 0), 2:12 (ts: 0), 3:13 (ts: 0),
  //            0:20 (ts: 1000), 1:21 (ts: 1001), 2:22 (ts: 1002), 3:23 (ts: 1003) }
  time += 1;
  for (const expectedKey of expectedKeys) {
    await in1(expectedKey, "F" + expectedKey, time);
  }
  check();

  // push a dummy record to produce all left-join non-joined items
  time += 301;
  await in1(0, "dummy", time);
  check(
    kvt(0, "C0+null", 1101),
    kvt(0, "D0+null", 1102),
    kvt(1, "D1+null", 1102),
    kvt(0, "E0+null", 1103),
    kvt(1, "E1+null", 1103),
    kvt(2, "E2+null", 1103),
    kvt(0, "F0+null", 1104),
    kvt(1, "F1+null", 1104),
    kvt(2, "F2+null", 1104),
    kvt(3, "F3+null", 1104),
  );
}

async function testLowerWindowBound(expectedKeys: readonly number[], h: JoinHarness): Promise<void> {
  const { in1, check } = h;
  let time;

  // push four items with smaller timestamp (before the window) to the primary stream; this should produce four left-join and no full-join items
  // w1 = { 0:A0 (ts: 0), 1:A1 (ts: 0),
  //        0:B0 (ts: 1100), 1:B1 (ts: 1100), 2:B2 (ts: 1100), 3:B3 (ts: 1100),
  //        0:C0 (ts: 1101), 1:C1 (ts: 1101), 2:C2 (ts: 1101), 3:C3 (ts: 1101),
  //        0:D0 (ts: 1102), 1:D1 (ts: 1102), 2:D2 (ts: 1102), 3:D3 (ts: 1102),
  //        0:E0 (ts: 1103), 1:E1 (ts: 1103), 2:E2 (ts: 1103), 3:E3 (ts: 1103),
  //        0:F0 (ts: 1104), 1:F1 (ts: 1104), 2:F2 (ts: 1104), 3:F3 (ts: 1104) }
  // w2 = { 0:10 (ts: 0), 1:11 (ts: 0), 2:12 (ts: 0), 3:13 (ts: 0),
  //        0:20 (ts: 1000), 1:21 (ts: 1001), 2:22 (ts: 1002), 3:23 (ts: 1003) }
  // --> w1 = { 0:A0 (ts: 0), 1:A1 (ts: 0),
  //            0:B0 (ts: 1100), 1:B1 (ts: 1100), 2:B2 (ts: 1100), 3:B3 (ts: 1100),
  //            0:C0 (ts: 1101), 1:C1 (ts: 1101), 2:C2 (ts: 1101), 3:C3 (ts: 1101),
  //            0:D0 (ts: 1102), 1:D1 (ts: 1102), 2:D2 (ts: 1102), 3:D3 (ts: 1102),
  //            0:E0 (ts: 1103), 1:E1 (ts: 1103), 2:E2 (ts: 1103), 3:E3 (ts: 1103),
  //            0:F0 (ts: 1104), 1:F1 (ts: 1104), 2:F2 (ts: 1104), 3:F3 (ts: 1104),
  //            0:G0 (ts: 899), 1:G1 (ts: 899), 2:G2 (ts: 899), 3:G3 (ts: 899) }
  // --> w2 = { 0:10 (ts: 0), 1:11 (ts: 0), 2:12 (ts: 0), 3:13 (ts: 0),
  //            0:20 (ts: 1000), 1:21 (ts: 1001), 2:22 (ts: 1002), 3:23 (ts: 1003) }
  time = 1000 - 100 - 1;
  for (const expectedKey of expectedKeys) {
    await in1(expectedKey, "G" + expectedKey, time);
  }
  check(kvt(0, "G0+null", 899), kvt(1, "G1+null", 899), kvt(2, "G2+null", 899), kvt(3, "G3+null", 899));

  // push four items with increase timestamp to the primary stream; this should produce three left-join and one full-join items
  // w1 = { 0:A0 (ts: 0), 1:A1 (ts: 0),
  //        0:B0 (ts: 1100), 1:B1 (ts: 1100), 2:B2 (ts: 1100), 3:B3 (ts: 1100),
  //        0:C0 (ts: 1101), 1:C1 (ts: 1101), 2:C2 (ts: 1101), 3:C3 (ts: 1101),
  //        0:D0 (ts: 1102), 1:D1 (ts: 1102), 2:D2 (ts: 1102), 3:D3 (ts: 1102),
  //        0:E0 (ts: 1103), 1:E1 (ts: 1103), 2:E2 (ts: 1103), 3:E3 (ts: 1103),
  //        0:F0 (ts: 1104), 1:F1 (ts: 1104), 2:F2 (ts: 1104), 3:F3 (ts: 1104),
  //        0:G0 (ts: 899), 1:G1 (ts: 899), 2:G2 (ts: 899), 3:G3 (ts: 899) }
  // w2 = { 0:10 (ts: 0), 1:11 (ts: 0), 2:12 (ts: 0), 3:13 (ts: 0),
  //        0:20 (ts: 1000), 1:21 (ts: 1001), 2:22 (ts: 1002), 3:23 (ts: 1003) }
  // --> w1 = { 0:A0 (ts: 0), 1:A1 (ts: 0),
  //            0:B0 (ts: 1100), 1:B1 (ts: 1100), 2:B2 (ts: 1100), 3:B3 (ts: 1100),
  //            0:C0 (ts: 1101), 1:C1 (ts: 1101), 2:C2 (ts: 1101), 3:C3 (ts: 1101),
  //            0:D0 (ts: 1102), 1:D1 (ts: 1102), 2:D2 (ts: 1102), 3:D3 (ts: 1102),
  //            0:E0 (ts: 1103), 1:E1 (ts: 1103), 2:E2 (ts: 1103), 3:E3 (ts: 1103),
  //            0:F0 (ts: 1104), 1:F1 (ts: 1104), 2:F2 (ts: 1104), 3:F3 (ts: 1104),
  //            0:G0 (ts: 899), 1:G1 (ts: 899), 2:G2 (ts: 899), 3:G3 (ts: 899),
  //            0:H0 (ts: 900), 1:H1 (ts: 900), 2:H2 (ts: 900), 3:H3 (ts: 900) }
  // --> w2 = { 0:10 (ts: 0), 1:11 (ts: 0), 2:12 (ts: 0), 3:13 (ts: 0),
  //            0:20 (ts: 1000), 1:21 (ts: 1001), 2:22 (ts: 1002), 3:23 (ts: 1003) }
  time += 1;
  for (const expectedKey of expectedKeys) {
    await in1(expectedKey, "H" + expectedKey, time);
  }
  check(kvt(0, "H0+20", 1000), kvt(1, "H1+null", 900), kvt(2, "H2+null", 900), kvt(3, "H3+null", 900));

  // push four items with increase timestamp to the primary stream; this should produce two left-join and two full-join items
  // w1 = { 0:A0 (ts: 0), 1:A1 (ts: 0),
  //        0:B0 (ts: 1100), 1:B1 (ts: 1100), 2:B2 (ts: 1100), 3:B3 (ts: 1100),
  //        0:C0 (ts: 1101), 1:C1 (ts: 1101), 2:C2 (ts: 1101), 3:C3 (ts: 1101),
  //        0:D0 (ts: 1102), 1:D1 (ts: 1102), 2:D2 (ts: 1102), 3:D3 (ts: 1102),
  //        0:E0 (ts: 1103), 1:E1 (ts: 1103), 2:E2 (ts: 1103), 3:E3 (ts: 1103),
  //        0:F0 (ts: 1104), 1:F1 (ts: 1104), 2:F2 (ts: 1104), 3:F3 (ts: 1104),
  //        0:G0 (ts: 899), 1:G1 (ts: 899), 2:G2 (ts: 899), 3:G3 (ts: 899),
  //        0:H0 (ts: 900), 1:H1 (ts: 900), 2:H2 (ts: 900), 3:H3 (ts: 900) }
  // w2 = { 0:10 (ts: 0), 1:11 (ts: 0), 2:12 (ts: 0), 3:13 (ts: 0),
  //        0:20 (ts: 1000), 1:21 (ts: 1001), 2:22 (ts: 1002), 3:23 (ts: 1003) }
  // --> w1 = { 0:A0 (ts: 0), 1:A1 (ts: 0),
  //            0:B0 (ts: 1100), 1:B1 (ts: 1100), 2:B2 (ts: 1100), 3:B3 (ts: 1100),
  //            0:C0 (ts: 1101), 1:C1 (ts: 1101), 2:C2 (ts: 1101), 3:C3 (ts: 1101),
  //            0:D0 (ts: 1102), 1:D1 (ts: 1102), 2:D2 (ts: 1102), 3:D3 (ts: 1102),
  //            0:E0 (ts: 1103), 1:E1 (ts: 1103), 2:E2 (ts: 1103), 3:E3 (ts: 1103),
  //            0:F0 (ts: 1104), 1:F1 (ts: 1104), 2:F2 (ts: 1104), 3:F3 (ts: 1104),
  //            0:G0 (ts: 899), 1:G1 (ts: 899), 2:G2 (ts: 899), 3:G3 (ts: 899),
  //            0:H0 (ts: 900), 1:H1 (ts: 900), 2:H2 (ts: 900), 3:H3 (ts: 900),
  //            0:I0 (ts: 901), 1:I1 (ts: 901), 2:I2 (ts: 901), 3:I3 (ts: 901) }
  // --> w2 = { 0:10 (ts: 0), 1:11 (ts: 0), 2:12 (ts: 0), 3:13 (ts: 0),
  //            0:20 (ts: 1000), 1:21 (ts: 1001), 2:22 (ts: 1002), 3:23 (ts: 1003) }
  time += 1;
  for (const expectedKey of expectedKeys) {
    await in1(expectedKey, "I" + expectedKey, time);
  }
  check(kvt(0, "I0+20", 1000), kvt(1, "I1+21", 1001), kvt(2, "I2+null", 901), kvt(3, "I3+null", 901));

  // push four items with increase timestamp to the primary stream; this should produce one left-join and three full-join items
  // w1 = { 0:A0 (ts: 0), 1:A1 (ts: 0),
  //        0:B0 (ts: 1100), 1:B1 (ts: 1100), 2:B2 (ts: 1100), 3:B3 (ts: 1100),
  //        0:C0 (ts: 1101), 1:C1 (ts: 1101), 2:C2 (ts: 1101), 3:C3 (ts: 1101),
  //        0:D0 (ts: 1102), 1:D1 (ts: 1102), 2:D2 (ts: 1102), 3:D3 (ts: 1102),
  //        0:E0 (ts: 1103), 1:E1 (ts: 1103), 2:E2 (ts: 1103), 3:E3 (ts: 1103),
  //        0:F0 (ts: 1104), 1:F1 (ts: 1104), 2:F2 (ts: 1104), 3:F3 (ts: 1104),
  //        0:G0 (ts: 899), 1:G1 (ts: 899), 2:G2 (ts: 899), 3:G3 (ts: 899),
  //        0:H0 (ts: 900), 1:H1 (ts: 900), 2:H2 (ts: 900), 3:H3 (ts: 900),
  //        0:I0 (ts: 901), 1:I1 (ts: 901), 2:I2 (ts: 901), 3:I3 (ts: 901) }
  // w2 = { 0:10 (ts: 0), 1:11 (ts: 0), 2:12 (ts: 0), 3:13 (ts: 0),
  //        0:20 (ts: 1000), 1:21 (ts: 1001), 2:22 (ts: 1002), 3:23 (ts: 1003) }
  // --> w1 = { 0:A0 (ts: 0), 1:A1 (ts: 0),
  //            0:B0 (ts: 1100), 1:B1 (ts: 1100), 2:B2 (ts: 1100), 3:B3 (ts: 1100),
  //            0:C0 (ts: 1101), 1:C1 (ts: 1101), 2:C2 (ts: 1101), 3:C3 (ts: 1101),
  //            0:D0 (ts: 1102), 1:D1 (ts: 1102), 2:D2 (ts: 1102), 3:D3 (ts: 1102),
  //            0:E0 (ts: 1103), 1:E1 (ts: 1103), 2:E2 (ts: 1103), 3:E3 (ts: 1103),
  //            0:F0 (ts: 1104), 1:F1 (ts: 1104), 2:F2 (ts: 1104), 3:F3 (ts: 1104),
  //            0:G0 (ts: 899), 1:G1 (ts: 899), 2:G2 (ts: 899), 3:G3 (ts: 899),
  //            0:H0 (ts: 900), 1:H1 (ts: 900), 2:H2 (ts: 900), 3:H3 (ts: 900),
  //            0:I0 (ts: 901), 1:I1 (ts: 901), 2:I2 (ts: 901), 3:I3 (ts: 901),
  //            0:J0 (ts: 902), 1:J1 (ts: 902), 2:J2 (ts: 902), 3:J3 (ts: 902) }
  // --> w2 = { 0:10 (ts: 0), 1:11 (ts: 0), 2:12 (ts: 0), 3:13 (ts: 0),
  //            0:20 (ts: 1000), 1:21 (ts: 1001), 2:22 (ts: 1002), 3:23 (ts: 1003) }
  time += 1;
  for (const expectedKey of expectedKeys) {
    await in1(expectedKey, "J" + expectedKey, time);
  }
  check(kvt(0, "J0+20", 1000), kvt(1, "J1+21", 1001), kvt(2, "J2+22", 1002), kvt(3, "J3+null", 902));

  // push four items with increase timestamp to the primary stream; this should produce one left-join and three full-join items
  // w1 = { 0:A0 (ts: 0), 1:A1 (ts: 0),
  //        0:B0 (ts: 1100), 1:B1 (ts: 1100), 2:B2 (ts: 1100), 3:B3 (ts: 1100),
  //        0:C0 (ts: 1101), 1:C1 (ts: 1101), 2:C2 (ts: 1101), 3:C3 (ts: 1101),
  //        0:D0 (ts: 1102), 1:D1 (ts: 1102), 2:D2 (ts: 1102), 3:D3 (ts: 1102),
  //        0:E0 (ts: 1103), 1:E1 (ts: 1103), 2:E2 (ts: 1103), 3:E3 (ts: 1103),
  //        0:F0 (ts: 1104), 1:F1 (ts: 1104), 2:F2 (ts: 1104), 3:F3 (ts: 1104),
  //        0:G0 (ts: 899), 1:G1 (ts: 899), 2:G2 (ts: 899), 3:G3 (ts: 899),
  //        0:H0 (ts: 900), 1:H1 (ts: 900), 2:H2 (ts: 900), 3:H3 (ts: 900),
  //        0:I0 (ts: 901), 1:I1 (ts: 901), 2:I2 (ts: 901), 3:I3 (ts: 901),
  //        0:J0 (ts: 902), 1:J1 (ts: 902), 2:J2 (ts: 902), 3:J3 (ts: 902) }
  // w2 = { 0:10 (ts: 0), 1:11 (ts: 0), 2:12 (ts: 0), 3:13 (ts: 0),
  //        0:20 (ts: 1000), 1:21 (ts: 1001), 2:22 (ts: 1002), 3:23 (ts: 1003) }
  // --> w1 = { 0:A0 (ts: 0), 1:A1 (ts: 0),
  //            0:B0 (ts: 1100), 1:B1 (ts: 1100), 2:B2 (ts: 1100), 3:B3 (ts: 1100),
  //            0:C0 (ts: 1101), 1:C1 (ts: 1101), 2:C2 (ts: 1101), 3:C3 (ts: 1101),
  //            0:D0 (ts: 1102), 1:D1 (ts: 1102), 2:D2 (ts: 1102), 3:D3 (ts: 1102),
  //            0:E0 (ts: 1103), 1:E1 (ts: 1103), 2:E2 (ts: 1103), 3:E3 (ts: 1103),
  //            0:F0 (ts: 1104), 1:F1 (ts: 1104), 2:F2 (ts: 1104), 3:F3 (ts: 1104),
  //            0:G0 (ts: 899), 1:G1 (ts: 899), 2:G2 (ts: 899), 3:G3 (ts: 899),
  //            0:H0 (ts: 900), 1:H1 (ts: 900), 2:H2 (ts: 900), 3:H3 (ts: 900),
  //            0:I0 (ts: 901), 1:I1 (ts: 901), 2:I2 (ts: 901), 3:I3 (ts: 901),
  //            0:J0 (ts: 902), 1:J1 (ts: 902), 2:J2 (ts: 902), 3:J3 (ts: 902),
  //            0:K0 (ts: 903), 1:K1 (ts: 903), 2:K2 (ts: 903), 3:K3 (ts: 903) }
  // --> w2 = { 0:10 (ts: 0), 1:11 (ts: 0), 2:12 (ts: 0), 3:13 (ts: 0),
  //            0:20 (ts: 1000), 1:21 (ts: 1001), 2:22 (ts: 1002), 3:23 (ts: 1003) }
  time += 1;
  for (const expectedKey of expectedKeys) {
    await in1(expectedKey, "K" + expectedKey, time);
  }
  check(kvt(0, "K0+20", 1000), kvt(1, "K1+21", 1001), kvt(2, "K2+22", 1002), kvt(3, "K3+23", 1003));

  // push a dummy record to verify there are no expired records to produce
  // dummy window is behind the max. stream time seen (1205 used in testUpperWindowBound)
  await in1(0, "dummy", time + 200);
  check(kvt(0, "dummy+null", 1103));
}
