// What a transactional producer's Produce requests did, seen at the broker: which are still in
// flight and whether any was answered. It lets the producer send every partition of a commit
// in one kafkajs send (one Produce request per leader, as Kafka's producer sends) with kafkajs'
// own retries off, and retry itself only when that is safe (produce.ts, sendTogether): kafkajs
// retrying a send that spans several leaders can skip or duplicate records (see sendByPartition).
// A failed attempt is retried only once none of its requests is in flight and none was answered:
// then nothing of it reached a log except under the sequence numbers kafkajs gives back on a
// failure, which the broker deduplicates when they come again.
import type { BrokerInternals, ClusterInternals } from "./kafkajs-internals.js";

/**
 * Refuses a Produce request of an attempt that already failed, before it is written: kafkajs
 * retries a failed send once (an idempotent producer must allow a retry), and that retry may
 * span other leaders or send again records whose first request is still in flight.
 */
export class AttemptClosedError extends Error {
  readonly retriable = false;
  constructor() {
    super("this send already failed; it is retried as a whole or not at all");
    this.name = "EddyProduceAttemptClosed";
  }
}

export class ProduceLedger {
  readonly #inFlight = new Set<Promise<unknown>>();
  #answered = 0;
  #failure: unknown;

  /** Starts an attempt: forgets the answers and the failure of the last one. */
  begin(): void {
    this.#answered = 0;
    this.#failure = undefined;
  }

  /** A request of the attempt failed (a Produce, or the AddPartitionsToTxn before one): it sends no more. */
  failed(error: unknown): void {
    this.#failure ??= error;
  }

  /** The first failure of the attempt, if any. */
  get failure(): unknown {
    return this.#failure;
  }

  /** Resolves once no Produce request of this producer is in flight. */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  /** Produce requests answered without an error since begin(). */
  get answered(): number {
    return this.#answered;
  }

  track<T>(produce: () => Promise<T>): Promise<T> {
    if (this.#failure !== undefined) return Promise.reject(new AttemptClosedError());
    const request = produce();
    this.#inFlight.add(request);
    request.then(
      () => {
        this.#answered += 1;
        this.#inFlight.delete(request);
      },
      (error: unknown) => {
        this.failed(error);
        this.#inFlight.delete(request);
      },
    );
    return request;
  }
}

/** Transactional ids whose Produce requests are tracked, by id. */
export type ProduceLedgerRegistry = Map<string, ProduceLedger>;

const WRAPPED = Symbol("eddy:produceLedger");

type WrappedBroker = BrokerInternals & { [WRAPPED]?: true };

/** A cluster decorator: a registered transactional id's Produce requests are tracked by its ledger. */
export function trackProduceRequests(cluster: ClusterInternals, registry: ProduceLedgerRegistry): void {
  const findBroker = cluster.findBroker.bind(cluster);
  cluster.findBroker = async (node) => {
    const broker = (await findBroker(node)) as WrappedBroker;
    if (broker[WRAPPED] !== true) wrap(broker, registry);
    return broker;
  };
}

function wrap(broker: WrappedBroker, registry: ProduceLedgerRegistry): void {
  broker[WRAPPED] = true;
  const produce = broker.produce.bind(broker);
  broker.produce = (args: Record<string, unknown>) => {
    const id = args.transactionalId;
    const ledger = typeof id === "string" ? registry.get(id) : undefined;
    return ledger === undefined ? produce(args) : ledger.track(() => produce(args));
  };
}
