// What every TaskStorage honours (LevelDB on disk, in memory): atomic multi-store
// commits with the checkpoint, the restore path, and closing.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { changelogPartition } from "../../src/stores/checkpoint.js";
import { InvalidCheckpointError, InvalidStoreNameError, StoreClosedError } from "../../src/stores/errors.js";
import type { StoreWrites, TaskStorage } from "../../src/stores/task-storage.js";

const b = (text: string): Buffer => Buffer.from(text, "utf8");

async function entries(storage: TaskStorage, store: string): Promise<string[]> {
  const out: string[] = [];
  for await (const [key, value] of storage.store(store).iterate({})) out.push(`${key}=${value}`);
  return out;
}

export function taskStorageContract(
  label: string,
  open: () => Promise<{ storage: TaskStorage; dispose(): Promise<void> }>,
): void {
  describe(`${label} (task storage contract)`, () => {
    let storage: TaskStorage;
    let dispose: () => Promise<void>;

    beforeEach(async () => {
      ({ storage, dispose } = await open());
    });

    afterEach(async () => {
      await storage.close();
      await dispose();
    });

    it("commits the writes of several stores and the checkpoint together", async () => {
      await storage.store("balances").put(b("old"), b("gone"));
      await storage.commit(
        new Map<string, StoreWrites>([
          [
            "balances",
            [
              [b("acct-1"), b("100")],
              [b("old"), null],
              [b("acct-2"), b("5")],
              [b("acct-2"), b("6")],
            ],
          ],
          ["events", [[b("e1"), b("deposited")]]],
        ]),
        new Map([
          [changelogPartition("bank-balances-changelog", 2), 41],
          [changelogPartition("bank-events-changelog", 2), 7],
        ]),
      );
      expect(await entries(storage, "balances")).toEqual(["acct-1=100", "acct-2=6"]);
      expect(await entries(storage, "events")).toEqual(["e1=deposited"]);
      expect(await storage.readCheckpoint()).toEqual(
        new Map([
          ["bank-balances-changelog:2", 41],
          ["bank-events-changelog:2", 7],
        ]),
      );
      // A later checkpoint merges: partitions it does not name keep their offsets.
      await storage.commit(new Map(), new Map([["bank-balances-changelog:2", 45]]));
      expect(await storage.readCheckpoint()).toEqual(
        new Map([
          ["bank-balances-changelog:2", 45],
          ["bank-events-changelog:2", 7],
        ]),
      );
    });

    it("writes nothing, not even the checkpoint, when a commit fails", async () => {
      function* failing(): Generator<[Buffer, Buffer | null]> {
        yield [b("k1"), b("v1")];
        throw new Error("serializer failed");
      }
      await expect(
        storage.commit(
          new Map<string, StoreWrites>([
            ["a", [[b("k0"), b("v0")]]],
            ["b", failing()],
          ]),
          new Map([["app-a-changelog:0", 10]]),
        ),
      ).rejects.toThrow("serializer failed");
      await expect(
        storage.commit(
          new Map<string, StoreWrites>([["a", [[b("k0"), b("v0")]]]]),
          new Map([["app-a-changelog:0", -1]]),
        ),
      ).rejects.toBeInstanceOf(InvalidCheckpointError);
      await expect(
        storage.commit(
          new Map<string, StoreWrites>([
            ["a", [[b("k0"), b("v0")]]],
            ["bad/name", []],
          ]),
        ),
      ).rejects.toBeInstanceOf(InvalidStoreNameError);
      expect(await entries(storage, "a")).toEqual([]);
      expect(await entries(storage, "b")).toEqual([]);
      expect(await storage.readCheckpoint()).toEqual(new Map());
    });

    it("moves the stores' stream times up with a commit, never back, and not at all when the commit fails", async () => {
      await storage.commit(new Map(), undefined, new Map([["windows", 500]]));
      await storage.commit(
        new Map(),
        undefined,
        new Map([
          ["windows", 200],
          ["sessions", 90],
        ]),
      );
      expect(storage.streamTimes.get("windows")).toBe(500);
      expect(storage.streamTimes.get("sessions")).toBe(90);
      await expect(
        storage.commit(
          new Map<string, StoreWrites>([["bad/name", [[b("k"), b("v")]]]]),
          undefined,
          new Map([["windows", 900]]),
        ),
      ).rejects.toBeInstanceOf(InvalidStoreNameError);
      expect(storage.streamTimes.get("windows")).toBe(500);
    });

    it("restores changelog records, tombstones included, and advances the checkpoint with them", async () => {
      await storage.store("counts").put(b("deleted-later"), b("1"));
      await storage.restore(
        "counts",
        [
          { key: b("a"), value: b("1") },
          { key: b("a"), value: b("2") },
          { key: b("deleted-later"), value: null },
          { key: b("b"), value: b("9") },
        ],
        "app-counts-changelog:1",
        1234,
      );
      expect(await entries(storage, "counts")).toEqual(["a=2", "b=9"]);
      expect(await storage.readCheckpoint()).toEqual(new Map([["app-counts-changelog:1", 1234]]));
      await expect(storage.restore("counts", [], "not a partition", 1)).rejects.toBeInstanceOf(InvalidCheckpointError);
      await expect(storage.restore("counts", [], "app-counts-changelog:1", Number.NaN)).rejects.toBeInstanceOf(
        InvalidCheckpointError,
      );
    });

    it("keeps what it restored even when the caller reuses the record buffers", async () => {
      const key = b("key");
      const value = b("value");
      await storage.restore("counts", [{ key, value }], "app-counts-changelog:0", 1);
      key.fill(0);
      value.fill(0);
      expect(await entries(storage, "counts")).toEqual(["key=value"]);
    });

    it("returns a checkpoint that later commits do not change", async () => {
      await storage.commit(new Map(), new Map([["app-s-changelog:0", 1]]));
      const before = await storage.readCheckpoint();
      await storage.commit(new Map(), new Map([["app-s-changelog:0", 2]]));
      expect(before.get("app-s-changelog:0")).toBe(1);
    });

    it("changes a store's version with every write, commit and restore of it, and closing (what a kept read is checked against)", async () => {
      const balances = storage.store("balances");
      const events = storage.store("events");
      const seen = [balances.version];
      const changed = () => {
        const now = balances.version;
        const fresh = !seen.includes(now);
        seen.push(now);
        return fresh;
      };
      expect(typeof balances.version).toBe("number");
      const eventsBefore = events.version;
      await balances.put(b("a"), b("1"));
      expect(changed()).toBe(true);
      await balances.delete(b("a"));
      expect(changed()).toBe(true);
      await balances.write([[b("b"), b("2")]]);
      expect(changed()).toBe(true);
      await storage.commit(new Map<string, StoreWrites>([["balances", [[b("c"), b("3")]]]]));
      expect(changed()).toBe(true);
      await storage.restore(
        "balances",
        [{ key: b("d"), value: b("4") }],
        changelogPartition("bank-balances-changelog", 0),
        1,
      );
      expect(changed()).toBe(true);
      // Reads and other stores' writes leave it as it is.
      await balances.get(b("c"));
      await storage.commit(new Map<string, StoreWrites>([["events", [[b("e"), b("5")]]]]));
      expect(changed()).toBe(false);
      expect(events.version).not.toBe(eventsBefore);
      await storage.close();
      expect(balances.version).toBe(-1);
    });

    it("deletes rows named by their keys' bytes as latin1, in every store given, and leaves the others", async () => {
      const row = Buffer.from([0x6b, 0xff, 0x00, 0x80]);
      await storage.commit(
        new Map<string, StoreWrites>([
          [
            "windows",
            [
              [row, b("1")],
              [b("kept"), b("2")],
            ],
          ],
          ["sessions", [[b("s"), b("3")]]],
        ]),
      );
      const version = storage.store("windows").version;
      await storage.deleteRows(
        new Map([
          ["windows", [row.toString("latin1"), "never-there"]],
          ["sessions", ["s"]],
          ["unknown-store", ["x"]],
        ]),
      );
      expect(await entries(storage, "windows")).toEqual(["kept=2"]);
      expect(await entries(storage, "sessions")).toEqual([]);
      expect(storage.store("windows").version).not.toBe(version);
      await storage.deleteRows(new Map());
      await storage.close();
      await expect(storage.deleteRows(new Map([["windows", ["kept"]]]))).rejects.toBeInstanceOf(StoreClosedError);
    });

    it("refuses every operation once closed", async () => {
      const store = storage.store("s");
      await storage.close();
      expect(storage.isOpen).toBe(false);
      await expect(storage.readCheckpoint()).rejects.toBeInstanceOf(StoreClosedError);
      await expect(storage.commit(new Map())).rejects.toBeInstanceOf(StoreClosedError);
      await expect(storage.restore("s", [], "app-s-changelog:0", 0)).rejects.toBeInstanceOf(StoreClosedError);
      await expect(store.get(b("k"))).rejects.toBeInstanceOf(StoreClosedError);
      expect(() => storage.store("t")).toThrow(StoreClosedError);
    });
  });
}
