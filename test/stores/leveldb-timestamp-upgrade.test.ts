// A task's LevelDB written before Eddy kept timestamps (layout 1) is upgraded in place
// when a topology with timestamped stores opens it, as Kafka Streams upgrades a plain
// RocksDB store: values get the timestamp -1, other stores stay as they are.
import { ClassicLevel } from "classic-level";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LAYOUT_KEY } from "../../src/stores/leveldb-key-layout.js";
import { LevelDbTaskStorage } from "../../src/stores/leveldb-task-storage.js";
import type { LevelDbTaskStorageOptions } from "../../src/stores/leveldb-task-storage.js";
import { taskStateDirectory } from "../../src/stores/state-directory.js";
import { NO_TIMESTAMP, withTimestamp } from "../../src/stores/value-and-timestamp.js";
import { withTempStateDir } from "./temp-state-dir.js";

const b = (text: string): Buffer => Buffer.from(text, "utf8");

describe("upgrading a layout-1 task database", () => {
  let dir: Awaited<ReturnType<typeof withTempStateDir>>;
  let options: LevelDbTaskStorageOptions;

  beforeEach(async () => {
    dir = await withTempStateDir();
    options = { stateDir: dir.stateDir, applicationId: "app", taskId: "0_0" };
  });
  afterEach(() => dir.remove());

  /** Writes `rows` plain into the stores, then marks the database as layout 1. */
  async function legacyDatabase(rows: Record<string, [string, string][]>, checkpoint = 42): Promise<void> {
    const storage = await LevelDbTaskStorage.open(options);
    const writes = new Map(
      Object.entries(rows).map(([store, entries]) => [
        store,
        entries.map(([k, v]) => [b(k), b(v)] as [Buffer, Buffer]),
      ]),
    );
    await storage.commit(writes, new Map([["app-counts-changelog:0", checkpoint]]));
    await storage.close();
    await setLayout("1");
  }

  async function setLayout(version: string): Promise<void> {
    const db = new ClassicLevel<Buffer, Buffer>(taskStateDirectory(options.stateDir, "app", "0_0"), {
      keyEncoding: "buffer",
      valueEncoding: "buffer",
    });
    await db.open();
    await db.put(LAYOUT_KEY, Buffer.from(version, "latin1"));
    await db.close();
  }

  async function layout(): Promise<string> {
    const db = new ClassicLevel<Buffer, Buffer>(taskStateDirectory(options.stateDir, "app", "0_0"), {
      keyEncoding: "buffer",
      valueEncoding: "buffer",
    });
    await db.open();
    try {
      return (await db.get(LAYOUT_KEY))?.toString("latin1") ?? "";
    } finally {
      await db.close();
    }
  }

  async function rowsOf(storage: LevelDbTaskStorage, store: string): Promise<[string, Buffer][]> {
    const out: [string, Buffer][] = [];
    for await (const [key, value] of storage.store(store).iterate({})) out.push([key.toString(), value]);
    return out;
  }

  it("gives the timestamped stores' values the timestamp -1 and leaves the others and the checkpoint alone", async () => {
    await legacyDatabase({
      counts: [
        ["a", "1"],
        ["b", "2"],
      ],
      commands: [["c", "x"]],
    });
    const storage = await LevelDbTaskStorage.open({ ...options, timestampedStores: ["counts", "never-written"] });
    expect(await rowsOf(storage, "counts")).toEqual([
      ["a", withTimestamp(NO_TIMESTAMP, b("1"))],
      ["b", withTimestamp(NO_TIMESTAMP, b("2"))],
    ]);
    expect(await rowsOf(storage, "commands")).toEqual([["c", b("x")]]);
    expect(await storage.readCheckpoint()).toEqual(new Map([["app-counts-changelog:0", 42]]));
    await storage.close();
    expect(await layout()).toBe("2");
    // Opened again, nothing is converted twice.
    const again = await LevelDbTaskStorage.open({ ...options, timestampedStores: ["counts"] });
    expect(await rowsOf(again, "counts")).toEqual([
      ["a", withTimestamp(NO_TIMESTAMP, b("1"))],
      ["b", withTimestamp(NO_TIMESTAMP, b("2"))],
    ]);
    await again.close();
  });

  it("converts big stores in chunks and leaves no upgrade marker behind", async () => {
    const many: [string, string][] = [];
    for (let i = 0; i < 10_000; i++) many.push([`k${String(i).padStart(5, "0")}`, `v${i}`]);
    await legacyDatabase({ counts: many });
    const storage = await LevelDbTaskStorage.open({ ...options, timestampedStores: ["counts"] });
    const rows = await rowsOf(storage, "counts");
    expect(rows).toHaveLength(10_000);
    expect(rows.every(([key, value]) => value.equals(withTimestamp(NO_TIMESTAMP, b(`v${Number(key.slice(1))}`))))).toBe(
      true,
    );
    await storage.close();
    const db = new ClassicLevel<Buffer, Buffer>(taskStateDirectory(options.stateDir, "app", "0_0"), {
      keyEncoding: "buffer",
      valueEncoding: "buffer",
    });
    await db.open();
    const markers = await db
      .keys({ gte: Buffer.from("\x00upgrade", "latin1"), lt: Buffer.from("\x00upgradf", "latin1") })
      .all();
    await db.close();
    expect(markers).toEqual([]);
  });

  it("resumes an upgrade a crash interrupted after its marker, converting no value twice", async () => {
    await legacyDatabase({
      counts: [
        ["a", "1"],
        ["b", "2"],
      ],
    });
    // As a crash leaves it: "a" converted in a batch with the marker, "b" not yet.
    const db = new ClassicLevel<Buffer, Buffer>(taskStateDirectory(options.stateDir, "app", "0_0"), {
      keyEncoding: "buffer",
      valueEncoding: "buffer",
    });
    await db.open();
    const storeKey = (key: string): Buffer => Buffer.concat([Buffer.from([0x01, 0x00, 0x01]), b(key)]);
    await db.batch([
      { type: "put", key: storeKey("a"), value: withTimestamp(NO_TIMESTAMP, b("1")) },
      { type: "put", key: Buffer.from("\x00upgrade\x00counts", "latin1"), value: storeKey("a") },
    ]);
    await db.close();
    const storage = await LevelDbTaskStorage.open({ ...options, timestampedStores: ["counts"] });
    expect(await rowsOf(storage, "counts")).toEqual([
      ["a", withTimestamp(NO_TIMESTAMP, b("1"))],
      ["b", withTimestamp(NO_TIMESTAMP, b("2"))],
    ]);
    await storage.close();
  });

  it("opens a layout-1 database without converting it when only its checkpoint is read", async () => {
    await legacyDatabase({ counts: [["a", "1"]] }, 7);
    expect(await LevelDbTaskStorage.peekCheckpoint(options)).toEqual(new Map([["app-counts-changelog:0", 7]]));
    expect(await layout()).toBe("1");
  });

  it("refuses a layout it does not know", async () => {
    await legacyDatabase({ counts: [["a", "1"]] });
    await setLayout("9");
    await expect(LevelDbTaskStorage.open({ ...options, timestampedStores: ["counts"] })).rejects.toThrow(
      /layout version 9, this Eddy reads versions 1 and 2/,
    );
  });
});
