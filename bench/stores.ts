// LevelDB state store vs raw classic-level, same data, same run.
//
//   npm run bench:stores [-- --keys 1000000 --batch 1000]
//
// Three fresh databases, each in a fresh temporary directory (removed afterwards):
//   raw      classic-level, buffer encodings: a chained batch per `batch` keys, db.getSync()
//            (the fastest read classic-level has)
//   store    LevelDbKeyValueBytesStore of a LevelDbTaskStorage: write() per batch, await get()
//   restore  LevelDbTaskStorage.restore(): changelog records plus the checkpoint, one batch each
// Every key is written once, in batches; then as many random lookups of existing keys
// are made. The contenders take turns batch by batch (and chunk by chunk for gets),
// alternating who goes first, so that a machine shared with other work slows them
// alike: the ratios are what this measures.
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

async function time(run: () => Promise<unknown> | unknown): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

const directories = await Promise.all([0, 1, 2].map(() => mkdtemp(join(tmpdir(), "eddy-bench-stores-"))));
const [rawDir, storeDir, restoreDir] = directories as [string, string, string];
const raw = new ClassicLevel<Buffer, Buffer>(rawDir, { keyEncoding: "buffer", valueEncoding: "buffer" });
await raw.open();
const storage = await LevelDbTaskStorage.open({ stateDir: storeDir, applicationId: "bench", taskId: "0_0" });
const restoring = await LevelDbTaskStorage.open({ stateDir: restoreDir, applicationId: "bench", taskId: "0_0" });
const store = storage.store("counts");

try {
  console.log(
    `State store benchmark: ${KEYS.toLocaleString("en-US")} keys (14-byte keys, 100-byte values), ` +
      `puts in batches of ${BATCH}, ${KEYS.toLocaleString("en-US")} random gets`,
  );
  const elapsed = { rawPuts: 0, storePuts: 0, restore: 0, rawGets: 0, storeGets: 0 };

  for (let start = 0, turn = 0; start < KEYS; start += BATCH, turn += 1) {
    const end = Math.min(start + BATCH, KEYS);
    const rawPut = async (): Promise<void> => {
      elapsed.rawPuts += await time(() => {
        const batch = raw.batch();
        for (let j = start; j < end; j += 1) batch.put(keys[j] as Buffer, values[j] as Buffer);
        return batch.write();
      });
    };
    const storePut = async (): Promise<void> => {
      elapsed.storePuts += await time(() => {
        const batch: [Buffer, Buffer][] = new Array(end - start);
        for (let j = start; j < end; j += 1) batch[j - start] = [keys[j] as Buffer, values[j] as Buffer];
        return store.write(batch);
      });
    };
    const restore = async (): Promise<void> => {
      elapsed.restore += await time(() => {
        const records: ChangelogRecord[] = new Array(end - start);
        for (let j = start; j < end; j += 1) records[j - start] = { key: keys[j] as Buffer, value: values[j] as Buffer };
        return restoring.restore("counts", records, "bench-counts-changelog:0", end);
      });
    };
    const order = [rawPut, storePut, restore];
    for (let k = 0; k < 3; k += 1) await (order[(turn + k) % 3] as () => Promise<void>)();
  }

  let found = 0;
  for (let start = 0, turn = 0; start < KEYS; start += GET_CHUNK, turn += 1) {
    const end = Math.min(start + GET_CHUNK, KEYS);
    const rawGets = async (): Promise<void> => {
      elapsed.rawGets += await time(() => {
        for (let j = start; j < end; j += 1) if (raw.getSync(lookups[j] as Buffer) !== undefined) found += 1;
      });
    };
    const storeGets = async (): Promise<void> => {
      elapsed.storeGets += await time(async () => {
        for (let j = start; j < end; j += 1) if ((await store.get(lookups[j] as Buffer)) !== undefined) found += 1;
      });
    };
    if (turn % 2 === 0) {
      await rawGets();
      await storeGets();
    } else {
      await storeGets();
      await rawGets();
    }
  }
  if (found !== 2 * KEYS) throw new Error(`only ${found} of ${2 * KEYS} lookups found their key`);
  const checkpoint = await restoring.readCheckpoint();
  if (checkpoint.get("bench-counts-changelog:0") !== KEYS) throw new Error("restore did not advance the checkpoint");

  const asyncGetMs = await time(async () => {
    for (let j = 0; j < ASYNC_GET_SAMPLE; j += 1) await raw.get(lookups[j] as Buffer);
  });

  const figures = {
    rawPuts: rate(KEYS, elapsed.rawPuts),
    storePuts: rate(KEYS, elapsed.storePuts),
    restore: rate(KEYS, elapsed.restore),
    rawGets: rate(KEYS, elapsed.rawGets),
    storeGets: rate(KEYS, elapsed.storeGets),
  };
  const putRatio = figures.storePuts / figures.rawPuts;
  const getRatio = figures.storeGets / figures.rawGets;
  const restoreRatio = figures.restore / figures.rawPuts;
  console.log(`puts     store ${format(figures.storePuts)} ops/s   raw ${format(figures.rawPuts)} ops/s   ratio ${putRatio.toFixed(2)} (goal >= 0.70)`);
  console.log(`gets     store ${format(figures.storeGets)} ops/s   raw ${format(figures.rawGets)} ops/s   ratio ${getRatio.toFixed(2)} (goal >= 0.70)`);
  console.log(
    `restore  store ${format(figures.restore)} ops/s   raw ${format(figures.rawPuts)} ops/s   ratio ${restoreRatio.toFixed(2)} (goal >= 0.50, against raw batched puts)`,
  );
  console.log(
    `(raw async db.get(): ${format(rate(ASYNC_GET_SAMPLE, asyncGetMs)).trim()} ops/s over ` +
      `${ASYNC_GET_SAMPLE.toLocaleString("en-US")} gets, which is why the store reads with getSync)`,
  );
  if (putRatio < 0.7 || getRatio < 0.7 || restoreRatio < 0.5) process.exitCode = 1;
} finally {
  await raw.close();
  await storage.close();
  await restoring.close();
  await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
}
