// The contract every key-value store honours, run against each implementation and
// each layering (bytes stores, typed store, overlay). Keys and values are Buffers so
// that binary keys (empty, 0x00, 0xff) are exercised; the expected order is computed
// independently with Buffer.compare, which is unsigned byte-wise.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { KeyValue, KeyValueBytesStore, KeyValueStore } from "../../src/stores/key-value-store.js";

export interface ContractSubject {
  store: KeyValueStore<Buffer, Buffer>;
  /** The bytes store under test, when there is one: runs the bytes-level cases too. */
  bytes?: KeyValueBytesStore;
  close(): Promise<void>;
}

const b = (text: string): Buffer => Buffer.from(text, "utf8");
const x = (hex: string): Buffer => Buffer.from(hex, "hex");
const sorted = (keys: Buffer[]): Buffer[] => [...keys].sort(Buffer.compare);

async function collect<T>(iterator: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterator) out.push(item);
  return out;
}

async function keysOf(iterator: AsyncIterable<KeyValue<Buffer, Buffer>>): Promise<string[]> {
  return (await collect(iterator)).map((entry) => entry.key.toString("hex"));
}

const hexes = (keys: Buffer[]): string[] => keys.map((key) => key.toString("hex"));

/** A seeded PRNG (mulberry32), so a failing random sequence can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `bytesLevel`: the subject exposes its bytes store, so the bytes-level cases run too. */
export function keyValueStoreContract(
  label: string,
  open: () => Promise<ContractSubject>,
  options: { bytesLevel: boolean },
): void {
  describe(`${label} (key-value store contract)`, () => {
    let subject: ContractSubject;
    let store: KeyValueStore<Buffer, Buffer>;

    beforeEach(async () => {
      subject = await open();
      store = subject.store;
    });

    afterEach(async () => {
      await subject.close();
    });

    const put = async (...keys: Buffer[]): Promise<void> => {
      for (const key of keys) await store.put(key, Buffer.concat([b("v:"), key]));
    };

    it("gets what was put, overwrites, and answers undefined for absent keys", async () => {
      expect(await store.get(b("missing"))).toBeUndefined();
      await store.put(b("k"), b("one"));
      expect((await store.get(b("k")))?.toString()).toBe("one");
      await store.put(b("k"), b("two"));
      expect((await store.get(b("k")))?.toString()).toBe("two");
      await store.put(b("empty"), Buffer.alloc(0));
      expect((await store.get(b("empty")))?.length).toBe(0);
    });

    it("iterates all entries in unsigned byte-wise key order, with their values", async () => {
      const keys = [b("b"), b("a"), b("ab"), x("ff"), x("00"), x("7f"), x("80"), b("A"), b("aa"), x("0000")];
      await put(...keys);
      const entries = await collect(store.all());
      expect(entries.map((entry) => entry.key.toString("hex"))).toEqual(hexes(sorted(keys)));
      for (const entry of entries)
        expect(entry.value.toString("hex")).toBe(Buffer.concat([b("v:"), entry.key]).toString("hex"));
    });

    it("orders binary keys, including the empty key and 0x00 / 0xff bytes", async () => {
      const keys = [x("ff00"), x("00"), Buffer.alloc(0), x("ff"), x("0000"), x("01"), x("00ff"), x("ffff"), x("fe")];
      await put(...keys);
      expect(await keysOf(store.all())).toEqual(["", "00", "0000", "00ff", "01", "fe", "ff", "ff00", "ffff"]);
      expect((await store.get(Buffer.alloc(0)))?.toString("hex")).toBe(b("v:").toString("hex"));
      expect((await store.get(x("00")))?.toString("hex")).toBe(Buffer.concat([b("v:"), x("00")]).toString("hex"));
      expect(await store.get(x("000000"))).toBeUndefined();
    });

    it("orders unicode keys by their UTF-8 bytes, not by UTF-16 code units", async () => {
      // U+FF5E (3 UTF-8 bytes, ef bd 9e) sorts before U+1F600 (f0 9f 98 80) in UTF-8,
      // but after it in UTF-16 ("\ud83d" < "\uff5e").
      const words = ["zebra", "Zürich", "日本", "😀", "～", "é", "e"];
      await put(...words.map(b));
      const keys = (await collect(store.all())).map((entry) => entry.key.toString("utf8"));
      expect(keys).toEqual(["Zürich", "e", "zebra", "é", "日本", "～", "😀"]);
      expect((await store.get(b("日本")))?.toString()).toBe("v:日本");
    });

    it("ranges with inclusive bounds, present or not", async () => {
      await put(b("a"), b("b"), b("c"), b("d"), b("e"));
      expect(await keysOf(store.range(b("b"), b("d")))).toEqual(hexes([b("b"), b("c"), b("d")]));
      expect(await keysOf(store.range(b("bb"), b("dd")))).toEqual(hexes([b("c"), b("d")]));
      expect(await keysOf(store.range(b("c"), b("c")))).toEqual(hexes([b("c")]));
      expect(await keysOf(store.range(b("a0"), b("a1")))).toEqual([]);
      expect(await keysOf(store.range(b("d"), b("b")))).toEqual([]);
    });

    it("ranges with open bounds", async () => {
      await put(b("a"), b("b"), b("c"));
      expect(await keysOf(store.range(b("b")))).toEqual(hexes([b("b"), b("c")]));
      expect(await keysOf(store.range(undefined, b("b")))).toEqual(hexes([b("a"), b("b")]));
      expect(await keysOf(store.range())).toEqual(hexes([b("a"), b("b"), b("c")]));
    });

    it("reverse-ranges from the upper bound down, with the same bounds", async () => {
      await put(b("a"), b("b"), b("c"), b("d"), b("e"));
      expect(await keysOf(store.reverseRange(b("b"), b("d")))).toEqual(hexes([b("d"), b("c"), b("b")]));
      expect(await keysOf(store.reverseRange(b("bb"), b("dd")))).toEqual(hexes([b("d"), b("c")]));
      expect(await keysOf(store.reverseRange(b("c")))).toEqual(hexes([b("e"), b("d"), b("c")]));
      expect(await keysOf(store.reverseRange(undefined, b("b")))).toEqual(hexes([b("b"), b("a")]));
      expect(await keysOf(store.reverseRange())).toEqual(hexes([b("e"), b("d"), b("c"), b("b"), b("a")]));
      expect(await keysOf(store.reverseRange(b("d"), b("b")))).toEqual([]);
    });

    it("prefix-scans serialized keys", async () => {
      await put(b("a"), b("ab"), b("abc"), b("abd"), b("ac"), b("b"), b("aa"));
      expect(await keysOf(store.prefixScan(b("ab")))).toEqual(hexes([b("ab"), b("abc"), b("abd")]));
      expect(await keysOf(store.prefixScan(b("abc")))).toEqual(hexes([b("abc")]));
      expect(await keysOf(store.prefixScan(b("x")))).toEqual([]);
      expect((await keysOf(store.prefixScan(Buffer.alloc(0)))).length).toBe(7);
    });

    it("prefix-scans a prefix ending in 0xff, and one made only of 0xff", async () => {
      const keys = [
        x("01fe"),
        x("01feff"),
        x("01ff"),
        x("01ff00"),
        x("01ffff05"),
        x("02"),
        x("ff"),
        x("ffff"),
        x("ffff01"),
        x("fffe"),
      ];
      await put(...keys);
      expect(await keysOf(store.prefixScan(x("01ff")))).toEqual(["01ff", "01ff00", "01ffff05"]);
      expect(await keysOf(store.prefixScan(x("01fe")))).toEqual(["01fe", "01feff"]);
      expect(await keysOf(store.prefixScan(x("ffff")))).toEqual(["ffff", "ffff01"]);
      expect(await keysOf(store.prefixScan(x("ff")))).toEqual(["ff", "fffe", "ffff", "ffff01"]);
    });

    it("deletes, returning the old value, and forgets the key everywhere", async () => {
      await put(b("a"), b("b"), b("c"));
      expect((await store.delete(b("b")))?.toString()).toBe("v:b");
      expect(await store.delete(b("b"))).toBeUndefined();
      expect(await store.delete(b("zz"))).toBeUndefined();
      expect(await store.get(b("b"))).toBeUndefined();
      expect(await keysOf(store.all())).toEqual(hexes([b("a"), b("c")]));
      expect(await keysOf(store.reverseRange())).toEqual(hexes([b("c"), b("a")]));
      expect(await keysOf(store.prefixScan(b("b")))).toEqual([]);
      await store.put(b("b"), b("again"));
      expect((await store.get(b("b")))?.toString()).toBe("again");
    });

    it("putIfAbsent writes only absent keys and returns the existing value", async () => {
      expect(await store.putIfAbsent(b("k"), b("first"))).toBeUndefined();
      expect((await store.putIfAbsent(b("k"), b("second")))?.toString()).toBe("first");
      expect((await store.get(b("k")))?.toString()).toBe("first");
      await store.delete(b("k"));
      expect(await store.putIfAbsent(b("k"), b("third"))).toBeUndefined();
      expect((await store.get(b("k")))?.toString()).toBe("third");
    });

    it("putAll writes every entry, the last one winning for a repeated key", async () => {
      await store.putAll([
        { key: b("x"), value: b("1") },
        { key: b("y"), value: b("2") },
        { key: b("x"), value: b("3") },
      ]);
      await store.putAll([]);
      expect((await collect(store.all())).map((entry) => `${entry.key}=${entry.value}`)).toEqual(["x=3", "y=2"]);
    });

    it("counts entries through inserts, overwrites and deletes", async () => {
      expect(await store.approximateNumEntries()).toBe(0);
      await put(b("a"), b("b"), b("c"));
      await put(b("a"));
      await store.delete(b("b"));
      await store.delete(b("missing"));
      expect(await store.approximateNumEntries()).toBe(2);
    });

    it("keeps iterating in order while the store is written to", async () => {
      const keys = Array.from({ length: 400 }, (_, i) => b(`key-${String(i * 7).padStart(5, "0")}`));
      await put(...keys);
      // Keys the loop touches are "volatile": they may or may not be seen. Every other
      // key must be seen exactly once, in order.
      const volatile = new Set<string>();
      const seen: string[] = [];
      let step = 0;
      for await (const { key } of store.all()) {
        seen.push(key.toString());
        step += 1;
        // Writes stop after as many steps as there were keys, or the keys inserted ahead
        // of the iterator would keep it going.
        if (step > keys.length) continue;
        const ahead = b(`key-${String(step * 7 * 3).padStart(5, "0")}`);
        const inserted = b(`key-${String(step * 7 + 3).padStart(5, "0")}`);
        volatile.add(ahead.toString());
        volatile.add(inserted.toString());
        await store.delete(ahead);
        await store.put(inserted, b("new"));
        await store.put(b(`key-${String(step * 7).padStart(5, "0")}`), b("overwritten"));
      }
      const ordered = [...seen].sort();
      expect(seen).toEqual(ordered);
      expect(new Set(seen).size).toBe(seen.length);
      const stable = keys.map((key) => key.toString()).filter((key) => !volatile.has(key));
      const seenSet = new Set(seen);
      expect(stable.filter((key) => !seenSet.has(key))).toEqual([]);
    });

    it("matches a reference model over a long random sequence of operations", async () => {
      const next = random(20240611);
      const model = new Map<string, string>();
      const keyAt = (): Buffer => {
        const n = Math.floor(next() * 600);
        return n % 5 === 0 ? Buffer.from([n & 0xff, 0xff, n >> 8]) : b(`k${n}`);
      };
      for (let i = 0; i < 1500; i += 1) {
        const key = keyAt();
        const hex = key.toString("hex");
        const roll = next();
        if (roll < 0.55) {
          const value = b(`v${i}`);
          await store.put(key, value);
          model.set(hex, value.toString("hex"));
        } else if (roll < 0.75) {
          const previous = await store.delete(key);
          expect(previous?.toString("hex")).toBe(model.get(hex));
          model.delete(hex);
        } else if (roll < 0.85) {
          const value = b(`p${i}`);
          const existing = await store.putIfAbsent(key, value);
          expect(existing?.toString("hex")).toBe(model.get(hex));
          if (existing === undefined) model.set(hex, value.toString("hex"));
        } else {
          expect((await store.get(key))?.toString("hex")).toBe(model.get(hex));
        }
      }
      const expected = [...model.entries()].sort(([a], [c]) => Buffer.compare(x(a), x(c)));
      const all = (await collect(store.all())).map((entry) => [entry.key.toString("hex"), entry.value.toString("hex")]);
      expect(all).toEqual(expected);
      const reversed = (await collect(store.reverseRange())).map((entry) => entry.key.toString("hex"));
      expect(reversed).toEqual(expected.map(([key]) => key).reverse());
      const from = b("k2");
      const to = b("k4");
      const inRange = expected.filter(([key]) => Buffer.compare(x(key), from) >= 0 && Buffer.compare(x(key), to) <= 0);
      expect(await keysOf(store.range(from, to))).toEqual(inRange.map(([key]) => key));
      expect(await keysOf(store.prefixScan(b("k3")))).toEqual(
        expected.filter(([key]) => x(key).toString("utf8").startsWith("k3")).map(([key]) => key),
      );
      expect(await store.approximateNumEntries()).toBe(model.size);
    });

    // Declared only for subjects that have a bytes store: a contract suite reports no skipped cases.
    if (!options.bytesLevel) return;
    describe("bytes level", () => {
      const bytesStore = (): KeyValueBytesStore => {
        if (subject.bytes === undefined) throw new Error(`${label} declares bytesLevel but exposes no bytes store`);
        return subject.bytes;
      };

      it("iterates with exclusive and inclusive bounds, in both directions", async () => {
        const bytes = bytesStore();
        await put(b("a"), b("b"), b("c"), b("d"));
        const keys = async (range: Parameters<KeyValueBytesStore["iterate"]>[0]): Promise<string[]> =>
          (await collect(bytes.iterate(range))).map(([key]) => key.toString());
        expect(await keys({ gt: b("a"), lt: b("d") })).toEqual(["b", "c"]);
        expect(await keys({ gte: b("a"), lt: b("c"), reverse: true })).toEqual(["b", "a"]);
        expect(await keys({ gt: b("b"), reverse: true })).toEqual(["d", "c"]);
        expect(await keys({ gte: b("b"), gt: b("b") })).toEqual(["c", "d"]);
        expect(await keys({ gt: b("b"), lt: b("c") })).toEqual([]);
        expect(await keys({ gt: b("c"), lte: b("c") })).toEqual([]);
      });

      it("applies a batch of puts and deletes", async () => {
        const bytes = bytesStore();
        await put(b("a"), b("b"));
        await bytes.write([
          [b("a"), null],
          [b("c"), b("3")],
          [b("b"), b("2")],
          [b("never"), null],
        ]);
        expect((await collect(bytes.iterate({}))).map(([key, value]) => `${key}=${value}`)).toEqual(["b=2", "c=3"]);
      });
    });
  });
}
