import { spawn } from "node:child_process";
import { once } from "node:events";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StateDirectoryLockedError, StateStoreError, StoreClosedError } from "../../src/stores/errors.js";
import { LevelDbTaskStorage } from "../../src/stores/leveldb-task-storage.js";
import type { LevelDbTaskStorageOptions } from "../../src/stores/leveldb-task-storage.js";
import { listTaskDirectories } from "../../src/stores/state-directory.js";
import { taskStorageContract } from "./task-storage-contract.js";
import { withTempStateDir } from "./temp-state-dir.js";

taskStorageContract("LevelDbTaskStorage", async () => {
  const dir = await withTempStateDir();
  const storage = await LevelDbTaskStorage.open({ stateDir: dir.stateDir, applicationId: "app", taskId: "0_1" });
  return { storage, dispose: dir.remove };
});

const b = (text: string): Buffer => Buffer.from(text, "utf8");

async function entries(storage: LevelDbTaskStorage, store: string): Promise<string[]> {
  const out: string[] = [];
  for await (const [key, value] of storage.store(store).iterate({})) out.push(`${key}=${value}`);
  return out;
}

describe("LevelDbTaskStorage", () => {
  let dir: Awaited<ReturnType<typeof withTempStateDir>>;
  let options: LevelDbTaskStorageOptions;
  const opened: LevelDbTaskStorage[] = [];

  const open = async (): Promise<LevelDbTaskStorage> => {
    const storage = await LevelDbTaskStorage.open(options);
    opened.push(storage);
    return storage;
  };

  beforeEach(async () => {
    dir = await withTempStateDir();
    options = { stateDir: dir.stateDir, applicationId: "bank", taskId: "0_2" };
  });

  afterEach(async () => {
    for (const storage of opened.splice(0)) await storage.close();
    await dir.remove();
  });

  it("lives in <stateDir>/<applicationId>/<taskId>/, as Kafka Streams lays out task state", async () => {
    const storage = await open();
    expect(storage.directory).toBe(join(dir.stateDir, "bank", "0_2"));
    expect((await stat(join(storage.directory, "LOCK"))).isFile()).toBe(true);
    expect(await listTaskDirectories(dir.stateDir, "bank")).toEqual(["0_2"]);
    expect(await listTaskDirectories(dir.stateDir, "other-app")).toEqual([]);
  });

  it("keeps data and checkpoint across close and reopen", async () => {
    const first = await open();
    await first.commit(
      new Map([["counts", [[b("k"), b("3")]] as [Buffer, Buffer][]]]),
      new Map([["app-counts-changelog:0", 3]]),
    );
    await first.close();
    await expect(first.readCheckpoint()).rejects.toBeInstanceOf(StoreClosedError);
    const second = await open();
    expect(await entries(second, "counts")).toEqual(["k=3"]);
    expect(await second.readCheckpoint()).toEqual(new Map([["app-counts-changelog:0", 3]]));
    await second.close();
    expect(await LevelDbTaskStorage.peekCheckpoint(options)).toEqual(new Map([["app-counts-changelog:0", 3]]));
    expect(await LevelDbTaskStorage.peekCheckpoint({ ...options, taskId: "9_9" })).toBeUndefined();
  });

  it("keeps each store's data apart across reopens, whatever order stores are first used in", async () => {
    const first = await open();
    first.store("never-written");
    await first.store("balances").put(b("k"), b("balances"));
    await first.commit(new Map([["events", [[b("k"), b("events")]] as [Buffer, Buffer][]]]));
    await first.close();
    const second = await open();
    await second.restore(
      "KSTREAM-AGGREGATE-STATE-STORE-0000000001",
      [{ key: b("k"), value: b("aggregate") }],
      "app-x-changelog:0",
      1,
    );
    await second.store("never-written").write([[b("k"), b("late")]]);
    await second.close();
    const third = await open();
    for (const [store, value] of [
      ["balances", "balances"],
      ["events", "events"],
      ["KSTREAM-AGGREGATE-STATE-STORE-0000000001", "aggregate"],
      ["never-written", "late"],
    ]) {
      expect(await entries(third, store as string)).toEqual([`k=${value}`]);
    }
  });

  it("wipes the task's state", async () => {
    const storage = await open();
    await storage.commit(
      new Map([["s", [[b("k"), b("v")]] as [Buffer, Buffer][]]]),
      new Map([["app-s-changelog:0", 1]]),
    );
    await storage.wipe();
    expect(storage.isOpen).toBe(false);
    await expect(readdir(storage.directory)).rejects.toMatchObject({ code: "ENOENT" });
    const fresh = await open();
    expect(await entries(fresh, "s")).toEqual([]);
    expect(await fresh.readCheckpoint()).toEqual(new Map());
    await fresh.commit(new Map([["s", [[b("k"), b("v")]] as [Buffer, Buffer][]]]));
    await fresh.close();
    // State that cannot even be opened is wiped without opening it.
    await LevelDbTaskStorage.wipeDirectory(options);
    expect(await listTaskDirectories(dir.stateDir, "bank")).toEqual([]);
  });

  it("refuses a second open of the same task in this process", async () => {
    await open();
    const error = await LevelDbTaskStorage.open(options).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(StateDirectoryLockedError);
    expect((error as StateDirectoryLockedError).code).toBe("EDDY_ERR_STATE_DIR_LOCKED");
    expect((error as Error).message).toContain(join("bank", "0_2"));
  });

  it("refuses to open a task that another process holds", async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(import.meta.dirname, "fixtures", "hold-task-state.ts"), dir.stateDir, "bank", "0_2"],
      { stdio: ["pipe", "pipe", "inherit"] },
    );
    try {
      const [chunk] = (await once(child.stdout, "data")) as [Buffer];
      expect(chunk.toString()).toBe("open\n");
      await expect(LevelDbTaskStorage.open(options)).rejects.toBeInstanceOf(StateDirectoryLockedError);
    } finally {
      child.stdin.end();
      if (child.exitCode === null) await once(child, "exit");
    }
    // Once the other process has closed it, the task opens here.
    const storage = await open();
    expect(storage.isOpen).toBe(true);
  });

  it("refuses state written with another layout version", async () => {
    const storage = await open();
    await storage.db.put(Buffer.from("\x00layout", "latin1"), Buffer.from("99"));
    await storage.close();
    await expect(LevelDbTaskStorage.open(options)).rejects.toThrow(/layout version 99/);
    await expect(LevelDbTaskStorage.open(options)).rejects.toBeInstanceOf(StateStoreError);
  });

  it("refuses task ids and application ids that are not safe directory names", async () => {
    await expect(LevelDbTaskStorage.open({ ...options, taskId: "../escape" })).rejects.toBeInstanceOf(StateStoreError);
    await expect(LevelDbTaskStorage.open({ ...options, applicationId: ".." })).rejects.toBeInstanceOf(StateStoreError);
  });

  it("reports a corrupted checkpoint entry instead of returning a wrong offset", async () => {
    const storage = await open();
    await storage.db.put(Buffer.from("\x00checkpoint\x00app-s-changelog:0", "latin1"), Buffer.from([1, 2, 3]));
    await expect(storage.readCheckpoint()).rejects.toThrow(/checkpoint of task 0_2 .* is corrupted/);
  });
});
