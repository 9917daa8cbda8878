// How much memory each task's LevelDB may hold, and Eddy's defaults for it (README.md, "Memory").
// An instance opens one database per task it owns (leveldb-task-storage.ts), so whatever
// one database holds is paid once per task: LevelDB's own defaults, an 8 MiB block cache
// and a 4 MiB memtable (two while a full one is written out), are sized for a process with
// one database. Eddy's tasks write through the record cache and their overlay, which fold
// the updates of a key until a commit: a memtable only gathers the commits' batches on
// their way to a table file, and a large one buys nothing but resident memory. Measured on
// the URL-visit count and the bank (npm run bench:peers, 6 tasks): 1 MiB memtables cut the
// instance's peak RSS by 12 to 13 MiB at the same throughput; the block cache barely fills there.
import type { LevelDbTuning } from "./leveldb-task-storage.js";

/** Per task database: the memtable written out to a table file when it reaches this size. */
export const DEFAULT_LEVELDB_WRITE_BUFFER_BYTES = 1024 * 1024;
/** Per task database: the cache of uncompressed table blocks, for reads the record cache misses. */
export const DEFAULT_LEVELDB_BLOCK_CACHE_BYTES = 4 * 1024 * 1024;

/** The options a task's database opens with: Eddy's defaults under what the caller set. */
export function levelDbOptions(tuning: LevelDbTuning = {}): LevelDbTuning {
  return {
    cacheSize: DEFAULT_LEVELDB_BLOCK_CACHE_BYTES,
    writeBufferSize: DEFAULT_LEVELDB_WRITE_BUFFER_BYTES,
    ...withoutUndefined(tuning),
  };
}

function withoutUndefined(tuning: LevelDbTuning): LevelDbTuning {
  return Object.fromEntries(Object.entries(tuning).filter(([, value]) => value !== undefined)) as LevelDbTuning;
}
