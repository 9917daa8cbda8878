import { describe, expect, it } from "vitest";
import { InMemoryKeyValueBytesStore } from "../../src/stores/in-memory-bytes-store.js";
import { StoreClosedError } from "../../src/stores/errors.js";
import { TypedKeyValueStore } from "../../src/stores/typed-key-value-store.js";
import { Serdes } from "../../src/serdes/serdes.js";
import { keyValueStoreContract } from "./key-value-store-contract.js";

keyValueStoreContract(
  "InMemoryKeyValueBytesStore",
  async () => {
    const bytes = new InMemoryKeyValueBytesStore("contract");
    return {
      store: new TypedKeyValueStore(bytes, Serdes.bytes(), Serdes.bytes()),
      bytes,
      close: async () => bytes.close(),
    };
  },
  { bytesLevel: true },
);

describe("InMemoryKeyValueBytesStore", () => {
  it("refuses every operation once closed, including a running iteration", async () => {
    const store = new InMemoryKeyValueBytesStore("closing");
    for (let i = 0; i < 100; i += 1) await store.put(Buffer.from([i]), Buffer.from([i]));
    const iterator = store.iterate({});
    await iterator.next();
    store.close();
    await expect(iterator.next()).rejects.toBeInstanceOf(StoreClosedError);
    await expect(store.get(Buffer.from([1]))).rejects.toThrow(/"closing" is closed/);
    await expect(store.put(Buffer.from([1]), Buffer.alloc(0))).rejects.toBeInstanceOf(StoreClosedError);
  });

  it("applies nothing from a batch whose iterable throws", async () => {
    const store = new InMemoryKeyValueBytesStore("batch");
    function* failing(): Generator<[Buffer, Buffer | null]> {
      yield [Buffer.from("a"), Buffer.from("1")];
      throw new Error("producer of the batch failed");
    }
    await expect(store.write(failing())).rejects.toThrow("producer of the batch failed");
    expect(await store.approximateNumEntries()).toBe(0);
  });
});
