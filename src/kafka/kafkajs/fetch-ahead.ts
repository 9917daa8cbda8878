// Fetch while processing: the next Fetch of a consumer goes out as soon as the last answer
// is handed to kafkajs, as the Java consumer sends its next fetch while the application
// works through the records of the last poll.
//
// kafkajs' fetcher asks a broker for more only after every batch of its last answer has been
// processed, and builds each request from the positions processing resolved. Here, when an
// answer that held records is handed out, the same request is sent again at once with each
// partition's offset moved past what the answer held: the positions kafkajs will have once
// those records are processed. Its answer is kept, and handed out only if the request kafkajs
// builds next asks for each of its partitions from exactly the offset the fetch ahead asked
// for. Anything else (a seek, a reset, a restore that moved a position, a batch not processed
// to its end, a new assignment, a resumed partition) makes it be dropped and a fresh Fetch
// sent, so that the records handed out are always those kafkajs' own request would have got.
// Partitions the fetch ahead holds but kafkajs no longer asks for (paused, revoked) are cut out.
//
// Memory stays bounded as in the Java consumer: at most one answer is kept per broker, and
// none is asked for while it is still kept; the broker caps its size at the request's maxBytes
// (the first batch excepted, as for any Fetch), so a slow processor holds at most one answer
// beside the one it processes. The answer is kept as the bytes the broker sent, and decoded
// only when handed out: records decoded on arrival would wait on the heap long enough to be
// promoted to V8's old generation, whose collection is costly. Offsets are committed from what the tasks processed, never
// from what was fetched, so nothing here moves a committed offset.
import { DECODE_LATER, isUndecoded } from "./fast-fetch.js";
import type { BrokerInternals, ClusterInternals } from "./kafkajs-internals.js";

const AHEAD = Symbol("eddy:fetchAhead");

interface PartitionRequest {
  partition: number;
  fetchOffset: string;
  maxBytes: number;
}

interface FetchArgs {
  topics: Array<{ topic: string; partitions: PartitionRequest[] }>;
  [field: string]: unknown;
}

interface FetchedMessage {
  offset: string | number;
  key?: Buffer | null;
  value?: Buffer | null;
}

interface FetchedPartition {
  partition: number;
  messages: FetchedMessage[];
  [field: string]: unknown;
}

interface FetchAnswer {
  responses: Array<{ topicName: string; partitions: FetchedPartition[] }>;
  [field: string]: unknown;
}

export interface FetchAheadStats {
  /** Fetches sent ahead. */
  sent: number;
  /** Answers of fetches ahead handed to kafkajs. */
  used: number;
  /** Fetches ahead whose answer was not handed out (positions moved, dropped, failed). */
  dropped: number;
  /** Bytes of the answers kept now: each response's size as the broker sent it (kept undecoded). */
  heldBytes: number;
  /** The most bytes ever kept at once. */
  maxHeldBytes: number;
}

/** A consumer's fetching ahead: its counters, and the drop of every kept answer. */
export interface FetchAhead {
  readonly stats: Readonly<FetchAheadStats>;
  /** Forgets every fetch ahead (a rebalance, a seek, a stop): their answers are never handed out. */
  drop(): void;
}

interface Pending {
  args: FetchArgs;
  /** Kept undecoded where the lean decoder reads the response (Fetch v11). */
  answer: Promise<unknown>;
  bytes: number;
}

type AheadBroker = BrokerInternals & { [AHEAD]?: true };

/**
 * Makes the fetches of this cluster (a group consumer's) go out ahead of processing.
 * Installed after installFastFetch, so that the fetches ahead are decoded as every other.
 */
export function installFetchAhead(cluster: ClusterInternals): FetchAhead {
  const pendingByBroker = new Map<AheadBroker, Pending>();
  const stats: FetchAheadStats = { sent: 0, used: 0, dropped: 0, heldBytes: 0, maxHeldBytes: 0 };
  let epoch = 0;

  const release = (pending: Pending, used: boolean): void => {
    if (used) stats.used += 1;
    else stats.dropped += 1;
    stats.heldBytes -= pending.bytes;
    pending.bytes = 0;
  };

  const drop = (): void => {
    epoch += 1;
    for (const pending of pendingByBroker.values()) release(pending, false);
    pendingByBroker.clear();
  };

  const sendAhead = (broker: AheadBroker, fetch: (args: FetchArgs) => Promise<FetchAnswer>, args: FetchArgs): void => {
    const sentAt = epoch;
    const pending: Pending = { args, answer: Promise.resolve(undefined), bytes: 0 };
    pending.answer = fetch({ ...args, [DECODE_LATER]: true }).then(
      (answer: unknown) => {
        // Dropped while in flight: nothing is kept.
        if (sentAt !== epoch) return undefined;
        pending.bytes = isUndecoded(answer) ? answer.bytes : recordBytes(answer as FetchAnswer);
        stats.heldBytes += pending.bytes;
        stats.maxHeldBytes = Math.max(stats.maxHeldBytes, stats.heldBytes);
        return answer;
      },
      // kafkajs sees the error, if it is still there, when its own fetch asks again.
      () => undefined,
    );
    stats.sent += 1;
    pendingByBroker.set(broker, pending);
  };

  const wrap = (broker: AheadBroker): void => {
    broker[AHEAD] = true;
    const fetch = broker.fetch.bind(broker) as unknown as (args: FetchArgs) => Promise<FetchAnswer>;
    broker.fetch = async (raw: Record<string, unknown>) => {
      const args = raw as unknown as FetchArgs;
      const pending = pendingByBroker.get(broker);
      let answer: FetchAnswer | undefined;
      if (pending !== undefined) {
        pendingByBroker.delete(broker);
        const sentAt = epoch;
        if (covers(pending.args, args)) {
          const kept = await pending.answer;
          // A drop while waiting for it (a rebalance) voids it too. An error in it (a partition
          // out of range, a leader moved) is left to kafkajs' own fetch, which asks again.
          const decoded = kept === undefined || sentAt !== epoch ? undefined : await decodeKept(kept);
          if (decoded !== undefined && sentAt === epoch)
            answer = partitionCount(pending.args) === partitionCount(args) ? decoded : only(decoded, args);
        }
        release(pending, answer !== undefined);
      }
      answer ??= await fetch(args);
      const next = aheadOf(args, answer);
      if (next !== undefined && !pendingByBroker.has(broker)) sendAhead(broker, fetch, next);
      return answer;
    };
  };

  const findBroker = cluster.findBroker.bind(cluster);
  cluster.findBroker = async (node) => {
    const broker = (await findBroker(node)) as AheadBroker;
    if (broker[AHEAD] !== true) wrap(broker);
    return broker;
  };
  return { stats, drop };
}

/**
 * Whether an answer to `ahead` is what `wanted` would get: every partition `wanted` asks for
 * is in `ahead`, from the same offset and with the same size limit, and so are the limits of
 * the request (isolation level, maxBytes, minBytes, maxWaitTime).
 */
export function covers(ahead: FetchArgs, wanted: FetchArgs): boolean {
  for (const field of Object.keys(wanted)) {
    if (field !== "topics" && wanted[field] !== ahead[field]) return false;
  }
  const offsets = new Map<string, PartitionRequest>();
  for (const { topic, partitions } of ahead.topics) {
    for (const p of partitions) offsets.set(`${topic}|${p.partition}`, p);
  }
  for (const { topic, partitions } of wanted.topics) {
    for (const p of partitions) {
      const asked = offsets.get(`${topic}|${p.partition}`);
      if (asked === undefined || asked.fetchOffset !== p.fetchOffset || asked.maxBytes !== p.maxBytes) return false;
    }
  }
  return true;
}

/**
 * The request to send ahead after `answer`: the same, each partition from past the last
 * entry the answer holds (records, and the entries standing for transaction markers and
 * aborted data, which kafkajs resolves past too). None when the answer held nothing: the
 * consumer has caught up, and a fetch ahead would only wait at the broker.
 */
export function aheadOf(args: FetchArgs, answer: FetchAnswer): FetchArgs | undefined {
  const next = new Map<string, number>();
  for (const { topicName, partitions } of answer.responses) {
    for (const p of partitions) {
      const last = p.messages[p.messages.length - 1];
      if (last !== undefined) next.set(`${topicName}|${p.partition}`, Number(last.offset) + 1);
    }
  }
  if (next.size === 0) return undefined;
  return {
    ...args,
    topics: args.topics.map(({ topic, partitions }) => ({
      topic,
      partitions: partitions.map((p) => {
        const offset = next.get(`${topic}|${p.partition}`);
        // A batch starting below the offset asked for (kafkajs drops those records) moves nothing.
        return offset === undefined || offset <= Number(p.fetchOffset) ? p : { ...p, fetchOffset: String(offset) };
      }),
    })),
  };
}

/** The answer with only the partitions `args` asks for. */
function only(answer: FetchAnswer, args: FetchArgs): FetchAnswer {
  const wanted = new Set<string>();
  for (const { topic, partitions } of args.topics) for (const p of partitions) wanted.add(`${topic}|${p.partition}`);
  return {
    ...answer,
    responses: answer.responses
      .map(({ topicName, partitions }) => ({
        topicName,
        partitions: partitions.filter((p) => wanted.has(`${topicName}|${p.partition}`)),
      }))
      .filter(({ partitions }) => partitions.length > 0),
  };
}

async function decodeKept(kept: unknown): Promise<FetchAnswer | undefined> {
  if (!isUndecoded(kept)) return kept as FetchAnswer;
  try {
    return (await kept.decode()) as FetchAnswer;
  } catch {
    return undefined;
  }
}

function partitionCount(args: FetchArgs): number {
  let count = 0;
  for (const { partitions } of args.topics) count += partitions.length;
  return count;
}

function recordBytes(answer: FetchAnswer): number {
  let bytes = 0;
  for (const { partitions } of answer.responses) {
    for (const { messages } of partitions) {
      for (const m of messages) bytes += (m.key?.length ?? 0) + (m.value?.length ?? 0);
    }
  }
  return bytes;
}
