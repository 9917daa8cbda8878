// What handing Fetch decoding to a worker thread would save the main thread (issue 18), before
// anyone builds it: the main thread's CPU per 100 k records when it decodes a Fetch response
// itself (src/kafka/wire/fetch-response-decoder.ts, as the consumer does), against its CPU when
// a worker does the decoding's work (walking the batches, CRC-32C, the records' varints) and
// answers with an index, from which the main thread still makes the records the runtime takes
// (an object and two Buffer views each). The main thread's share of the handoff is what a worker
// cannot take: copying the response into memory it can transfer, the messages, the records.
//
// The worker here reads uncompressed, non-transactional batches only (what the count reads), so
// it is a lower bound of a real one's own cost; the main thread's side is the real one's.
// Per-thread CPU from /proc/self/task/<tid>/stat (Linux; 10 ms ticks: run enough rounds).
//
//   npx tsx bench/fetch-handoff.ts
//
// Environment: BENCH_HANDOFF_RECORDS (records per partition per response: 193, the count's
// Fetch of 64 KiB per partition holds ~190 of its visits), BENCH_HANDOFF_ROUNDS (3000), BENCH_RUNS (3).
import { readFileSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { decodeFetchResponseV11 } from "../src/kafka/wire/fetch-response-decoder.js";
import type { ConsumedRecord } from "../src/kafka/types.js";
import { encodeProduceRequest } from "../src/kafka/wire/produce-request-encoder.js";
import type { ProduceMessage } from "../src/kafka/wire/produce-request-encoder.js";
import { fetchResponseOf } from "./fetch-response-fixture.js";

const PARTITIONS = 6;
const RECORDS = Number(process.env.BENCH_HANDOFF_RECORDS ?? 193);
const ROUNDS = Number(process.env.BENCH_HANDOFF_ROUNDS ?? 3000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TOPIC = "visits";

function threadCpuSeconds(tid: number): number {
  const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const processCpuSeconds = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

// The count's visits: a code as the key, a JSON visit as the value, one batch per partition.
const now = Date.now();
const visits = (p: number): ProduceMessage[] =>
  Array.from({ length: RECORDS }, (_, i) => ({
    key: Buffer.from(`code-${((p * RECORDS + i) * 7919) % 10_000}`),
    value: Buffer.from(
      JSON.stringify({ at: now, userAgent: i % 3 === 0 ? "curl/8.5" : "Mozilla/5.0", referrer: null }),
    ),
    timestamp: now + i,
  }));
const payload = fetchResponseOf(
  encodeProduceRequest({
    acks: -1,
    timeout: 30_000,
    topicData: [
      {
        topic: TOPIC,
        partitions: Array.from({ length: PARTITIONS }, (_, p) => ({ partition: p, messages: visits(p) })),
      },
    ],
  }),
  TOPIC,
);
const fetchOffsets = new Map(Array.from({ length: PARTITIONS }, (_, p) => [`${TOPIC}|${p}`, 0] as const));

// The worker: per partition's record set, each batch's CRC-32C checked and its records' offsets,
// timestamps, keys and values found; answered as two typed arrays, transferred with the bytes.
const WORKER = `
const { parentPort } = require("node:worker_threads");
const T = [];
{ const base = new Int32Array(256);
  for (let n = 0; n < 256; n++) { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1; base[n] = c; }
  T.push(base);
  for (let t = 1; t < 8; t++) { const p = T[t - 1], table = new Int32Array(256); for (let n = 0; n < 256; n++) table[n] = (p[n] >>> 8) ^ base[p[n] & 0xff]; T.push(table); } }
function crc32c(b, i, end) {
  let crc = -1; const fast = end - ((end - i) & 7);
  for (; i < fast; i += 8) { const a = crc ^ (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24));
    crc = T[7][a & 0xff] ^ T[6][(a >>> 8) & 0xff] ^ T[5][(a >>> 16) & 0xff] ^ T[4][a >>> 24] ^ T[3][b[i + 4]] ^ T[2][b[i + 5]] ^ T[1][b[i + 6]] ^ T[0][b[i + 7]]; }
  while (i < end) crc = T[0][(crc ^ b[i++]) & 0xff] ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}
let at = 0;
function varint(b) { let v = 0, shift = 0, x; do { x = b[at++]; v |= (x & 0x7f) << shift; shift += 7; } while (x & 0x80); return (v >>> 1) ^ -(v & 1); }
function varlong(b) { let v = 0, m = 1, x; do { x = b[at++]; v += (x & 0x7f) * m; m *= 128; } while (x & 0x80); return v % 2 === 0 ? v / 2 : -(v + 1) / 2; }
parentPort.on("message", ({ bytes, regions }) => {
  const b = Buffer.from(bytes); const numbers = []; const places = []; let damaged = 0;
  for (let r = 0; r < regions.length; r += 2) {
    let o = regions[r]; const end = regions[r + 1];
    while (end - o >= 61) {
      const base = Number(b.readBigInt64BE(o)), next = o + 12 + b.readInt32BE(o + 8);
      if (next > end) break;
      if (crc32c(b, o + 21, next) !== b.readUInt32BE(o + 17)) damaged++;
      const first = Number(b.readBigInt64BE(o + 27)), count = b.readInt32BE(o + 57);
      at = o + 61;
      for (let i = 0; i < count; i++) {
        const length = varint(b), recordEnd = at + length; at++;
        const timestampDelta = varlong(b), offsetDelta = varint(b);
        const keyLength = varint(b), keyAt = at; if (keyLength > 0) at += keyLength;
        const valueLength = varint(b), valueAt = at; if (valueLength > 0) at += valueLength;
        at = recordEnd;
        numbers.push(base + offsetDelta, first + timestampDelta);
        places.push(r / 2, keyAt, keyLength, valueAt, valueLength);
      }
      o = next;
    }
  }
  const n = new Float64Array(numbers), p = new Int32Array(places);
  parentPort.postMessage({ bytes, numbers: n.buffer, places: p.buffer, damaged }, [bytes, n.buffer, p.buffer]);
});`;

/** Where each partition's record set lies in a Fetch v11 response (one topic), as [from, to] pairs. */
function recordSets(response: Buffer): number[] {
  let at = 14;
  at += 2 + response.readInt16BE(at);
  const partitions = response.readInt32BE(at);
  at += 4;
  const regions: number[] = [];
  for (let p = 0; p < partitions; p += 1) {
    at += 4 + 2 + 24; // partition, error, high watermark, last stable offset, log start offset
    const aborted = response.readInt32BE(at);
    at += 4 + 16 * Math.max(0, aborted) + 4; // aborted transactions, preferred read replica
    const size = response.readInt32BE(at);
    at += 4;
    regions.push(at, at + size);
    at += size;
  }
  return regions;
}

const NO_HEADERS: ConsumedRecord["headers"] = Object.freeze([]);
const worker = new Worker(WORKER, { eval: true });

/** The main thread's side of a handoff: copy, post, and make the records from the answer. */
function decodeInWorker(): Promise<number> {
  const bytes = new ArrayBuffer(payload.length);
  const copy = Buffer.from(bytes);
  payload.copy(copy);
  const regions = recordSets(copy);
  return new Promise((resolve) => {
    worker.once(
      "message",
      (answer: { bytes: ArrayBuffer; numbers: ArrayBuffer; places: ArrayBuffer; damaged: number }) => {
        if (answer.damaged > 0) throw new Error(`the worker found ${answer.damaged} damaged batches`);
        const numbers = new Float64Array(answer.numbers);
        const places = new Int32Array(answer.places);
        const count = numbers.length / 2;
        const records = new Array<ConsumedRecord>(count);
        for (let i = 0; i < count; i += 1) {
          const q = 5 * i;
          const keyLength = places[q + 2] as number;
          const valueLength = places[q + 4] as number;
          records[i] = {
            topic: TOPIC,
            partition: places[q] as number,
            offset: numbers[2 * i] as number,
            timestamp: numbers[2 * i + 1] as number,
            key: keyLength < 0 ? null : Buffer.from(answer.bytes, places[q + 1], keyLength),
            value: valueLength < 0 ? null : Buffer.from(answer.bytes, places[q + 3], valueLength),
            headers: NO_HEADERS,
          };
        }
        resolve(records.length);
      },
    );
    worker.postMessage({ bytes, regions }, [bytes]);
  });
}

function decodeHere(): number {
  const decoded = decodeFetchResponseV11(payload, fetchOffsets, { markSkipped: true, markUndecodable: true });
  let count = 0;
  for (const p of decoded.partitions) count += p.records.length;
  return count;
}

async function measure(label: string, round: () => number | Promise<number>): Promise<void> {
  for (let i = 0; i < 50; i += 1) await round();
  const main0 = threadCpuSeconds(process.pid);
  const all0 = processCpuSeconds();
  let records = 0;
  for (let i = 0; i < ROUNDS; i += 1) records += await round();
  const per100k = (seconds: number) => ((seconds * 100_000) / records).toFixed(4);
  console.log(
    `${label}: main thread ${per100k(threadCpuSeconds(process.pid) - main0)} CPU-s per 100 k records, ` +
      `process ${per100k(processCpuSeconds() - all0)}`,
  );
}

const expected = PARTITIONS * RECORDS;
if (decodeHere() !== expected || (await decodeInWorker()) !== expected)
  throw new Error(`a response holds ${expected} records: both sides must read them all`);
console.log(`Fetch v11 responses of ${PARTITIONS} x ${RECORDS} visits (${payload.length} bytes), ${ROUNDS} per run`);
for (let run = 0; run < RUNS; run += 1) {
  await measure("decoded on the main thread", decodeHere);
  await measure("decoded by a worker       ", decodeInWorker);
}
await worker.terminate();
