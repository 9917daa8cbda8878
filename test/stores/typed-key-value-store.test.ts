import { describe, expect, it } from "vitest";
import { InMemoryKeyValueBytesStore } from "../../src/stores/in-memory-bytes-store.js";
import { LevelDbTaskStorage } from "../../src/stores/leveldb-task-storage.js";
import { ReadOnlyKeyValueView } from "../../src/stores/read-only-key-value-view.js";
import { TypedKeyValueStore } from "../../src/stores/typed-key-value-store.js";
import { KeyValueStoreFacade } from "../../src/stores/key-value-store-facade.js";
import { CachingKeyValueStore } from "../../src/stores/caching-key-value-store.js";
import { RecordCache } from "../../src/stores/record-cache.js";
import { TaskOverlay } from "../../src/stores/task-overlay.js";
import { InMemoryTaskStorage } from "../../src/stores/in-memory-task-storage.js";
import { valueAndTimestampSerde } from "../../src/stores/value-and-timestamp.js";
import { StoreClosedError } from "../../src/stores/errors.js";
import { DeserializationError } from "../../src/serdes/errors.js";
import { Serdes } from "../../src/serdes/serdes.js";
import { keyValueStoreContract } from "./key-value-store-contract.js";
import { withTempStateDir } from "./temp-state-dir.js";

// Values go through MessagePack (a Buffer round-trips as MessagePack bin), so the
// contract also covers a value serde that changes the bytes.
keyValueStoreContract(
  "TypedKeyValueStore with MessagePack values over LevelDB",
  async () => {
    const dir = await withTempStateDir();
    const storage = await LevelDbTaskStorage.open({ stateDir: dir.stateDir, applicationId: "app", taskId: "0_0" });
    return {
      store: new TypedKeyValueStore(storage.store("contract"), Serdes.bytes(), Serdes.msgpack<Buffer>()),
      close: async () => {
        await storage.close();
        await dir.remove();
      },
    };
  },
  { bytesLevel: false },
);

async function collect<T>(iterator: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterator) out.push(item);
  return out;
}

describe("TypedKeyValueStore", () => {
  it("stores plain objects as MessagePack by default", async () => {
    const bytes = new InMemoryKeyValueBytesStore("accounts");
    const store = new TypedKeyValueStore<string, { balance: number; owner: string }>(bytes, Serdes.string());
    await store.put("acct-1", { balance: 10, owner: "ana" });
    expect(await store.get("acct-1")).toEqual({ balance: 10, owner: "ana" });
    const raw = await bytes.get(Buffer.from("acct-1"));
    expect(raw?.toString("hex")).toBe("82a762616c616e63650aa56f776e6572a3616e61");
    expect(store.valueSerde.name).toBe("msgpack");
  });

  it("ranges and prefix-scans string keys in UTF-8 order", async () => {
    const store = new TypedKeyValueStore(new InMemoryKeyValueBytesStore("visits"), Serdes.string(), Serdes.long());
    for (const [url, count] of [
      ["/home", 3],
      ["/docs/intro", 1],
      ["/docs/api", 7],
      ["/about", 2],
      ["/docs", 4],
    ] as const) {
      await store.put(url, count);
    }
    expect((await collect(store.prefixScan("/docs/"))).map((entry) => entry.key)).toEqual(["/docs/api", "/docs/intro"]);
    expect(await collect(store.range("/b", "/docs/b"))).toEqual([
      { key: "/docs", value: 4 },
      { key: "/docs/api", value: 7 },
    ]);
    expect((await collect(store.reverseRange(undefined, "/docs"))).map((entry) => entry.key)).toEqual([
      "/docs",
      "/about",
    ]);
  });

  it("orders Serdes.long() keys by their bytes: negatives after positives, as in Kafka Streams", async () => {
    const store = new TypedKeyValueStore(new InMemoryKeyValueBytesStore("by-id"), Serdes.long(), Serdes.string());
    for (const id of [5, -1, 0, 300, -300]) await store.put(id, `id ${id}`);
    expect((await collect(store.all())).map((entry) => entry.key)).toEqual([0, 5, 300, -300, -1]);
  });

  it("deletes on put(key, null), as Kafka Streams does", async () => {
    const store = new TypedKeyValueStore<string, string | null>(
      new InMemoryKeyValueBytesStore("s"),
      Serdes.string(),
      Serdes.string(),
    );
    await store.put("k", "v");
    await store.put("k", null);
    expect(await store.get("k")).toBeUndefined();
    expect(await store.approximateNumEntries()).toBe(0);
  });

  it("reports undecodable stored bytes with the store in the error context", async () => {
    const bytes = new InMemoryKeyValueBytesStore("counts");
    await bytes.put(Buffer.from("k"), Buffer.from([1, 2, 3]));
    const store = new TypedKeyValueStore(bytes, Serdes.string(), Serdes.long());
    const error = await store.get("k").then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(DeserializationError);
    expect((error as DeserializationError).context).toEqual({ store: "counts", part: "value" });
    expect((error as Error).message).toContain('the value of store "counts"');
  });

  it("serves interactive queries through a read-only view", async () => {
    const store = new TypedKeyValueStore(new InMemoryKeyValueBytesStore("counts"), Serdes.string(), Serdes.long());
    await store.put("a", 1);
    const view = new ReadOnlyKeyValueView(store);
    expect(view.name).toBe("counts");
    expect(await view.get("a")).toBe(1);
    expect(await collect(view.all())).toEqual([{ key: "a", value: 1 }]);
    expect(await view.approximateNumEntries()).toBe(1);
    expect("put" in view).toBe(false);
    expect("delete" in view).toBe(false);
  });
});

describe("reads without a promise (getNow)", () => {
  it("reads committed LevelDB and memory at once, through the timestamped facade and the view", async () => {
    const dir = await withTempStateDir();
    const storage = await LevelDbTaskStorage.open({ stateDir: dir.stateDir, applicationId: "app", taskId: "0_0" });
    try {
      for (const bytes of [storage.store("counts"), new InMemoryKeyValueBytesStore("counts")]) {
        const stamped = new TypedKeyValueStore(bytes, Serdes.string(), valueAndTimestampSerde(Serdes.long()));
        await stamped.put("a", { value: 7, timestamp: 42 });
        const view = new ReadOnlyKeyValueView(new KeyValueStoreFacade(stamped));
        expect(view.readsNow).toBe(true);
        expect(view.getNow("a")).toBe(7);
        expect(view.getNow("b")).toBeUndefined();
        expect(stamped.getNow("a")).toEqual({ value: 7, timestamp: 42 });
        // What get() answers, getNow() answers.
        expect(await view.get("a")).toBe(view.getNow("a"));
      }
      const committed = new ReadOnlyKeyValueView(new TypedKeyValueStore(storage.store("counts"), Serdes.string()));
      await storage.close();
      expect(() => committed.getNow("a")).toThrow(StoreClosedError);
    } finally {
      await storage.close();
      await dir.remove();
    }
  });

  it("declines over an open transaction's overlay and behind the record cache", async () => {
    const storage = new InMemoryTaskStorage("0_0");
    const memory = storage.store("counts");
    const overlay = new TaskOverlay(storage);
    const overThe = new ReadOnlyKeyValueView(new TypedKeyValueStore(overlay.store("counts"), Serdes.string()));
    expect(overThe.readsNow).toBe(false);
    expect(() => overThe.getNow("a")).toThrow(TypeError);
    const cached = new CachingKeyValueStore(memory, Serdes.string(), Serdes.long(), {
      cache: new RecordCache(1 << 16),
      namespace: "0_0-counts",
      context: { recordContext: () => undefined, runInContext: (_context, work) => work() },
      forwarding: false,
    });
    // The cache may hold what the bytes beneath do not: its reads are peek()'s.
    expect(cached.readsNow).toBe(false);
    expect(() => cached.getNow("a")).toThrow(TypeError);
    expect(
      new KeyValueStoreFacade(
        new TypedKeyValueStore(overlay.store("counts"), Serdes.string(), valueAndTimestampSerde(Serdes.long())),
      ).readsNow,
    ).toBe(false);
  });
});
