// The count's per-record path without Kafka (issue 18): `stream().groupByKey().count()` as
// bench:peers runs it, one task's executor over the record cache and the task's overlay
// (in-memory storage beneath instead of LevelDB), its sink's records dropped. Records come
// as the consumer makes them (FetchedRecords: keys and values left in one buffer, visits over
// the keys one task of the count holds), and the cache is flushed and the overlay committed every
// BENCH_COUNT_COMMIT_EVERY records (1,700: 100 ms commits at ~100 k records/s over 6 tasks).
// It prints the CPU per record of each round (process.cpuUsage, both threads of V8 included):
// the figure to compare between two builds of the processing path, run alternately, as
// bench:peers' figures on a shared machine are too noisy for a change of a few percent.
//
//   npx tsx bench/count-path.ts
//
// Environment: BENCH_COUNT_KEYS (1,700), BENCH_COUNT_RECORDS (records per round, 500,000),
// BENCH_COUNT_ROUNDS (7, after one to warm up).
import { StreamsBuilder } from "../src/topology/dsl/streams-builder.js";
import { Serdes } from "../src/serdes/serdes.js";
import { TaskExecutor } from "../src/engine/task-executor.js";
import { taskStoreOf } from "../src/engine/task-stores.js";
import type { ConsumedRecord } from "../src/engine/consumed-record.js";
import { RecordCache } from "../src/stores/record-cache.js";
import { InMemoryTaskStorage } from "../src/stores/in-memory-task-storage.js";
import { TaskOverlay } from "../src/stores/task-overlay.js";
import { FetchedRecord } from "../src/kafka/wire/fetched-record.js";

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const KEYS = env("BENCH_COUNT_KEYS", 1_700);
const RECORDS = env("BENCH_COUNT_RECORDS", 500_000);
const ROUNDS = env("BENCH_COUNT_ROUNDS", 7);
const COMMIT_EVERY = env("BENCH_COUNT_COMMIT_EVERY", 1_700);

const builder = new StreamsBuilder();
builder
  .stream("visits", { key: Serdes.string(), value: Serdes.string() })
  .groupByKey()
  .count({ store: "visit-counts" })
  .toStream()
  .to("counts", { key: Serdes.string(), value: Serdes.long() });
const cache = new RecordCache(10 * 1024 * 1024);
const overlay = new TaskOverlay(new InMemoryTaskStorage("0_0"));
let sent = 0;
const executor = await TaskExecutor.create({
  topology: builder.build(),
  applicationId: "count-path",
  subtopology: 0,
  partition: 0,
  stores: {
    getStore: (definition, task) =>
      taskStoreOf(definition, overlay.store(definition.name), task, cache, overlay.streamTime(definition.name)),
  },
  collector: {
    send: () => {
      sent += 1;
    },
    partitionsFor: () => 6,
  },
});

// The visits' keys and values, back to back in one buffer as in a Fetch response.
const now = Date.now();
const value = JSON.stringify({ at: now, userAgent: "Mozilla/5.0", referrer: null });
const keys = Array.from({ length: KEYS }, (_, i) => `code-${i * 6}`);
const wire = Buffer.from(keys.map((key) => key + value).join(""));
const starts: number[] = [];
let at = 0;
for (const key of keys) {
  starts.push(at);
  at += key.length + value.length;
}

const NO_HEADERS = Object.freeze([]);
let offset = 0;
async function round(records: number): Promise<number> {
  const before = process.cpuUsage();
  for (let i = 0; i < records; i++) {
    const k = Math.floor(Math.random() * KEYS);
    const start = starts[k] as number;
    const keyEnd = start + (keys[k] as string).length;
    const record: ConsumedRecord = new FetchedRecord(
      "visits",
      0,
      offset++,
      now + i,
      wire,
      start,
      keyEnd - start,
      keyEnd,
      value.length,
      NO_HEADERS,
    );
    const outcome = executor.processNow(record);
    if (outcome instanceof Promise) await outcome;
    if (offset % COMMIT_EVERY === 0) {
      await executor.flushCaches();
      await overlay.commit();
    }
  }
  const used = process.cpuUsage(before);
  return ((used.user + used.system) * 1000) / records;
}

await round(Math.min(RECORDS, 300_000));
const rounds: number[] = [];
for (let r = 0; r < ROUNDS; r++) rounds.push(await round(RECORDS));
const sorted = [...rounds].sort((a, b) => a - b);
console.log(
  `count path: ${rounds.map((ns) => ns.toFixed(0)).join(" / ")} CPU ns per record, median ${(sorted[Math.floor(ROUNDS / 2)] as number).toFixed(0)} (${sent.toLocaleString("en")} sink records)`,
);
