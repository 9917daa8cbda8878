// Where the global stores resume: at their checkpoint when it lies within each
// partition's offsets; from the beginning, with the local state wiped, when a partition
// has no checkpoint, the checkpoint lies outside the partition (the topic was recreated),
// or the state directory is damaged.
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GLOBAL_TASK_ID, globalCheckpoint, openGlobalState } from "../../src/runtime/global-state.js";
import type { GlobalStateOptions, OffsetRange } from "../../src/runtime/global-state.js";
import { LevelDbTaskStorage } from "../../src/stores/leveldb-task-storage.js";
import { taskStateDirectory } from "../../src/stores/state-directory.js";

const partitions = [
  { topic: "prices", partition: 0 },
  { topic: "prices", partition: 1 },
];
const ranges = (end0: number, end1: number): Map<string, OffsetRange> =>
  new Map([
    ["prices|0", { beginning: 0, end: end0 }],
    ["prices|1", { beginning: 2, end: end1 }],
  ]);

describe("openGlobalState", () => {
  let stateDir: string;
  let options: GlobalStateOptions;

  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), "eddy-global-state-"));
    options = {
      stateDir,
      applicationId: "app",
      persistent: true,
      timestampedStores: [],
      logger: pino({ level: "silent" }),
    };
  });
  afterEach(() => rm(stateDir, { recursive: true, force: true }));

  /** A first run that read partition 0 to `at0` and partition 1 to `at1`, with one entry in the store. */
  async function firstRun(at0: number, at1: number): Promise<void> {
    const { storage } = await openGlobalState(options, partitions, ranges(10, 10));
    await storage.store("prices").put(Buffer.from("k"), Buffer.from("v"));
    await storage.commit(
      new Map(),
      globalCheckpoint([
        { topic: "prices", partition: 0, offset: at0 },
        { topic: "prices", partition: 1, offset: at1 },
      ]),
    );
    await storage.close();
  }

  it("starts from the beginning of each partition without a checkpoint", async () => {
    const { storage, starts } = await openGlobalState(options, partitions, ranges(10, 10));
    expect([...starts]).toEqual([
      ["prices|0", 0],
      ["prices|1", 2],
    ]);
    await storage.close();
  });

  it("resumes at the checkpoint, keeping the stores", async () => {
    await firstRun(7, 9);
    const { storage, starts } = await openGlobalState(options, partitions, ranges(12, 9));
    expect([...starts]).toEqual([
      ["prices|0", 7],
      ["prices|1", 9],
    ]);
    expect((await storage.store("prices").get(Buffer.from("k")))?.toString()).toBe("v");
    await storage.close();
  });

  it.each([
    ["past the end (the topic was recreated)", ranges(5, 10), 7, 9],
    ["before the log start (retention passed it)", ranges(10, 10), 7, 1],
  ])("rebuilds from the beginning with a checkpoint %s", async (_, range, at0, at1) => {
    await firstRun(at0, at1);
    const { storage, starts } = await openGlobalState(options, partitions, range);
    expect([...starts.values()]).toEqual([0, 2]);
    expect(await storage.store("prices").get(Buffer.from("k"))).toBeUndefined();
    await storage.close();
  });

  it("rebuilds when a partition has no checkpoint (a partition added)", async () => {
    await firstRun(7, 9);
    const more = [...partitions, { topic: "prices", partition: 2 }];
    const range = new Map([...ranges(10, 10), ["prices|2", { beginning: 0, end: 3 }]]);
    const { storage, starts } = await openGlobalState(options, more, range);
    expect([...starts.values()]).toEqual([0, 2, 0]);
    expect(await storage.store("prices").get(Buffer.from("k"))).toBeUndefined();
    await storage.close();
  });

  it("rebuilds a damaged state directory instead of failing", async () => {
    await firstRun(7, 9);
    const directory = taskStateDirectory(stateDir, "app", GLOBAL_TASK_ID);
    for (const file of await readdir(directory)) await writeFile(join(directory, file), "damaged");
    const { storage, starts } = await openGlobalState(options, partitions, ranges(10, 10));
    expect([...starts.values()]).toEqual([0, 2]);
    expect(await storage.store("prices").get(Buffer.from("k"))).toBeUndefined();
    await storage.close();
  });

  it("keeps in-memory global stores in memory, from the beginning", async () => {
    const { storage, starts } = await openGlobalState({ ...options, persistent: false }, partitions, ranges(10, 10));
    expect([...starts.values()]).toEqual([0, 2]);
    expect(await readdir(stateDir)).toEqual([]);
    await storage.close();
  });

  it("opens the database with the LevelDB memory the config sets, or Eddy's defaults", async () => {
    /** Writes 600 KiB in commits of 100 rows: do they outgrow the memtable into a table file? */
    async function tablesAfter600KiB(extra: Partial<GlobalStateOptions>): Promise<boolean> {
      const { storage } = await openGlobalState({ ...options, ...extra }, partitions, ranges(10, 10));
      const value = Buffer.alloc(1000, 7);
      for (let commit = 0; commit < 6; commit++) {
        const rows: Array<[Buffer, Buffer]> = [];
        for (let i = 0; i < 100; i++) rows.push([Buffer.from(`key-${commit}-${i}`), value]);
        await storage.commit(new Map([["prices", rows]]));
      }
      if (!(storage instanceof LevelDbTaskStorage)) throw new Error("persistent global stores live in LevelDB");
      const db = storage.db;
      // A full memtable is written out by LevelDB's background thread: give it time.
      const deadline = Date.now() + 1_500;
      let written = false;
      while (!written && Date.now() < deadline) {
        written = /\d+:\d+\[/.test(db.getProperty("leveldb.sstables"));
        if (!written) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await storage.close();
      await rm(stateDir, { recursive: true, force: true });
      return written;
    }
    expect(await tablesAfter600KiB({})).toBe(false);
    expect(await tablesAfter600KiB({ leveldb: { writeBufferSize: 64 * 1024 } })).toBe(true);
  });
});
