// What a commit logs: the overlay's pending writes, one record per key, except the deletes a
// window store makes when it drops an expired segment (Kafka Streams drops a segment without
// a changelog record; the windowed changelog's retention.ms removes its rows from the topic).
import { describe, expect, it } from "vitest";
import type { ProducedRecord } from "../../src/kafka/types.js";
import { addChangelogRecords, checkpointOf } from "../../src/runtime/task-changelog-writes.js";
import { changelogFormat } from "../../src/stores/changelog-format.js";
import { InMemoryTaskStorage } from "../../src/stores/in-memory-task-storage.js";
import { TaskOverlay } from "../../src/stores/task-overlay.js";

const bytes = (text: string): Buffer => Buffer.from(text);

describe("addChangelogRecords", () => {
  it("logs puts and deletes, and leaves out the deletes of expired rows", async () => {
    const storage = new InMemoryTaskStorage("0_0");
    const overlay = new TaskOverlay(storage);
    const store = overlay.store("windows");
    store.writeNow(bytes("live"), bytes("1"));
    store.writeNow(bytes("deleted"), null);
    store.dropNow("expired");
    // Written, then dropped in the same transaction: the write is logged (as Kafka Streams
    // logs a put before the segment drop), the drop deletes the row.
    store.writeNow(bytes("short-lived"), bytes("3"));
    store.dropNow("short-lived");
    expect([store.pendingCount, store.droppedCount]).toEqual([3, 2]);
    const logged: ProducedRecord[] = [];
    addChangelogRecords(
      [
        {
          store: "windows",
          topic: "app-windows-changelog",
          partition: 0,
          format: changelogFormat({ type: "window", timestamped: false }),
        },
      ],
      overlay,
      0,
      42,
      (record) => logged.push(record),
    );
    expect(logged.map((r) => [r.key?.toString(), r.value?.toString() ?? null])).toEqual([
      ["deleted", null],
      ["live", "1"],
      ["short-lived", "3"],
    ]);
    // The drops still reach the task's state, after the commit's writes.
    const committed = storage.store("windows");
    await committed.put(bytes("expired"), bytes("old"));
    await committed.put(bytes("deleted"), bytes("old"));
    await overlay.commit();
    expect(await committed.get(bytes("expired"))).toBeUndefined();
    expect(await committed.get(bytes("short-lived"))).toBeUndefined();
    expect(await committed.get(bytes("deleted"))).toBeUndefined();
    expect((await committed.get(bytes("live")))?.toString()).toBe("1");
    expect([store.pendingCount, store.droppedCount]).toEqual([0, 0]);
  });

  it("stamps suppress()'s buffer records with the clock as it logs them, as Kafka's producer stamps a record sent without a timestamp", () => {
    const overlay = new TaskOverlay(new InMemoryTaskStorage("0_0"));
    overlay.store("buffer").writeNow(bytes("k"), bytes("entry"));
    const logged: ProducedRecord[] = [];
    const before = Date.now();
    addChangelogRecords(
      [
        {
          store: "buffer",
          topic: "app-buffer-changelog",
          partition: 0,
          format: changelogFormat({ type: "buffer", timestamped: false }),
        },
      ],
      overlay,
      0,
      42,
      (record) => logged.push(record),
    );
    expect(logged).toHaveLength(1);
    expect(logged[0]!.timestamp).toBeGreaterThanOrEqual(before);
    expect(logged[0]!.timestamp).toBeLessThanOrEqual(Date.now());
    expect(logged[0]!.headers).toEqual([{ key: "v", value: Buffer.from([3]) }]);
  });
});

describe("a source topic that is a store's changelog", () => {
  const format = changelogFormat({ type: "keyValue", timestamped: true });

  it("gets no changelog record: the topic already holds what the store was fed", () => {
    const overlay = new TaskOverlay(new InMemoryTaskStorage("0_0"));
    overlay.store("prices").writeNow(bytes("k"), bytes("v"));
    const logged: ProducedRecord[] = [];
    addChangelogRecords(
      [{ store: "prices", topic: "prices", partition: 0, format, sourceTopic: true }],
      overlay,
      0,
      42,
      (record) => logged.push(record),
    );
    expect(logged).toEqual([]);
  });

  it("is checkpointed at the committed input offset, not at what the application wrote to it", () => {
    const checkpoint = checkpointOf(
      [
        { topic: "app-counts-changelog", partition: 1, baseOffset: 7, lastOffset: 9 },
        // The application's own sink writes to the topic too: not the store's checkpoint.
        { topic: "prices", partition: 1, baseOffset: 30, lastOffset: 31 },
      ],
      new Set(["app-counts-changelog", "prices"]),
      [
        { topic: "prices", partition: 1, offset: 12 },
        { topic: "orders", partition: 1, offset: 5 },
      ],
      new Set(["prices"]),
    );
    expect([...checkpoint]).toEqual([
      ["prices:1", 12],
      ["app-counts-changelog:1", 10],
    ]);
  });
});
