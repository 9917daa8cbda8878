// LevelDB state store vs raw classic-level, same data, same run.
//
//   npm run bench:stores [-- --keys 1000000 --batch 1000]
//
// Contenders, each writing every key once, in batches, to a fresh database in a fresh
// temporary directory (all removed afterwards):
//   raw      classic-level with buffer encodings: one chained batch per `batch` keys
//   store    LevelDbKeyValueBytesStore (a store of a LevelDbTaskStorage): write() per batch
//   restore  LevelDbTaskStorage.restore(): changelog records plus the checkpoint, one batch each
// Puts run in two rounds in mirrored order (raw, store, restore, then restore, store,
// raw) and their times add up, so drift in the machine's load favours no one. Each put
// phase runs alone and closes its database: LevelDB compacts on one background thread
// per process, so concurrent writers would slow each other unevenly.
// Gets: `keys` random lookups of existing keys in the raw and store databases of the
// second round, reopened, taking turns chunk by chunk (raw: db.getSync(), the fastest
// read classic-level has; store: await store.get()).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ClassicLevel } from "classic-level";
import { LevelDbTaskStorage } from "../src/stores/leveldb-task-storage.js";
import type { ChangelogRecord } from "../src/stores/task-storage.js";

const { values: args } = parseArgs({
  options: {
    keys: { type: "string", default: "1000000" },
    batch: { type: "string", default: "1000" },
  },
});
const KEYS = Number(args.keys);
const BATCH = Number(args.batch);
const GET_CHUNK = 1000;
const ASYNC_GET_SAMPLE = Math.min(50_000, KEYS);
const APPLICATION = "bench";
const TASK = "0_0";
const CHANGELOG = "bench-counts-changelog:0";

type Contender = "raw" | "store" | "restore";

/** mulberry32: the same "random" gets in every run. */
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

const keys = Array.from({ length: KEYS }, (_, i) => Buffer.from(`key-${String(i).padStart(10, "0")}`, "latin1"));
const values = Array.from({ length: KEYS }, (_, i) => {
  const value = Buffer.alloc(100, 0x61 + (i % 26));
  value.writeUInt32BE(i, 0);
  return value;
});
const next = random(42);
const lookups = Array.from({ length: KEYS }, () => keys[Math.floor(next() * KEYS)] as Buffer);

const format = (n: number): string => Math.round(n).toLocaleString("en-US").padStart(11);
const rate = (count: number, milliseconds: number): number => count / (milliseconds / 1000);
const directories: string[] = [];

async function freshDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), "eddy-bench-stores-"));
  directories.push(directory);
  return directory;
}

const openRaw = async (directory: string): Promise<ClassicLevel<Buffer, Buffer>> => {
  const db = new ClassicLevel<Buffer, Buffer>(directory, { keyEncoding: "buffer", valueEncoding: "buffer" });
  await db.open();
  return db;
};

const openStorage = (directory: string): Promise<LevelDbTaskStorage> =>
  LevelDbTaskStorage.open({ stateDir: directory, applicationId: APPLICATION, taskId: TASK });

/** Writes every key with one contender; returns the elapsed milliseconds and the directory. */
async function putPhase(contender: Contender): Promise<{ ms: number; directory: string }> {
  const directory = await freshDirectory();
  if (contender === "raw") {
    const db = await openRaw(directory);
    const started = performance.now();
    for (let start = 0; start < KEYS; start += BATCH) {
      const end = Math.min(start + BATCH, KEYS);
      const batch = db.batch();
      for (let j = start; j < end; j += 1) batch.put(keys[j] as Buffer, values[j] as Buffer);
      await batch.write();
    }
    const ms = performance.now() - started;
    await db.close();
    return { ms, directory };
  }
  const storage = await openStorage(directory);
  const store = storage.store("counts");
  const started = performance.now();
  for (let start = 0; start < KEYS; start += BATCH) {
    const end = Math.min(start + BATCH, KEYS);
    if (contender === "store") {
      const batch: [Buffer, Buffer][] = new Array(end - start);
      for (let j = start; j < end; j += 1) batch[j - start] = [keys[j] as Buffer, values[j] as Buffer];
      await store.write(batch);
    } else {
      const records: ChangelogRecord[] = new Array(end - start);
      for (let j = start; j < end; j += 1) records[j - start] = { key: keys[j] as Buffer, value: values[j] as Buffer };
      await storage.restore("counts", records, CHANGELOG, end);
    }
  }
  const ms = performance.now() - started;
  if (contender === "restore" && (await storage.readCheckpoint()).get(CHANGELOG) !== KEYS) {
    throw new Error("restore did not advance the checkpoint");
  }
  await storage.close();
  return { ms, directory };
}

try {
  console.log(
    `State store benchmark: ${KEYS.toLocaleString("en-US")} keys (14-byte keys, 100-byte values), ` +
      `puts in batches of ${BATCH}, ${KEYS.toLocaleString("en-US")} random gets`,
  );
  const putMs: Record<Contender, number> = { raw: 0, store: 0, restore: 0 };
  const kept: Partial<Record<Contender, string>> = {};
  for (const order of [
    ["raw", "store", "restore"],
    ["restore", "store", "raw"],
  ] as Contender[][]) {
    for (const contender of order) {
      const { ms, directory } = await putPhase(contender);
      putMs[contender] += ms;
      kept[contender] = directory;
    }
  }

  const raw = await openRaw(kept.raw as string);
  const storage = await openStorage(kept.store as string);
  const store = storage.store("counts");
  let rawGetMs = 0;
  let storeGetMs = 0;
  let found = 0;
  try {
    for (let start = 0, turn = 0; start < KEYS; start += GET_CHUNK, turn += 1) {
      const end = Math.min(start + GET_CHUNK, KEYS);
      for (const side of turn % 2 === 0 ? ["raw", "store"] : ["store", "raw"]) {
        const started = performance.now();
        if (side === "raw") {
          for (let j = start; j < end; j += 1) if (raw.getSync(lookups[j] as Buffer) !== undefined) found += 1;
          rawGetMs += performance.now() - started;
        } else {
          for (let j = start; j < end; j += 1) if ((await store.get(lookups[j] as Buffer)) !== undefined) found += 1;
          storeGetMs += performance.now() - started;
        }
      }
    }
    if (found !== 2 * KEYS) throw new Error(`only ${found} of ${2 * KEYS} lookups found their key`);
    const started = performance.now();
    for (let j = 0; j < ASYNC_GET_SAMPLE; j += 1) await raw.get(lookups[j] as Buffer);
    const asyncGets = rate(ASYNC_GET_SAMPLE, performance.now() - started);

    const puts = {
      raw: rate(2 * KEYS, putMs.raw),
      store: rate(2 * KEYS, putMs.store),
      restore: rate(2 * KEYS, putMs.restore),
    };
    const gets = { raw: rate(KEYS, rawGetMs), store: rate(KEYS, storeGetMs) };
    const putRatio = puts.store / puts.raw;
    const getRatio = gets.store / gets.raw;
    const restoreRatio = puts.restore / puts.raw;
    console.log(
      `puts     store ${format(puts.store)} ops/s   raw ${format(puts.raw)} ops/s   ratio ${putRatio.toFixed(2)} (goal >= 0.70)`,
    );
    console.log(
      `gets     store ${format(gets.store)} ops/s   raw ${format(gets.raw)} ops/s   ratio ${getRatio.toFixed(2)} (goal >= 0.70)`,
    );
    console.log(
      `restore  store ${format(puts.restore)} ops/s   raw ${format(puts.raw)} ops/s   ratio ${restoreRatio.toFixed(2)} ` +
        "(goal >= 0.50, against raw batched puts)",
    );
    console.log(
      `(raw async db.get(): ${format(asyncGets).trim()} ops/s over ${ASYNC_GET_SAMPLE.toLocaleString("en-US")} gets, ` +
        "which is why the store reads with getSync)",
    );
    if (putRatio < 0.7 || getRatio < 0.7 || restoreRatio < 0.5) process.exitCode = 1;
  } finally {
    await raw.close();
    await storage.close();
  }
} finally {
  await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
}
