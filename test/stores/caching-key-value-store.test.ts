import { describe, expect, it } from "vitest";
import { CachingKeyValueStore, NOT_CACHED } from "../../src/stores/caching-key-value-store.js";
import { InMemoryKeyValueBytesStore } from "../../src/stores/in-memory-bytes-store.js";
import { InMemoryTaskStorage } from "../../src/stores/in-memory-task-storage.js";
import { TaskOverlay } from "../../src/stores/task-overlay.js";
import { TypedKeyValueStore } from "../../src/stores/typed-key-value-store.js";
import { Serdes } from "../../src/serdes/serdes.js";

/** A bytes store that counts the reads reaching it. */
class CountingStore extends InMemoryKeyValueBytesStore {
  reads = 0;
  override get(key: Buffer): Promise<Buffer | undefined> {
    this.reads += 1;
    return super.get(key);
  }
}

interface Account {
  balance: number;
}

describe("CachingKeyValueStore", () => {
  it("answers repeated reads of a key, present or absent, without reaching the store beneath", async () => {
    const bytes = new CountingStore("accounts");
    const store = new CachingKeyValueStore(bytes, Serdes.string(), Serdes.json<Account>());
    expect(await store.get("a")).toBeUndefined();
    expect(await store.get("a")).toBeUndefined();
    expect(bytes.reads).toBe(1);
    await store.put("a", { balance: 10 });
    expect(await store.get("a")).toEqual({ balance: 10 });
    expect(bytes.reads).toBe(1);
    await bytes.put(Buffer.from("b"), Buffer.from(JSON.stringify({ balance: 5 })));
    expect(await store.get("b")).toEqual({ balance: 5 });
    expect(await store.get("b")).toEqual({ balance: 5 });
    expect(bytes.reads).toBe(2);
    expect(store.cachedKeys).toBe(2);
  });

  it("hands out a fresh object on every read, so a processor mutating one changes nothing", async () => {
    const store = new CachingKeyValueStore(
      new InMemoryKeyValueBytesStore("s"),
      Serdes.string(),
      Serdes.json<Account>(),
    );
    await store.put("a", { balance: 1 });
    const first = (await store.get("a"))!;
    first.balance = 99;
    expect(await store.get("a")).toEqual({ balance: 1 });
  });

  it("follows deletes, putIfAbsent, putAll and null puts", async () => {
    const bytes = new CountingStore("s");
    const store = new CachingKeyValueStore(bytes, Serdes.string(), Serdes.json<Account>());
    await store.put("a", { balance: 1 });
    expect(await store.delete("a")).toEqual({ balance: 1 });
    expect(await store.get("a")).toBeUndefined();
    expect(await store.putIfAbsent("a", { balance: 2 })).toBeUndefined();
    expect(await store.putIfAbsent("a", { balance: 3 })).toEqual({ balance: 2 });
    await store.putAll([
      { key: "a", value: { balance: 4 } },
      { key: "b", value: { balance: 5 } },
    ]);
    expect(await store.get("a")).toEqual({ balance: 4 });
    expect(await store.get("b")).toEqual({ balance: 5 });
    await store.put("b", null as unknown as Account);
    expect(await store.get("b")).toBeUndefined();
    expect(await bytes.get(Buffer.from("b"))).toBeUndefined();
  });

  it("passes keys other than strings through to the store beneath", async () => {
    const bytes = new CountingStore("s");
    const store = new CachingKeyValueStore(bytes, Serdes.long(), Serdes.string());
    await store.put(7, "seven");
    expect(await store.get(7)).toBe("seven");
    expect(await store.get(7)).toBe("seven");
    expect(bytes.reads).toBe(2);
    expect(store.cachedKeys).toBe(0);
  });

  it("agrees with an uncached store over a long random sequence, through overlay commits, with a budget that overflows", async () => {
    const overlay = new TaskOverlay(new InMemoryTaskStorage("0_0"));
    const cached = new CachingKeyValueStore(overlay.store("s"), Serdes.string(), Serdes.json<number>(), 2_000);
    const plain = new TypedKeyValueStore(new InMemoryKeyValueBytesStore("s"), Serdes.string(), Serdes.json<number>());
    let state = 42;
    const next = (n: number): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state % n;
    };
    for (let i = 0; i < 5_000; i += 1) {
      const key = `k${next(60)}`;
      const op = next(10);
      if (op < 5) expect(await cached.get(key)).toEqual(await plain.get(key));
      else if (op < 8) {
        await cached.put(key, i);
        await plain.put(key, i);
      } else if (op < 9) expect(await cached.delete(key)).toEqual(await plain.delete(key));
      else await overlay.commit();
    }
    const all = async (store: TypedKeyValueStore<string, number>) => {
      const out: Array<[string, number]> = [];
      for await (const { key, value } of store.all()) out.push([key, value]);
      return out;
    };
    expect(await all(cached)).toEqual(await all(plain));
    expect(cached.cachedKeys).toBeLessThanOrEqual(60);
  });

  it("peeks at cached keys only, and writes through an overlay at once (putNow)", async () => {
    const overlay = new TaskOverlay(new InMemoryTaskStorage("0_0"));
    const store = new CachingKeyValueStore(overlay.store("accounts"), Serdes.string(), Serdes.json<Account>());
    expect(store.peek("a")).toBe(NOT_CACHED);
    expect(await store.get("a")).toBeUndefined();
    expect(store.peek("a")).toBeUndefined();
    expect(store.putNow("a", { balance: 3 })).toBe(true);
    expect(store.peek("a")).toEqual({ balance: 3 });
    expect(await overlay.store("accounts").get(Buffer.from("a"))).toEqual(Buffer.from('{"balance":3}'));
    await overlay.commit(new Map());
    expect(await store.get("a")).toEqual({ balance: 3 });

    const direct = new CachingKeyValueStore(
      new InMemoryKeyValueBytesStore("s"),
      Serdes.string(),
      Serdes.json<Account>(),
    );
    expect(direct.putNow("a", { balance: 1 })).toBe(false);
    expect(direct.peek("a")).toBe(NOT_CACHED);
  });
});
