import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StateCommitInProgressError, StoreClosedError } from "../../src/stores/errors.js";
import { InMemoryTaskStorage } from "../../src/stores/in-memory-task-storage.js";
import type { KeyValue, KeyValueStore } from "../../src/stores/key-value-store.js";
import { LevelDbTaskStorage } from "../../src/stores/leveldb-task-storage.js";
import { TaskOverlay } from "../../src/stores/task-overlay.js";
import type { TaskStorage } from "../../src/stores/task-storage.js";
import { TypedKeyValueStore } from "../../src/stores/typed-key-value-store.js";
import { Serdes } from "../../src/serdes/serdes.js";
import { keyValueStoreContract } from "./key-value-store-contract.js";
import { withTempStateDir } from "./temp-state-dir.js";

const b = (text: string): Buffer => Buffer.from(text, "utf8");

/**
 * Plays the runtime: commits the overlay after every third write, so that the data
 * under test is spread over committed state and pending writes, and commits happen
 * while iterators are open.
 */
class CommittingStore implements KeyValueStore<Buffer, Buffer> {
  readonly name: string;
  #writes = 0;

  constructor(
    private readonly store: KeyValueStore<Buffer, Buffer>,
    private readonly overlay: TaskOverlay,
  ) {
    this.name = store.name;
  }

  async #wrote(): Promise<void> {
    this.#writes += 1;
    if (this.#writes % 3 === 0) await this.overlay.commit(new Map([["app-contract-changelog:0", this.#writes]]));
  }

  get = (key: Buffer): Promise<Buffer | undefined> => this.store.get(key);
  range = (from?: Buffer, to?: Buffer): AsyncIterableIterator<KeyValue<Buffer, Buffer>> => this.store.range(from, to);
  reverseRange = (from?: Buffer, to?: Buffer): AsyncIterableIterator<KeyValue<Buffer, Buffer>> =>
    this.store.reverseRange(from, to);
  prefixScan = (prefix: Buffer): AsyncIterableIterator<KeyValue<Buffer, Buffer>> => this.store.prefixScan(prefix);
  all = (): AsyncIterableIterator<KeyValue<Buffer, Buffer>> => this.store.all();
  approximateNumEntries = (): Promise<number> => this.store.approximateNumEntries();

  async put(key: Buffer, value: Buffer): Promise<void> {
    await this.store.put(key, value);
    await this.#wrote();
  }

  async putIfAbsent(key: Buffer, value: Buffer): Promise<Buffer | undefined> {
    const existing = await this.store.putIfAbsent(key, value);
    await this.#wrote();
    return existing;
  }

  async putAll(entries: Iterable<KeyValue<Buffer, Buffer>>): Promise<void> {
    await this.store.putAll(entries);
    await this.#wrote();
  }

  async delete(key: Buffer): Promise<Buffer | undefined> {
    const previous = await this.store.delete(key);
    await this.#wrote();
    return previous;
  }
}

keyValueStoreContract(
  "TaskOverlay over InMemoryTaskStorage, never committed",
  async () => {
    const storage = new InMemoryTaskStorage("0_0");
    const bytes = new TaskOverlay(storage).store("contract");
    return {
      store: new TypedKeyValueStore(bytes, Serdes.bytes(), Serdes.bytes()),
      bytes,
      close: () => storage.close(),
    };
  },
  { bytesLevel: true },
);

keyValueStoreContract(
  "TaskOverlay over InMemoryTaskStorage, committing every third write",
  async () => {
    const storage = new InMemoryTaskStorage("0_0");
    const overlay = new TaskOverlay(storage);
    const typed = new TypedKeyValueStore(overlay.store("contract"), Serdes.bytes(), Serdes.bytes());
    return { store: new CommittingStore(typed, overlay), close: () => storage.close() };
  },
  { bytesLevel: false },
);

keyValueStoreContract(
  "TaskOverlay over LevelDbTaskStorage, committing every third write",
  async () => {
    const dir = await withTempStateDir();
    const storage = await LevelDbTaskStorage.open({ stateDir: dir.stateDir, applicationId: "app", taskId: "0_0" });
    const overlay = new TaskOverlay(storage);
    const typed = new TypedKeyValueStore(overlay.store("contract"), Serdes.bytes(), Serdes.bytes());
    return {
      store: new CommittingStore(typed, overlay),
      close: async () => {
        await storage.close();
        await dir.remove();
      },
    };
  },
  { bytesLevel: false },
);

async function entries(iterator: AsyncIterable<[Buffer, Buffer]>): Promise<string[]> {
  const out: string[] = [];
  for await (const [key, value] of iterator) out.push(`${key}=${value}`);
  return out;
}

describe.each([
  ["InMemoryTaskStorage", false],
  ["LevelDbTaskStorage", true],
] as const)("TaskOverlay over %s", (_label, onDisk) => {
  let storage: TaskStorage;
  let overlay: TaskOverlay;
  let removeDir: (() => Promise<void>) | undefined;

  beforeEach(async () => {
    if (onDisk) {
      const dir = await withTempStateDir();
      storage = await LevelDbTaskStorage.open({ stateDir: dir.stateDir, applicationId: "app", taskId: "2_1" });
      removeDir = dir.remove;
    } else {
      storage = new InMemoryTaskStorage("2_1");
    }
    overlay = new TaskOverlay(storage);
    await storage.commit(
      new Map([
        [
          "balances",
          [
            [b("a"), b("1")],
            [b("b"), b("2")],
            [b("c"), b("3")],
          ] as [Buffer, Buffer][],
        ],
      ]),
    );
  });

  afterEach(async () => {
    await storage.close();
    await removeDir?.();
  });

  it("answers reads from pending writes first, pending deletes included, without touching committed state", async () => {
    const store = overlay.store("balances");
    await store.put(b("b"), b("20"));
    await store.delete(b("c"));
    await store.put(b("d"), b("4"));
    expect((await store.get(b("b")))?.toString()).toBe("20");
    expect(await store.get(b("c"))).toBeUndefined();
    expect((await store.get(b("a")))?.toString()).toBe("1");
    expect(await entries(store.iterate({}))).toEqual(["a=1", "b=20", "d=4"]);
    expect(await entries(store.iterate({ reverse: true }))).toEqual(["d=4", "b=20", "a=1"]);
    expect(await entries(store.iterate({ gt: b("a"), lte: b("c") }))).toEqual(["b=20"]);
    expect(await store.approximateNumEntries()).toBe(3);
    expect(await entries(storage.store("balances").iterate({}))).toEqual(["a=1", "b=2", "c=3"]);
    expect(overlay.pendingCount).toBe(3);
  });

  it("commits every store's writes and the checkpoint together, then empties", async () => {
    await overlay.store("balances").put(b("a"), b("10"));
    await overlay.store("balances").delete(b("b"));
    await overlay.store("events").put(b("e1"), b("x"));
    await overlay.commit(new Map([["app-balances-changelog:1", 17]]));
    expect(overlay.pendingCount).toBe(0);
    expect(await entries(storage.store("balances").iterate({}))).toEqual(["a=10", "c=3"]);
    expect(await entries(storage.store("events").iterate({}))).toEqual(["e1=x"]);
    expect(await storage.readCheckpoint()).toEqual(new Map([["app-balances-changelog:1", 17]]));
    expect(await entries(overlay.store("balances").iterate({}))).toEqual(["a=10", "c=3"]);
  });

  it("keeps its writes when the commit fails, so it can be retried", async () => {
    await overlay.store("balances").put(b("a"), b("10"));
    await expect(overlay.commit(new Map([["app-balances-changelog:1", 1.5]]))).rejects.toThrow(
      /Invalid checkpoint offset/,
    );
    expect(overlay.pendingCount).toBe(1);
    expect((await storage.store("balances").get(b("a")))?.toString()).toBe("1");
    await overlay.commit(new Map([["app-balances-changelog:1", 2]]));
    expect((await storage.store("balances").get(b("a")))?.toString()).toBe("10");
  });

  it("discards pending writes on abort", async () => {
    const store = overlay.store("balances");
    await store.put(b("a"), b("lost"));
    await store.delete(b("b"));
    overlay.discard();
    expect(overlay.pendingCount).toBe(0);
    expect(await entries(store.iterate({}))).toEqual(["a=1", "b=2", "c=3"]);
    await overlay.commit();
    expect(await entries(storage.store("balances").iterate({}))).toEqual(["a=1", "b=2", "c=3"]);
  });

  it("refuses writes while a commit is in flight", async () => {
    const store = overlay.store("balances");
    await store.put(b("x"), b("1"));
    const commit = overlay.commit();
    // Both checks run before the commit can settle (no await in between).
    const refused = store.put(b("y"), b("2"));
    expect(() => overlay.discard()).toThrow(StateCommitInProgressError);
    await expect(refused).rejects.toBeInstanceOf(StateCommitInProgressError);
    await commit;
    await store.put(b("y"), b("2"));
    expect(overlay.pendingCount).toBe(1);
  });

  it("commits a sealed snapshot while writes go on, keeping the writes made after the seal pending", async () => {
    const store = overlay.store("balances");
    await store.put(b("a"), b("10"));
    await store.delete(b("b"));
    await store.put(b("x"), b("1"));
    store.dropNow("c");
    const sealed = overlay.seal();
    // Processing goes on while the commit is written: a key rewritten, one deleted, one new.
    const committing = overlay.commitSealed(sealed, new Map([["app-balances-changelog:1", 7]]));
    await store.put(b("a"), b("11"));
    await store.delete(b("x"));
    await store.put(b("y"), b("2"));
    await committing;
    await overlay.dropsSettled();
    // The store holds the snapshot (and its checkpoint), nothing written after the seal.
    expect(await entries(storage.store("balances").iterate({}))).toEqual(["a=10", "x=1"]);
    expect(await storage.readCheckpoint()).toEqual(new Map([["app-balances-changelog:1", 7]]));
    // What the processors see is the newest of everything; only the writes after the seal are pending.
    expect(await entries(store.iterate({}))).toEqual(["a=11", "y=2"]);
    expect(overlay.pendingCount).toBe(3);
    // Those go with the next commit; a discard would have dropped them (and the snapshot with them).
    await overlay.commit(new Map([["app-balances-changelog:1", 9]]));
    expect(await entries(storage.store("balances").iterate({}))).toEqual(["a=11", "y=2"]);
    expect(overlay.pendingCount).toBe(0);
  });

  it("drops a sealed snapshot and the writes after it together when the commit fails", async () => {
    const store = overlay.store("balances");
    await store.put(b("a"), b("10"));
    overlay.seal();
    await store.put(b("z"), b("26"));
    overlay.discard();
    expect(overlay.pendingCount).toBe(0);
    expect(await entries(store.iterate({}))).toEqual(["a=1", "b=2", "c=3"]);
  });

  it("reads the sealed writes under those made since, and a failed commit's with the next seal", async () => {
    const store = overlay.store("balances");
    const written = (writes: Iterable<readonly [Buffer, Buffer | null]>): string[] =>
      [...writes].map(([key, value]) => `${key}=${value ?? "deleted"}`);
    await store.put(b("a"), b("10"));
    await store.delete(b("b"));
    await store.put(b("x"), b("1"));
    overlay.seal();
    await store.put(b("a"), b("11"));
    await store.delete(b("x"));
    await store.put(b("y"), b("2"));
    // Newest first: the writes since the seal, then the sealed ones, then the committed state.
    const read = await Promise.all(["a", "b", "c", "x", "y"].map(async (key) => String(await store.get(b(key)))));
    expect(read).toEqual(["11", "undefined", "3", "undefined", "2"]);
    expect(await entries(store.iterate({}))).toEqual(["a=11", "c=3", "y=2"]);
    expect(await entries(store.iterate({ reverse: true }))).toEqual(["y=2", "c=3", "a=11"]);
    expect(written(store.pendingWrites())).toEqual(["a=11", "b=deleted", "x=deleted", "y=2"]);
    const visited: [Buffer, Buffer | null][] = [];
    store.forEachPending((key, value) => visited.push([key, value]));
    expect(written(visited)).toEqual(["a=11", "b=deleted", "x=deleted", "y=2"]);
    // The sealed commit never ended: the next seal takes its writes too, a key's newer write winning.
    const sealed = overlay.seal();
    expect(written(sealed.writes.get("balances") ?? [])).toEqual(["a=11", "b=deleted", "x=deleted", "y=2"]);
    await overlay.commitSealed(sealed);
    expect(await entries(storage.store("balances").iterate({}))).toEqual(["a=11", "c=3", "y=2"]);
    expect(overlay.pendingCount).toBe(0);
    // Nothing sealed: the pending writes alone, in key order.
    await store.put(b("d"), b("4"));
    await store.delete(b("a"));
    const unsealed: [Buffer, Buffer | null][] = [];
    store.forEachPending((key, value) => unsealed.push([key, value]));
    expect(written(unsealed)).toEqual(["a=deleted", "d=4"]);
  });

  it("hands a store's writes over in key order, seal after seal, while nothing scans it, and after", async () => {
    const store = overlay.store("counts");
    const written = (writes: Iterable<readonly [Buffer, Buffer | null]>): string[] =>
      [...writes].map(([key, value]) => `${key}=${value ?? "deleted"}`);
    const keys = ["m", "c", "x", "a", "\u00ff", "mm", "b"];
    const expected = new Map<string, string | null>();
    for (let interval = 0; interval < 6; interval += 1) {
      // Each interval writes some of the last one's keys again, and some new ones.
      const now = new Map<string, string | null>();
      for (const [i, key] of keys.entries()) {
        if ((i + interval) % 3 === 0) continue;
        const value = (i + interval) % 5 === 0 ? null : `${interval}${i}`;
        if (i % 2 === 0) store.writeNow(Buffer.from(key, "latin1"), value === null ? null : b(value));
        else
          store.writeNow(
            Buffer.from(key, "latin1"),
            value === null ? null : b(value),
            Buffer.from(key, "latin1").toString("latin1"),
          );
        now.set(key, value);
      }
      const inOrder = [...now].sort(([x], [y]) => Buffer.compare(Buffer.from(x, "latin1"), Buffer.from(y, "latin1")));
      const want = inOrder.map(([key, value]) => `${Buffer.from(key, "latin1")}=${value ?? "deleted"}`);
      const visited: [Buffer, Buffer | null][] = [];
      store.forEachPending((key, value) => visited.push([key, value]));
      expect(written(visited)).toEqual(want);
      for (const [key, value] of now)
        expect((await store.get(Buffer.from(key, "latin1")))?.toString() ?? null).toBe(value);
      const sealed = overlay.seal();
      expect(written(sealed.writes.get("counts") ?? [])).toEqual(want);
      await overlay.commitSealed(sealed);
      for (const [key, value] of now) expected.set(key, value);
      // From the fourth interval on, the store is scanned: its writes stay ordered.
      if (interval >= 3) {
        const present = [...expected].filter(([, value]) => value !== null);
        present.sort(([x], [y]) => Buffer.compare(Buffer.from(x, "latin1"), Buffer.from(y, "latin1")));
        expect(await entries(store.iterate({}))).toEqual(
          present.map(([key, value]) => `${Buffer.from(key, "latin1")}=${value}`),
        );
      }
    }
  });

  it("keeps an open iterator going across a commit, without repeating or losing keys", async () => {
    const store = overlay.store("balances");
    for (let i = 0; i < 150; i += 1) await store.put(b(`k${String(i).padStart(3, "0")}`), b(`${i}`));
    const seen: string[] = [];
    for await (const [key] of store.iterate({})) {
      seen.push(key.toString());
      if (seen.length % 40 === 0) await overlay.commit();
    }
    expect(seen).toEqual(["a", "b", "c", ...Array.from({ length: 150 }, (_, i) => `k${String(i).padStart(3, "0")}`)]);
  });

  it("deletes dropped rows once the commit is written, in a batch of their own", async () => {
    const store = overlay.store("balances");
    await store.put(b("x"), b("9"));
    store.dropNow("a");
    // Written, then dropped in the same transaction: the drop comes last.
    store.writeNow(b("y"), b("8"));
    store.dropNow("y");
    expect([overlay.pendingCount, store.droppedCount]).toEqual([2, 2]);
    await overlay.commit(new Map([["app-balances-changelog:1", 5]]));
    await overlay.dropsSettled();
    expect([overlay.pendingCount, store.droppedCount]).toEqual([0, 0]);
    expect(await entries(storage.store("balances").iterate({}))).toEqual(["b=2", "c=3", "x=9"]);
    expect(await storage.readCheckpoint()).toEqual(new Map([["app-balances-changelog:1", 5]]));
    // Drops alone are a commit too.
    store.dropNow("b");
    await overlay.commit();
    await overlay.dropsSettled();
    expect(await entries(storage.store("balances").iterate({}))).toEqual(["c=3", "x=9"]);
  });

  it("leaves a row written and dropped in the same transaction out of the commit's batch", async () => {
    const store = overlay.store("balances");
    const commit = storage.commit.bind(storage);
    const batches: string[][] = [];
    storage.commit = (writes, checkpoint, streamTimes) => {
      batches.push([...(writes.get("balances") ?? [])].map(([key, value]) => `${key}=${value ?? "deleted"}`));
      return commit(writes, checkpoint, streamTimes);
    };
    // Through commit(): "y" is new and expires, "c" was committed, rewritten, then expires.
    store.writeNow(b("x"), b("9"));
    store.writeNow(b("y"), b("8"));
    store.writeNow(b("c"), b("30"));
    store.dropNow("y");
    store.dropNow("c");
    await overlay.commit();
    await overlay.dropsSettled();
    // Through a sealed commit, the runtime's: "z" written before the seal, dropped before it too.
    store.writeNow(b("z"), b("7"));
    store.writeNow(b("w"), b("6"));
    store.dropNow("z");
    await overlay.commitSealed(overlay.seal());
    await overlay.dropsSettled();
    expect(batches).toEqual([["x=9"], ["w=6"]]);
    expect(await entries(storage.store("balances").iterate({}))).toEqual(["a=1", "b=2", "w=6", "x=9"]);
    expect(overlay.pendingCount).toBe(0);
  });

  it("retries the delete of dropped rows after the next commit when it failed", async () => {
    const store = overlay.store("balances");
    const deleteRows = storage.deleteRows.bind(storage);
    let failures = 1;
    storage.deleteRows = async (rows) => {
      if (failures > 0) {
        failures -= 1;
        throw new Error("disk full");
      }
      return deleteRows(rows);
    };
    store.dropNow("a");
    await overlay.commit(new Map([["app-balances-changelog:1", 1]]));
    await overlay.dropsSettled();
    expect(await entries(storage.store("balances").iterate({}))).toEqual(["a=1", "b=2", "c=3"]);
    await store.put(b("d"), b("4"));
    await overlay.commit(new Map([["app-balances-changelog:1", 2]]));
    await overlay.dropsSettled();
    expect(await entries(storage.store("balances").iterate({}))).toEqual(["b=2", "c=3", "d=4"]);
  });

  it("counts dropped rows out of its approximate size when the committed state holds them", async () => {
    const store = overlay.store("balances");
    store.dropNow("a");
    store.dropNow("a");
    store.dropNow("never-there");
    store.writeNow(b("b"), b("20"));
    store.dropNow("b");
    store.writeNow(b("x"), b("1"));
    store.writeNow(b("y"), b("1"));
    store.dropNow("y");
    expect(await store.approximateNumEntries()).toBe(2);
  });

  it("closes with its storage", async () => {
    const store = overlay.store("balances");
    await store.put(b("x"), b("1"));
    await storage.close();
    await expect(store.get(b("x"))).rejects.toBeInstanceOf(StoreClosedError);
    await expect(overlay.commit()).rejects.toBeInstanceOf(StoreClosedError);
  });
});
