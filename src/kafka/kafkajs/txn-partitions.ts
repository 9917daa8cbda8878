// AddPartitionsToTxn once per transaction, as Kafka's TransactionManager sends it, not once per
// partition. kafkajs adds a send's partitions to the transaction inside that send, holding the
// leader's lock; Eddy sends each partition on its own (produce.ts, sendByPartition), so a commit
// touching 12 partitions cost 12 AddPartitionsToTxn round trips, one after another, each
// followed by its Produce. The transactional producer now announces the partitions of what it
// is about to send; the first AddPartitionsToTxn kafkajs sends for that transactional id carries
// every announced partition, and the ones after it that ask only for partitions already added
// are answered here, without a request. Adding a partition that then gets no record costs the
// coordinator one more marker at EndTxn, nothing else; a refused request adds nothing (the
// coordinator adds all of a request's partitions or none), so kafkajs' retries ask again.
import { kafkaErrorType } from "../errors.js";
import type { BrokerInternals, ClusterInternals } from "./kafkajs-internals.js";

interface KafkajsAddPartitionsArgs {
  transactionalId: string;
  topics: Array<{ topic: string; partitions: number[] }>;
}

type TopicPartitions = Array<{ topic: string; partitions: number[] }>;

/** The partitions of one transactional id's open transaction: announced, and added on the coordinator. */
export class TxnPartitions {
  readonly #announced = new Map<string, Set<number>>();
  readonly #added = new Map<string, Set<number>>();
  #adding: Promise<unknown> | undefined;
  /** Told when a request fails (the Produce requests of that attempt must not follow). */
  onFailure: ((error: unknown) => void) | undefined;
  /** Bumped when a transaction ends: an answer to an earlier transaction's request adds nothing to this one. */
  #transaction = 0;

  /** `onConcurrentTransactions`: told of each CONCURRENT_TRANSACTIONS answer (counted for the benchmarks). */
  constructor(private readonly onConcurrentTransactions: () => void = () => undefined) {}

  /** The partitions the next sends go to (each record's topic and partition). */
  announce(partitions: ReadonlyArray<{ readonly topic: string; readonly partition: number }>): void {
    // A send's records come in runs of one topic: its sets are looked up once per run.
    let lastTopic: string | undefined;
    let added: Set<number> | undefined;
    let announced: Set<number> | undefined;
    for (let i = 0; i < partitions.length; i += 1) {
      const { topic, partition } = partitions[i] as { readonly topic: string; readonly partition: number };
      if (topic !== lastTopic) {
        lastTopic = topic;
        added = this.#added.get(topic);
        announced = this.#announced.get(topic);
      }
      if (added?.has(partition) === true) continue;
      if (announced === undefined) this.#announced.set(topic, (announced = new Set()));
      announced.add(partition);
    }
  }

  /** The transaction ended (committed, aborted, or its producer is gone): the next one starts with none. */
  ended(): void {
    this.#announced.clear();
    this.#added.clear();
    this.#transaction += 1;
  }

  /**
   * kafkajs asks to add `asked`: answered at once when they are all added already, else one
   * request (through `send`) for them and every announced partition not yet added. One
   * request at a time: the coordinator refuses a second while it writes the first
   * (CONCURRENT_TRANSACTIONS), and the second mostly finds its partitions added by the first.
   */
  async add(asked: TopicPartitions, send: (topics: TopicPartitions) => Promise<unknown>): Promise<unknown> {
    for (;;) {
      if (this.#adding !== undefined) {
        await this.#adding.catch(() => undefined);
        continue;
      }
      const missing = asked.filter(({ topic, partitions }) => partitions.some((p) => !this.#isAdded(topic, p)));
      if (missing.length === 0) return ANSWERED_HERE;
      const topics = this.#withAnnounced(missing);
      const transaction = this.#transaction;
      const adding = sendSoon(topics, send, this.onConcurrentTransactions).then((answer) => {
        if (transaction === this.#transaction) this.#markAdded(topics);
        return answer;
      });
      this.#adding = adding;
      try {
        return await adding;
      } catch (error) {
        this.onFailure?.(error);
        throw error;
      } finally {
        if (this.#adding === adding) this.#adding = undefined;
      }
    }
  }

  #isAdded(topic: string, partition: number): boolean {
    return this.#added.get(topic)?.has(partition) === true;
  }

  #withAnnounced(missing: TopicPartitions): TopicPartitions {
    const byTopic = new Map<string, Set<number>>();
    for (const { topic, partitions } of missing) byTopic.set(topic, new Set(partitions));
    for (const [topic, announced] of this.#announced) {
      let set = byTopic.get(topic);
      if (set === undefined) byTopic.set(topic, (set = new Set()));
      for (const p of announced) set.add(p);
    }
    const topics: TopicPartitions = [];
    for (const [topic, set] of byTopic) {
      const partitions = [...set].filter((p) => !this.#isAdded(topic, p));
      if (partitions.length > 0) topics.push({ topic, partitions: partitions.sort((a, b) => a - b) });
    }
    return topics;
  }

  #markAdded(topics: TopicPartitions): void {
    for (const { topic, partitions } of topics) {
      let added = this.#added.get(topic);
      if (added === undefined) this.#added.set(topic, (added = new Set()));
      const announced = this.#announced.get(topic);
      for (const p of partitions) {
        added.add(p);
        announced?.delete(p);
      }
      if (announced?.size === 0) this.#announced.delete(topic);
    }
  }
}

/**
 * Right after EndTxn the coordinator writes the markers of the transaction that ended and
 * refuses to start the next one (CONCURRENT_TRANSACTIONS) for a few milliseconds. kafkajs
 * would retry after refreshing the metadata and 100 ms (its producer's backoff); Kafka's
 * producer retries this one after 20 ms. Here after 5 ms, doubling, for up to 2 s; then
 * kafkajs' own retries take over.
 */
async function sendSoon(
  topics: TopicPartitions,
  send: (topics: TopicPartitions) => Promise<unknown>,
  onConcurrentTransactions: () => void,
): Promise<unknown> {
  const giveUpAt = Date.now() + 2_000;
  for (let delay = 5; ; delay = Math.min(delay * 2, 80)) {
    try {
      return await send(topics);
    } catch (error) {
      if (kafkaErrorType(error) !== "CONCURRENT_TRANSACTIONS") throw error;
      onConcurrentTransactions();
      if (Date.now() >= giveUpAt) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** kafkajs' parsed AddPartitionsToTxn answer when nothing was refused (its eosManager does not read it). */
const ANSWERED_HERE = { throttleTime: 0, errors: [] };

/** Transactional ids whose AddPartitionsToTxn requests are gathered, by id. */
export type TxnPartitionsRegistry = Map<string, TxnPartitions>;

const WRAPPED = Symbol("eddy:addPartitionsTogether");

type WrappedBroker = BrokerInternals & {
  [WRAPPED]?: true;
  addPartitionsToTxn(args: Record<string, unknown>): Promise<unknown>;
};

/** A cluster decorator: a registered transactional id's AddPartitionsToTxn requests go through its TxnPartitions. */
export function addPartitionsTogether(cluster: ClusterInternals, registry: TxnPartitionsRegistry): void {
  const find = cluster.findGroupCoordinator.bind(cluster);
  cluster.findGroupCoordinator = async (group) => {
    const broker = (await find(group)) as WrappedBroker;
    if (broker[WRAPPED] !== true && typeof broker.addPartitionsToTxn === "function") wrap(broker, registry);
    return broker;
  };
}

function wrap(broker: WrappedBroker, registry: TxnPartitionsRegistry): void {
  broker[WRAPPED] = true;
  const kafkajsAddPartitions = broker.addPartitionsToTxn.bind(broker);
  broker.addPartitionsToTxn = (raw: Record<string, unknown>) => {
    const args = raw as unknown as KafkajsAddPartitionsArgs;
    const partitions = registry.get(args.transactionalId);
    if (partitions === undefined) return kafkajsAddPartitions(raw);
    return partitions.add(args.topics, (topics) => kafkajsAddPartitions({ ...raw, topics }));
  };
}
