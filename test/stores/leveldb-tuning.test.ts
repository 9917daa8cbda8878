// Each task's LevelDB opens with Eddy's memory defaults (leveldb-tuning.ts) unless the
// config sets them: shown by where a task's writes are once they outgrow a memtable.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseStreamsConfig } from "../../src/config/streams-config.js";
import { ConfigError } from "../../src/config/errors.js";
import { LevelDbTaskStorage } from "../../src/stores/leveldb-task-storage.js";
import type { LevelDbTuning } from "../../src/stores/leveldb-task-storage.js";
import {
  DEFAULT_LEVELDB_BLOCK_CACHE_BYTES,
  DEFAULT_LEVELDB_WRITE_BUFFER_BYTES,
  levelDbOptions,
} from "../../src/stores/leveldb-tuning.js";
import { withTempStateDir } from "./temp-state-dir.js";

describe("levelDbOptions", () => {
  it("gives a task's database a 1 MiB memtable and a 4 MiB block cache unless told otherwise", () => {
    expect(DEFAULT_LEVELDB_WRITE_BUFFER_BYTES).toBe(1024 * 1024);
    expect(DEFAULT_LEVELDB_BLOCK_CACHE_BYTES).toBe(4 * 1024 * 1024);
    expect(levelDbOptions()).toEqual({ writeBufferSize: 1024 * 1024, cacheSize: 4 * 1024 * 1024 });
    expect(levelDbOptions({ writeBufferSize: 8 << 20, cacheSize: undefined, compression: false })).toEqual({
      writeBufferSize: 8 << 20,
      cacheSize: 4 * 1024 * 1024,
      compression: false,
    });
  });
});

describe("a task's LevelDB memtable", () => {
  let dir: Awaited<ReturnType<typeof withTempStateDir>>;
  let storage: LevelDbTaskStorage | undefined;

  beforeEach(async () => {
    dir = await withTempStateDir();
  });
  afterEach(async () => {
    await storage?.close();
    storage = undefined;
    await dir.remove();
  });

  /** Writes `kib` KiB in commits of 100 rows, then lists the table files LevelDB made of them. */
  async function tablesAfterWriting(kib: number, leveldb?: LevelDbTuning): Promise<boolean> {
    storage = await LevelDbTaskStorage.open({ stateDir: dir.stateDir, applicationId: "app", taskId: "0_0", leveldb });
    storage.store("counts");
    const value = Buffer.alloc(1000, 7);
    for (let commit = 0; commit < kib / 100; commit++) {
      const rows: Array<[Buffer, Buffer]> = [];
      for (let i = 0; i < 100; i++) rows.push([Buffer.from(`key-${commit}-${i}`), value]);
      await storage.commit(new Map([["counts", rows]]));
    }
    // A full memtable is written out by LevelDB's background thread: give it time (a memtable
    // under its size is never written out, so waiting the whole time proves it is kept).
    const deadline = Date.now() + 1_500;
    for (;;) {
      if (/\d+:\d+\[/.test(storage.db.getProperty("leveldb.sstables"))) return true;
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it("is written out past 1 MiB by default (LevelDB's own default would hold 4 MiB)", async () => {
    expect(await tablesAfterWriting(1_500)).toBe(true);
  });

  it("holds what it was given room for", async () => {
    expect(await tablesAfterWriting(600)).toBe(false);
    await storage?.close();
    await dir.remove();
    dir = await withTempStateDir();
    expect(await tablesAfterWriting(1_500, { writeBufferSize: 4 * 1024 * 1024 })).toBe(false);
  });

  it("is written out past the size set", async () => {
    expect(await tablesAfterWriting(600, { writeBufferSize: 64 * 1024 })).toBe(true);
  });
});

describe("the LevelDB config fields", () => {
  const base = { applicationId: "app", bootstrapServers: "localhost:9092" };

  it("are unset by default (the stores' defaults apply) and taken when set", () => {
    const defaults = parseStreamsConfig(base);
    expect(defaults.leveldbWriteBufferBytes).toBeUndefined();
    expect(defaults.leveldbBlockCacheBytes).toBeUndefined();
    const set = parseStreamsConfig({ ...base, leveldbWriteBufferBytes: 4 << 20, leveldbBlockCacheBytes: 16 << 20 });
    expect([set.leveldbWriteBufferBytes, set.leveldbBlockCacheBytes]).toEqual([4 << 20, 16 << 20]);
  });

  it("refuse a memtable below LevelDB's least and a cache of 0, naming the field", () => {
    const error = (() => {
      try {
        parseStreamsConfig({ ...base, leveldbWriteBufferBytes: 1000, leveldbBlockCacheBytes: 0 });
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/leveldbWriteBufferBytes: must be >= 65536/);
    expect((error as ConfigError).message).toMatch(/leveldbBlockCacheBytes: must be > 0/);
  });
});
