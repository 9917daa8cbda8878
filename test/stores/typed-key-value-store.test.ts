import { describe, expect, it } from "vitest";
import { InMemoryKeyValueBytesStore } from "../../src/stores/in-memory-bytes-store.js";
import { LevelDbTaskStorage } from "../../src/stores/leveldb-task-storage.js";
import { ReadOnlyKeyValueView } from "../../src/stores/read-only-key-value-view.js";
import { TypedKeyValueStore } from "../../src/stores/typed-key-value-store.js";
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
