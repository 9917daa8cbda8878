// Benchmark of Eddy's wire codecs (`npm run bench:wire`), the client's two hot paths
// without a broker or a socket in the way:
//
// 1. Produce: encodes Produce v3-7 request bodies as the runtime sends them (BENCH_WIRE_PARTITIONS
//    partitions of BENCH_WIRE_BATCH records each, a 16-byte key, a 100-byte value and two
//    headers as an ordered list) with src/kafka/wire/produce-request-encoder.ts, against
//    kafkajs' own encoder of the same request (headers in its by-key form) in the same run.
// 2. Fetch: decodes a Fetch v11 response holding the same records with
//    src/kafka/wire/fetch-response-decoder.ts, against kafkajs' own v11 decoder.
//
// Each side runs BENCH_RUNS rounds of BENCH_WIRE_ROUNDS requests and the best round counts.
// The figures are records per second of the process's CPU time (the machines are shared:
// wall time would measure the neighbours); the ratios say how much of kafkajs' cost the
// lean codecs leave (goal: at least 3x kafkajs' rate).
//
// Environment: BENCH_WIRE_PARTITIONS (6), BENCH_WIRE_BATCH (1000), BENCH_WIRE_ROUNDS (40),
// BENCH_RUNS (5).
import { createRequire } from "node:module";
import { decodeFetchResponseV11 } from "../src/kafka/wire/fetch-response-decoder.js";
import { encodeProduceRequest } from "../src/kafka/wire/produce-request-encoder.js";
import type { ProduceMessage, ProduceRequestArgs } from "../src/kafka/wire/produce-request-encoder.js";
import { fetchResponseOf } from "./fetch-response-fixture.js";

const PARTITIONS = Number(process.env.BENCH_WIRE_PARTITIONS ?? 6);
const BATCH = Number(process.env.BENCH_WIRE_BATCH ?? 1000);
const ROUNDS = Number(process.env.BENCH_WIRE_ROUNDS ?? 40);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const GOAL = 3;

const require = createRequire(import.meta.url);
type KafkajsRequest = (args: unknown) => { encode(): Promise<{ buffer: Buffer }> };
const kafkajsProduceV3 = require("kafkajs/src/protocol/requests/produce/v3/request") as KafkajsRequest;
const kafkajsFetchV11 = require("kafkajs/src/protocol/requests/fetch/v11/response") as {
  decode(payload: Buffer): Promise<unknown>;
};

const TIMESTAMP = 1_700_000_000_000;

function runtimeArgs(): ProduceRequestArgs {
  const partitions = [];
  for (let p = 0; p < PARTITIONS; p += 1) {
    const messages: ProduceMessage[] = [];
    for (let i = 0; i < BATCH; i += 1) {
      messages.push({
        key: Buffer.from(`account-${String(i).padStart(8, "0")}`),
        value: Buffer.alloc(100, i % 251),
        timestamp: TIMESTAMP + i,
        headers: [
          { key: "eddy-correlation-id", value: Buffer.from(`c-${p}-${i}`) },
          { key: "eddy-reply-to", value: Buffer.from("bank-replies") },
        ],
      });
    }
    partitions.push({ partition: p, firstSequence: 0, messages });
  }
  return {
    transactionalId: "bench-app-0_1",
    acks: -1,
    timeout: 30_000,
    producerId: 4_000,
    producerEpoch: 1,
    topicData: [{ topic: "bench-wire-events", partitions }],
  };
}

/** The same request as kafkajs' own producer hands it to its encoder: headers by key, string timestamps. */
function kafkajsArgs(args: ProduceRequestArgs): ProduceRequestArgs & { compression: number } {
  return {
    ...args,
    compression: 0,
    topicData: args.topicData.map(({ topic, partitions }) => ({
      topic,
      partitions: partitions.map((p) => ({
        ...p,
        messages: p.messages.map((m) => {
          const headers: Record<string, Buffer> = {};
          for (const h of m.headers as ReadonlyArray<{ key: string; value: Buffer }>) headers[h.key] = h.value;
          return { key: m.key, value: m.value, timestamp: String(m.timestamp), headers };
        }),
      })),
    })),
  };
}

/** A Fetch v11 response carrying the record batches of one encoded Produce request. */
interface Figure {
  label: string;
  recordsPerSecond: number;
}

async function best(label: string, records: number, round: () => Promise<void> | void): Promise<Figure> {
  await round(); // warm up
  let fastest = Infinity;
  for (let run = 0; run < RUNS; run += 1) {
    // CPU time, not wall time: on a shared machine the codec's own cost is what compares.
    const start = process.cpuUsage();
    for (let i = 0; i < ROUNDS; i += 1) await round();
    const used = process.cpuUsage(start);
    fastest = Math.min(fastest, (used.user + used.system) / 1e6);
  }
  return { label, recordsPerSecond: (records * ROUNDS) / fastest };
}

function print(f: Figure): void {
  console.log(
    `${f.label.padEnd(30)} ${Math.round(f.recordsPerSecond).toLocaleString("en-US").padStart(12)} records/CPU-second`,
  );
}

async function main(): Promise<void> {
  const records = PARTITIONS * BATCH;
  console.log(
    `wire codecs: ${PARTITIONS} partitions x ${BATCH} records (100-byte values, 2 headers), best of ${RUNS} x ${ROUNDS}`,
  );
  const args = runtimeArgs();
  const asKafkajs = kafkajsArgs(args);
  let sink = 0;
  const eddyEncode = await best("produce  eddy encoder", records, () => {
    sink += encodeProduceRequest(args, TIMESTAMP).length;
  });
  const kafkajsEncode = await best("produce  kafkajs encoder", records, async () => {
    sink += (await kafkajsProduceV3(asKafkajs).encode()).buffer.length;
  });
  const response = fetchResponseOf(encodeProduceRequest(args, TIMESTAMP), "bench-wire-events");
  const fetchOffsets = new Map<string, number>();
  for (let p = 0; p < PARTITIONS; p += 1) fetchOffsets.set(`bench-wire-events|${p}`, 0);
  const decoded = decodeFetchResponseV11(response, fetchOffsets).partitions.reduce((n, p) => n + p.records.length, 0);
  if (decoded !== records) throw new Error(`the response holds ${records} records, the decoder read ${decoded}`);
  const eddyDecode = await best("fetch    eddy decoder", records, () => {
    sink += decodeFetchResponseV11(response, fetchOffsets).partitions.length;
  });
  const kafkajsDecode = await best("fetch    kafkajs decoder", records, async () => {
    sink += ((await kafkajsFetchV11.decode(response)) as { responses: unknown[] }).responses.length;
  });
  for (const f of [eddyEncode, kafkajsEncode, eddyDecode, kafkajsDecode]) print(f);
  if (sink === 0) throw new Error("nothing was encoded");
  const ratio = (a: Figure, b: Figure) => (a.recordsPerSecond / b.recordsPerSecond).toFixed(1);
  console.log(`produce encoder / kafkajs: ${ratio(eddyEncode, kafkajsEncode)}x (goal >= ${GOAL}x)`);
  console.log(`fetch decoder / kafkajs: ${ratio(eddyDecode, kafkajsDecode)}x (goal >= ${GOAL}x)`);
}

await main();
