// The stores' stream times kept in a task's LevelDB with the rows they were written by:
// a reopened task starts each store's clock where its committed rows left it, so a query
// hides what had expired before anything new arrives. A database without them (written
// before Eddy kept them) or with a damaged one opens with the clock unknown, as before.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ClassicLevel } from "classic-level";
import { Serdes } from "../../src/serdes/serdes.js";
import { streamTimeKey } from "../../src/stores/leveldb-key-layout.js";
import { decodeStreamTime, loadStreamTimes, streamTimeEntry } from "../../src/stores/leveldb-stream-times.js";
import { StoreStreamTimes } from "../../src/stores/store-stream-time.js";
import { LevelDbTaskStorage } from "../../src/stores/leveldb-task-storage.js";
import type { LevelDbTaskStorageOptions } from "../../src/stores/leveldb-task-storage.js";
import { windowStoreKey } from "../../src/stores/window-key-schema.js";
import { TaskOverlay } from "../../src/stores/task-overlay.js";
import { TypedWindowStore } from "../../src/stores/window-store.js";
import { withTempStateDir } from "./temp-state-dir.js";

const MINUTE = 60_000;
const RETENTION = 2 * MINUTE;

async function collect<T>(iterator: AsyncIterableIterator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterator) out.push(item);
  return out;
}

describe("the stream times in a task's LevelDB", () => {
  let dir: Awaited<ReturnType<typeof withTempStateDir>>;
  let options: LevelDbTaskStorageOptions;
  const opened: LevelDbTaskStorage[] = [];

  const open = async (): Promise<LevelDbTaskStorage> => {
    const storage = await LevelDbTaskStorage.open(options);
    opened.push(storage);
    return storage;
  };

  /** Writes raw entries into the task's database, as a damaged or older directory would hold them. */
  const tamper = async (edit: (db: ClassicLevel<Buffer, Buffer>) => Promise<void>): Promise<void> => {
    const storage = await open();
    await storage.close();
    const db = new ClassicLevel<Buffer, Buffer>(storage.directory, { keyEncoding: "buffer", valueEncoding: "buffer" });
    await db.open();
    try {
      await edit(db);
    } finally {
      await db.close();
    }
  };

  beforeEach(async () => {
    dir = await withTempStateDir();
    options = { stateDir: dir.stateDir, applicationId: "visits", taskId: "0_0" };
  });

  afterEach(async () => {
    for (const storage of opened.splice(0)) await storage.close();
    await dir.remove();
  });

  it("are committed with the writer's rows and read back on open, so a query hides expired windows at once", async () => {
    const storage = await open();
    const overlay = new TaskOverlay(storage);
    const writer = new TypedWindowStore(overlay.store("counts"), Serdes.string(), Serdes.long(), {
      windowSizeMs: MINUTE,
      retentionMs: RETENTION,
      streamTime: overlay.streamTime("counts"),
    });
    await writer.put("a", 1, 0);
    await writer.put("a", 2, 5 * MINUTE);
    // The writer's clock is its own until the commit.
    expect(storage.streamTimes.get("counts")).toBe(-1);
    await overlay.commit(new Map([["visits-counts-changelog:0", 2]]));
    expect(storage.streamTimes.get("counts")).toBe(5 * MINUTE);
    await overlay.dropsSettled();
    await storage.close();

    const reopened = await open();
    expect(reopened.openWarnings).toEqual([]);
    expect(reopened.streamTimes.get("counts")).toBe(5 * MINUTE);
    const query = new TypedWindowStore(reopened.store("counts"), Serdes.string(), Serdes.long(), {
      windowSizeMs: MINUTE,
      retentionMs: RETENTION,
      streamTime: reopened.streamTimes.of("counts"),
    });
    expect(await collect(query.fetch("a", 0, 10 * MINUTE) as AsyncIterableIterator<unknown>)).toEqual([
      { key: 5 * MINUTE, value: 2 },
    ]);
    // The next writer goes on from the same clock.
    expect(new TaskOverlay(reopened).streamTime("counts").time).toBe(5 * MINUTE);
  });

  it("are committed when a writer's clock moved without a row (a join's store skips a null put)", async () => {
    const storage = await open();
    const overlay = new TaskOverlay(storage);
    const join = new TypedWindowStore(overlay.store("join-this"), Serdes.string(), Serdes.string(), {
      windowSizeMs: 0,
      retentionMs: RETENTION,
      retainDuplicates: true,
      streamTime: overlay.streamTime("join-this"),
    });
    await join.put("a", null, 7 * MINUTE);
    expect(overlay.pendingCount).toBe(0);
    await overlay.commit();
    expect(storage.streamTimes.get("join-this")).toBe(7 * MINUTE);
    // A commit with nothing new writes nothing.
    await overlay.commit();
    await storage.close();
    expect((await open()).streamTimes.get("join-this")).toBe(7 * MINUTE);
  });

  it("are written by a restore with the records that advanced them", async () => {
    const storage = await open();
    const clock = storage.streamTimes.of("versions");
    function* records() {
      for (const timestamp of [30, 70, 50]) {
        if (timestamp > clock.time) clock.time = timestamp;
        yield { key: Buffer.from(`k${timestamp}`), value: Buffer.from("v"), timestamp };
      }
    }
    await storage.restore("versions", records(), "visits-versions-changelog:0", 3);
    await storage.close();
    const reopened = await open();
    expect(reopened.streamTimes.get("versions")).toBe(70);
    expect(await reopened.readCheckpoint()).toEqual(new Map([["visits-versions-changelog:0", 3]]));
  });

  it("never move back, and a commit writes only the ones that moved", async () => {
    const storage = await open();
    await storage.commit(new Map(), undefined, new Map([["counts", 500]]));
    await storage.commit(
      new Map(),
      undefined,
      new Map([
        ["counts", 200],
        ["sessions", 90],
      ]),
    );
    expect(storage.streamTimes.get("counts")).toBe(500);
    await storage.close();
    const reopened = await open();
    expect(reopened.streamTimes.get("counts")).toBe(500);
    expect(reopened.streamTimes.get("sessions")).toBe(90);
  });

  it("are unknown in a database written before Eddy kept them, which opens as it did", async () => {
    const storage = await open();
    await storage.commit(
      new Map([["counts", [[windowStoreKey(Buffer.from("a"), 0), Buffer.from("x")]] as [Buffer, Buffer][]]]),
      new Map([["visits-counts-changelog:0", 1]]),
      new Map([["counts", 0]]),
    );
    await storage.close();
    await tamper((db) => db.del(streamTimeKey("counts")));
    const reopened = await open();
    expect(reopened.openWarnings).toEqual([]);
    expect(reopened.streamTimes.get("counts")).toBe(-1);
    expect(await reopened.readCheckpoint()).toEqual(new Map([["visits-counts-changelog:0", 1]]));
  });

  it("open without a damaged entry: the store's clock starts unknown, the others are read, and the open says why", async () => {
    const storage = await open();
    await storage.commit(
      new Map(),
      undefined,
      new Map([
        ["good", 1234],
        ["short", 1],
        ["negative", 1],
        ["huge", 1],
      ]),
    );
    await storage.close();
    await tamper(async (db) => {
      await db.put(streamTimeKey("short"), Buffer.from([1, 2, 3]));
      const negative = Buffer.alloc(8);
      negative.writeBigInt64BE(-5n);
      await db.put(streamTimeKey("negative"), negative);
      await db.put(streamTimeKey("huge"), Buffer.alloc(8, 0x7f));
      await db.put(Buffer.concat([streamTimeKey(""), Buffer.from("bad/name")]), Buffer.alloc(8));
    });
    const reopened = await open();
    expect(reopened.streamTimes.get("good")).toBe(1234);
    for (const name of ["short", "negative", "huge"]) expect(reopened.streamTimes.get(name)).toBe(-1);
    expect(reopened.openWarnings).toHaveLength(4);
    expect(reopened.openWarnings.join("\n")).toMatch(/store "short" is unreadable \(it is 3 bytes long, not 8\)/);
    expect(reopened.openWarnings.join("\n")).toMatch(/store "negative" is unreadable \(-5 is not a time\)/);
    expect(reopened.openWarnings.join("\n")).toMatch(/invalid store name "bad\/name"/);
    // The next commit writes the clock again.
    await reopened.commit(new Map(), undefined, new Map([["short", 42]]));
    await reopened.close();
    const again = await open();
    expect(again.streamTimes.get("short")).toBe(42);
    expect(again.openWarnings).toHaveLength(3);
  });

  it("that cannot be read at all leave every clock unknown, and say why", async () => {
    const storage = await open();
    await storage.commit(new Map(), undefined, new Map([["counts", 10]]));
    await storage.close();
    const times = new StoreStreamTimes();
    const problems = await loadStreamTimes(storage.db, times);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/the stream times could not be read \(.+\): every store's starts unknown/);
    expect(times.get("counts")).toBe(-1);
  });

  it("encode as 8 big-endian bytes, -1 for unknown", () => {
    const [key, value] = streamTimeEntry("counts", 3_600_000);
    expect(key).toEqual(streamTimeKey("counts"));
    expect(value.toString("hex")).toBe("000000000036ee80");
    expect(decodeStreamTime(value)).toBe(3_600_000);
    expect(decodeStreamTime(streamTimeEntry("counts", -1)[1])).toBe(-1);
    expect(decodeStreamTime(Buffer.alloc(0))).toMatch(/0 bytes long/);
  });
});
