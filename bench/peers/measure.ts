// What the bench measures of a running peer, from outside, the same way for every system:
//
// - throughput until lag 0: the group's committed offsets on the input, polled every
//   POLL_MS; records committed between the first commit seen and the one that leaves no
//   lag, over the time between them (the start-up and the first commit interval left out);
//   the process's CPU seconds over the same window, and its peak RSS at the end;
// - latency at a fixed offered load: records produced at a steady rate with their
//   timestamp set when produced, the outputs read (read_committed) as they come: the n-th
//   count of a code answers the n-th visit to it, so latency = arrival of count n - the
//   timestamp of visit n (intermediate counts a record cache folds away are not seen, as
//   their users would not see them either).
import kafkajs from "kafkajs";
import type { Admin, Kafka, Message } from "kafkajs";
import { threadsBetween } from "./processes.js";
import type { PeerProcess, ProcessSample } from "./processes.js";
import { visitValue } from "./inputs.js";

const POLL_MS = 100;

/** Sum of the group's committed offsets and of the end offsets, over a topic's partitions. */
export async function groupProgress(
  admin: Admin,
  groupId: string,
  topic: string,
): Promise<{ committed: number; end: number }> {
  const [committed, ends] = await Promise.all([
    admin.fetchOffsets({ groupId, topics: [topic] }),
    admin.fetchTopicOffsets(topic),
  ]);
  let sum = 0;
  for (const { partitions } of committed)
    for (const p of partitions) sum += Math.max(0, Number(p.offset === "-1" ? 0 : p.offset));
  let end = 0;
  for (const p of ends) end += Number(p.high);
  return { committed: sum, end };
}

export interface Throughput {
  /** False when the run was stopped at its time limit before lag 0 (a system too slow for the input). */
  readonly complete: boolean;
  /** Of the input, how much was committed when the measurement ended. */
  readonly committedShare: number;
  readonly records: number;
  readonly seconds: number;
  readonly recordsPerSecond: number;
  readonly cpuSecondsPer100k: number;
  /** The busiest threads' (Eddy's main thread; Kafka Streams' stream thread, its JIT compilers...), the busiest first. */
  readonly threads?: ReadonlyArray<{ readonly name: string; readonly cpuSecondsPer100k: number }>;
  readonly peakRssBytes: number;
}

/**
 * Waits for `peer`'s group to commit the whole of `topic` (see the top of this file), or
 * for `limitMs` after its first commit: a system that slow is measured over what it
 * committed by then, and the run says so.
 */
export async function throughputUntilLagZero(
  admin: Admin,
  peer: PeerProcess,
  groupId: string,
  topic: string,
  options: { startTimeoutMs: number; limitMs: number },
): Promise<Throughput> {
  const deadline = Date.now() + options.startTimeoutMs;
  let first: { at: number; committed: number; cpu: number; sample: ProcessSample } | undefined;
  for (;;) {
    peer.assertAlive();
    if (first === undefined && Date.now() > deadline)
      throw new Error(`${peer.label}: nothing committed ${options.startTimeoutMs / 1000} s after it started`);
    let progress: { committed: number; end: number };
    try {
      progress = await groupProgress(admin, groupId, topic);
    } catch (error) {
      // A coordinator still loading or moving (NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS): ask again.
      if ((error as { retriable?: boolean }).retriable !== true) throw error;
      await sleep(POLL_MS);
      continue;
    }
    const at = performance.now();
    const sample = peer.sample();
    if (sample === undefined) throw new Error(`${peer.label} is gone`);
    if (first === undefined && progress.committed > 0)
      first = { at, committed: progress.committed, cpu: sample.cpuSeconds, sample };
    const done = progress.end > 0 && progress.committed >= progress.end;
    if (first !== undefined && (done || at - first.at >= options.limitMs)) {
      const records = progress.committed - first.committed;
      const seconds = (at - first.at) / 1000;
      if (records === 0) throw new Error(`${peer.label} committed everything at once: the input is too small to time`);
      return {
        complete: done,
        committedShare: progress.committed / progress.end,
        records,
        seconds,
        recordsPerSecond: records / seconds,
        cpuSecondsPer100k: ((sample.cpuSeconds - first.cpu) * 100_000) / records,
        threads: threadsBetween(first.sample, sample)
          .slice(0, 4)
          .map(({ name, cpuSeconds }) => ({ name, cpuSecondsPer100k: (cpuSeconds * 100_000) / records })),
        peakRssBytes: sample.peakRssBytes,
      };
    }
    await sleep(POLL_MS);
  }
}

export interface Latency {
  /** Outputs measured; 0 when none came for the load offered (p50 and p99 are then NaN). */
  readonly samples: number;
  readonly p50: number;
  readonly p99: number;
  readonly offeredPerSecond: number;
}

export interface LatencyRun {
  kafka: Kafka;
  input: string;
  output: string;
  codes: number;
  ratePerSecond: number;
  /** How long the load lasts; the first `warmupMs` of it are not counted. */
  durationMs: number;
  warmupMs: number;
  decodeCount(value: Buffer): number;
  peer: PeerProcess;
}

/**
 * Offers `ratePerSecond` visits for `durationMs` and measures input timestamp to output
 * arrival. The peer must be running on `input` already (see waitUntilProcessing).
 */
export async function latencyAtFixedLoad(options: LatencyRun): Promise<Latency> {
  const { kafka, input, output, codes, ratePerSecond, durationMs, warmupMs, peer } = options;
  const sentAt = new Map<string, number[]>();
  const latencies: number[] = [];
  let countFrom = Number.POSITIVE_INFINITY;
  const consumer = kafka.consumer({ groupId: `peers-latency-reader-${Date.now()}`, maxWaitTimeInMs: 50 });
  await consumer.connect();
  await consumer.subscribe({ topic: output, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const now = Date.now();
      for (const message of batch.messages) {
        if (message.key === null || message.value === null) continue;
        const n = options.decodeCount(message.value);
        const sent = sentAt.get(message.key.toString())?.[n];
        if (sent !== undefined && sent >= countFrom) latencies.push(now - sent);
      }
      await Promise.resolve();
    },
  });
  const producer = kafka.producer({
    createPartitioner: kafkajs.Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  try {
    const started = Date.now();
    countFrom = started + warmupMs;
    const counts = new Map<string, number>();
    const inFlight = new Set<Promise<unknown>>();
    let produced = 0;
    let i = 0;
    while (Date.now() - started < durationMs) {
      peer.assertAlive();
      const due = Math.floor(((Date.now() - started) / 1000) * ratePerSecond);
      const messages: Message[] = [];
      for (; produced < due; produced += 1, i += 1) {
        // A pseudo-random walk over the codes, so that consecutive visits hit different keys.
        const code = `code-${(i * 7_919) % codes}`;
        const n = (counts.get(code) ?? 0) + 1;
        counts.set(code, n);
        const at = Date.now();
        let times = sentAt.get(code);
        if (times === undefined) sentAt.set(code, (times = []));
        times[n] = at;
        messages.push({ key: code, value: visitValue(at, i), timestamp: String(at) });
      }
      if (messages.length > 0) {
        const sending = producer.send({ topic: input, acks: -1, messages });
        inFlight.add(sending);
        void sending.finally(() => inFlight.delete(sending));
      }
      await sleep(5);
    }
    await Promise.all(inFlight);
    // The last outputs: a commit interval (Kafka Streams 100 ms, Quix Streams 5 s...) and some.
    await sleep(Number(process.env.BENCH_PEERS_LATENCY_DRAIN_MS ?? 8_000));
    const sorted = latencies.sort((a, b) => a - b);
    // No output for a visit offered after the warm-up: the system fell that far behind the load.
    if (sorted.length === 0)
      return { samples: 0, p50: Number.NaN, p99: Number.NaN, offeredPerSecond: (produced * 1000) / durationMs };
    return {
      samples: sorted.length,
      p50: percentile(sorted, 0.5),
      p99: percentile(sorted, 0.99),
      offeredPerSecond: (produced * 1000) / durationMs,
    };
  } finally {
    await producer.disconnect();
    await consumer.disconnect();
  }
}

/** Produces a record keyed `key` to `input` every second until an output keyed `key` arrives. */
export async function waitUntilProcessing(
  kafka: Kafka,
  peer: PeerProcess,
  input: string,
  output: string,
  timeoutMs: number,
): Promise<void> {
  const key = `warm-up-${Date.now()}`;
  const consumer = kafka.consumer({ groupId: `peers-warm-up-${Date.now()}`, maxWaitTimeInMs: 50 });
  let seen = false;
  await consumer.connect();
  await consumer.subscribe({ topic: output, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (message.key?.toString() === key) seen = true;
      await Promise.resolve();
    },
  });
  const producer = kafka.producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    while (!seen) {
      peer.assertAlive();
      if (Date.now() > deadline) throw new Error(`${peer.label}: no output within ${timeoutMs / 1000} s of starting`);
      await producer.send({ topic: input, acks: -1, messages: [{ key, value: visitValue(Date.now(), 0) }] });
      for (let waited = 0; waited < 1_000 && !seen; waited += 50) await sleep(50);
    }
  } finally {
    await producer.disconnect();
    await consumer.disconnect();
  }
}

/** Waits until the group has no member (a previous instance's session may have to time out first). */
export async function waitForEmptyGroup(admin: Admin, groupId: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { groups } = await admin.describeGroups([groupId]);
    const state = groups[0]?.state;
    if (state === undefined || state === "Empty" || state === "Dead") return;
    if (Date.now() > deadline) throw new Error(`group ${groupId} still ${state} after ${timeoutMs / 1000} s`);
    await sleep(500);
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
