import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StoreClosedError } from "../../src/stores/errors.js";
import { LevelDbTaskStorage } from "../../src/stores/leveldb-task-storage.js";
import { TypedKeyValueStore } from "../../src/stores/typed-key-value-store.js";
import { Serdes } from "../../src/serdes/serdes.js";
import { keyValueStoreContract } from "./key-value-store-contract.js";
import { withTempStateDir } from "./temp-state-dir.js";

keyValueStoreContract(
  "LevelDbKeyValueBytesStore",
  async () => {
    const dir = await withTempStateDir();
    const storage = await LevelDbTaskStorage.open({ stateDir: dir.stateDir, applicationId: "app", taskId: "0_0" });
    // A neighbouring store with overlapping keys must never show through.
    const neighbour = storage.store("contract-");
    await neighbour.write([
      [Buffer.from("a"), Buffer.from("neighbour")],
      [Buffer.alloc(0), Buffer.from("neighbour")],
      [Buffer.from([0xff]), Buffer.from("neighbour")],
    ]);
    const bytes = storage.store("contract");
    return {
      store: new TypedKeyValueStore(bytes, Serdes.bytes(), Serdes.bytes()),
      bytes,
      close: async () => {
        await storage.close();
        await dir.remove();
      },
    };
  },
  { bytesLevel: true },
);

describe("LevelDbKeyValueBytesStore", () => {
  let dir: Awaited<ReturnType<typeof withTempStateDir>>;
  let storage: LevelDbTaskStorage;

  beforeEach(async () => {
    dir = await withTempStateDir();
    storage = await LevelDbTaskStorage.open({ stateDir: dir.stateDir, applicationId: "app", taskId: "1_3" });
  });

  afterEach(async () => {
    await storage.close();
    await dir.remove();
  });

  it("keeps the stores of one task apart, even when names share a prefix", async () => {
    const names = ["a", "ab", "a.b", "a-", "b"];
    for (const name of names) {
      await storage.store(name).write([
        [Buffer.from("k"), Buffer.from(name)],
        [Buffer.alloc(0), Buffer.from(name)],
        [Buffer.from([0xff, 0xff]), Buffer.from(name)],
      ]);
    }
    for (const name of names) {
      const store = storage.store(name);
      const entries: string[] = [];
      for await (const [key, value] of store.iterate({})) entries.push(`${key.toString("hex")}=${value.toString()}`);
      expect(entries).toEqual([`=${name}`, `6b=${name}`, `ffff=${name}`]);
      const reversed: string[] = [];
      for await (const [key] of store.iterate({ reverse: true })) reversed.push(key.toString("hex"));
      expect(reversed).toEqual(["ffff", "6b", ""]);
      expect(await store.approximateNumEntries()).toBe(3);
    }
  });

  it("stops an iteration that is abandoned early without leaking the LevelDB iterator", async () => {
    const store = storage.store("s");
    await store.write(Array.from({ length: 100 }, (_, i): [Buffer, Buffer] => [Buffer.from([i]), Buffer.from([i])]));
    let seen = 0;
    for await (const _entry of store.iterate({})) {
      seen += 1;
      if (seen === 3) break;
    }
    expect(seen).toBe(3);
    // close() waits for open iterators; it settling proves the iterator was closed.
    await storage.close();
    await expect(store.get(Buffer.from([1]))).rejects.toBeInstanceOf(StoreClosedError);
  });

  it("fails an iteration that outlives its database with StoreClosedError", async () => {
    const store = storage.store("s");
    await store.write(
      Array.from({ length: 300 }, (_, i): [Buffer, Buffer] => [Buffer.from(`k${1000 + i}`), Buffer.from("v")]),
    );
    const iterator = store.iterate({});
    await iterator.next();
    await storage.close();
    await expect(iterator.next()).rejects.toBeInstanceOf(StoreClosedError);
    await expect(store.put(Buffer.from("k"), Buffer.from("v"))).rejects.toThrow(/State store "s" is closed/);
  });
});
