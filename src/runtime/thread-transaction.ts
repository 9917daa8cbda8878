// Exactly-once v2 (KIP-447), as Kafka Streams' StreamsProducer under EXACTLY_ONCE_V2: one
// transactional producer for the stream thread, `<applicationId>-<processId>-<threadIdx>`, one
// open transaction holding every task's outputs, changelog records and consumed offsets, and
// one commit for them all. What fences a zombie is no longer a transactional id per task but
// the group: the offsets go out as TxnOffsetCommit v3 carrying the consumer's generation and
// member id, which the group coordinator refuses from a member that lost its partitions; its
// transaction can then only abort. A new owner reads committed offsets with requireStable, so
// it waits until an old owner's transaction holding its partitions has ended.
//
// Tasks keep their own serial queues, and under v2 every step that touches a task's
// uncommitted work (processing, punctuation, commits, suspending, closing) also holds this
// thread's lock: a commit then sees every task between two records, never halfway through one.
// The lock is not held while a task restores. A failure of the transaction dooms it: no
// commit may follow until every task has dropped its uncommitted work and reset() aborted it.
//
// A commit holds the lock only while it takes every task's work (prepareCommit: the caches
// flushed, the changelog records made, the overlay's writes set apart); when the tasks ask
// for it in the background, the rest (the last records, the offsets, EndTxn, each task's
// LevelDB batch) goes on without the lock, and the tasks process their next records
// meanwhile, as Kafka Streams' thread would if its producer's commit did not block it. What
// they do then is held apart: their sends wait for the commit's end (they belong to the next
// transaction), their overlay writes stay over the batch being written, and a failed commit
// dooms the transaction, which drops both. The next commit, reset(), close() and a task that
// drops its work first wait for the commit in flight. A commit that only falls due (its
// interval passed) while the last one is still ending is put off until that one ended
// (committing() says so), for up to DEFER_AT_MOST_MS: the tasks go on processing meanwhile,
// where waiting for it would hold every task still for the rest of a commit whenever a
// commit takes longer than the interval (its round trips to the broker, on a busy machine).
import type { Logger } from "pino";
import type { KafkaClient } from "../kafka/client.js";
import { classifyKafkaError } from "../kafka/errors.js";
import { TransactionalProducer } from "../kafka/transactional-producer.js";
import type { GroupMetadata, ProducedOffsets, ProducedRecord, OffsetToCommit } from "../kafka/types.js";
import { TaskMigratedError } from "./errors.js";
import { SerialQueue } from "./serial-queue.js";

/**
 * How long a commit in flight may put off the next one that falls due. Past this the broker is
 * slow or gone: processing more would only pile up uncommitted work (memory, and records to
 * process again should the commit fail), so the tasks stop and wait for it, as they did before.
 */
export const DEFER_AT_MOST_MS = 1_000;

/** What one task hands to the thread's commit. */
export interface TaskCommit {
  readonly records: readonly ProducedRecord[];
  /** Every input partition's position (the next offset to process), with its metadata. */
  readonly offsets: readonly OffsetToCommit[];
  /** Called once the transaction committed, with where every record of it landed. */
  complete(produced: readonly ProducedOffsets[]): Promise<void>;
  /** Called just before EndTxn: the task's outputs may be read from here on. */
  closeReadGate(): void;
  /** A commit that went on in the background failed: the task reports it (see claimFailure). */
  failed?(error: unknown): void;
}

/** A task as the thread's commit sees it. */
export interface CommittingTask {
  readonly id: string;
  readonly state: string;
  /** Drains what the task has not yet sent; undefined when it is not running. */
  prepareCommit(): Promise<TaskCommit | undefined>;
}

export interface ThreadTransactionOptions {
  readonly kafka: KafkaClient;
  readonly transactionalId: string;
  readonly transactionTimeoutMs: number;
  /** Kafka's delivery.timeout.ms for the producer's sends. */
  readonly deliveryTimeoutMs: number;
  readonly groupId: string;
  /** Where the thread's consumer stands in the group now. */
  groupMetadata(): GroupMetadata;
  /** The thread's active tasks. */
  tasks(): readonly CommittingTask[];
  /** Whether the group's last assignment gave this thread the task. */
  isAssigned(taskId: string): boolean;
  maxBatchBytes(topic: string): number;
  readonly logger: Logger;
}

export class ThreadTransaction {
  readonly #lock = new SerialQueue();
  readonly #sends = new SerialQueue();
  #producer: TransactionalProducer | undefined;
  #initializing: Promise<TransactionalProducer> | undefined;
  #doomed: unknown;
  /** Whether a task reported the doom already (the task manager then drops every task's work). */
  #failureClaimed = false;
  /** The end of the last commit (records, offsets, EndTxn, LevelDB), when it goes on in the background. */
  #inFlight: Promise<void> | undefined;
  /** When the commit in flight took the tasks' work. */
  #inFlightSince = 0;
  #closed = false;
  /**
   * When the last commit ended (or the thread started; for a commit that ends in the
   * background, when the tasks' work was taken): the commit interval of every task counts from here.
   */
  #lastCommitAt = Date.now();

  constructor(private readonly options: ThreadTransactionOptions) {}

  get transactionalId(): string {
    return this.options.transactionalId;
  }

  /** Runs `work` holding the thread's lock (see the top of this file). */
  locked<T>(work: () => Promise<T>): Promise<T> {
    return this.#lock.run(work);
  }

  get lastCommitAt(): number {
    return this.#lastCommitAt;
  }

  /** The reason no commit may happen until reset(), if any. */
  get doomed(): unknown {
    return this.#doomed;
  }

  /** The transaction's work is lost (a task failed, the group moved on): refuse commits until reset(). */
  doom(reason: unknown): void {
    this.#doomed ??= reason;
  }

  /**
   * A task reports the doom (it fails, and its task manager drops every task's work): true for
   * the first to claim it until reset(), so that a commit failing in the background is reported once.
   */
  claimFailure(): boolean {
    if (this.#failureClaimed) return false;
    this.#failureClaimed = true;
    return true;
  }

  /**
   * Whether a commit is still ending, taken less than DEFER_AT_MOST_MS ago: a commit that merely
   * fell due waits until it ended, while the tasks go on processing (see the top of this file).
   */
  committing(now: number): boolean {
    return this.#inFlight !== undefined && now - this.#inFlightSince < DEFER_AT_MOST_MS;
  }

  /** Settles once the commit in flight (if any) ended, whether it committed or failed. */
  async settled(): Promise<void> {
    await this.#inFlight?.catch(() => undefined);
  }

  /**
   * The producer, registered with the transaction coordinator (InitProducerId: an older
   * producer of this transactional id is fenced and its open transaction aborted).
   */
  init(): Promise<TransactionalProducer> {
    if (this.#producer !== undefined) return Promise.resolve(this.#producer);
    this.#initializing ??= (async () => {
      const producer = new TransactionalProducer(this.options.kafka, {
        transactionalId: this.options.transactionalId,
        transactionTimeoutMs: this.options.transactionTimeoutMs,
        deliveryTimeoutMs: this.options.deliveryTimeoutMs,
        groupMetadata: () => this.options.groupMetadata(),
      });
      try {
        await producer.init();
      } catch (error) {
        await producer.close().catch(() => undefined);
        throw error;
      }
      this.#producer = producer;
      return producer;
    })().finally(() => {
      this.#initializing = undefined;
    });
    return this.#initializing;
  }

  /** Sends records into the open transaction, one send at a time (kafkajs' sequence numbers need that). */
  send(records: readonly ProducedRecord[]): Promise<ProducedOffsets[]> {
    if (records.length === 0) return Promise.resolve([]);
    // Records processed while a commit is in flight belong to the next transaction.
    const committing = this.#inFlight;
    return this.#sends.run(async () => {
      await committing?.catch(() => undefined);
      return this.#sendNow(records);
    });
  }

  async #sendNow(records: readonly ProducedRecord[]): Promise<ProducedOffsets[]> {
    if (this.#doomed !== undefined) throw this.#doomed;
    const producer = await this.init();
    return producer.send(records, (topic) => this.options.maxBatchBytes(topic));
  }

  /**
   * Commits every running task's work in one transaction: their last records and the
   * positions of all their input partitions (so that every commit carries the group check),
   * then EndTxn, then each task's state reaches its store. Called holding the lock; a commit
   * still in flight ends first. With `inBackground` it returns once every task's work is
   * taken, and the rest goes on while the tasks process (see the top of this file); a failure
   * then reaches the tasks through failed(). A failure dooms the transaction and is rethrown.
   */
  async commit(options: { inBackground?: boolean } = {}): Promise<void> {
    await this.settled();
    try {
      if (this.#doomed !== undefined) throw this.#doomed;
      const tasks = this.options.tasks().filter((t) => t.state === "running");
      const revoked = tasks.find((t) => !this.options.isAssigned(t.id));
      if (revoked !== undefined) {
        throw new TaskMigratedError(`task ${revoked.id} was revoked before its work was committed`);
      }
      const commits: TaskCommit[] = [];
      for (const task of tasks) {
        const prepared = await task.prepareCommit();
        if (prepared !== undefined) commits.push(prepared);
      }
      const producer = await this.init();
      const ending = this.#end(producer, commits);
      this.#inFlight = ending;
      this.#inFlightSince = Date.now();
      const ended = (): void => {
        if (this.#inFlight === ending) this.#inFlight = undefined;
      };
      ending.then(ended, ended);
      if (options.inBackground !== true) {
        await ending;
        this.#lastCommitAt = Date.now();
        return;
      }
      // The next interval counts from here, while this commit ends: otherwise a commit that
      // takes longer than the interval would be followed at once by one of a few records.
      this.#lastCommitAt = Date.now();
      ending.catch((error: unknown) => {
        for (const c of commits) c.failed?.(error);
      });
    } catch (error) {
      this.doom(error);
      throw error;
    }
  }

  /** The commit once every task's work is taken: records and offsets, EndTxn, then each task's state. */
  async #end(producer: TransactionalProducer, commits: readonly TaskCommit[]): Promise<void> {
    try {
      // concat() copies each task's thousands of records at once; flatMap() goes one by one.
      const records = ([] as ProducedRecord[]).concat(...commits.map((c) => c.records));
      const offsets = commits.flatMap((c) => c.offsets);
      // The last records and the offsets travel at the same time, as Kafka's producer sends
      // them: only EndTxn must wait for both. The records go before any send queued after
      // this commit began (those belong to the next transaction).
      const [sent, offsetsSent] = await Promise.allSettled([
        records.length === 0 ? Promise.resolve([]) : this.#sends.run(() => this.#sendNow(records)),
        producer.sendOffsets(this.options.groupId, offsets),
      ]);
      if (sent.status === "rejected") throw sent.reason;
      if (offsetsSent.status === "rejected") throw offsetsSent.reason;
      // Doomed meanwhile (a task failed, the member lost the group): the work is void.
      if (this.#doomed !== undefined) throw this.#doomed;
      for (const c of commits) c.closeReadGate();
      await producer.commit();
      // Each task's LevelDB batch at once: queries read the store right after the outputs show.
      await Promise.all(commits.map((c) => c.complete(sent.value)));
    } catch (error) {
      this.doom(error);
      throw error;
    }
  }

  /**
   * After every task dropped its uncommitted work: aborts the open transaction (its records
   * and offsets never become visible) and allows commits again. The producer is replaced,
   * as Kafka Streams resets its StreamsProducer: one whose EndTxn failed is stuck halfway
   * in kafkajs' state machine, a fenced one is useless, and the next one's InitProducerId
   * aborts on the coordinator whatever this abort could not.
   */
  async reset(): Promise<void> {
    await this.settled();
    const reason = this.#doomed;
    await this.#sends.run(() => Promise.resolve());
    const producer = this.#producer;
    this.#producer = undefined;
    if (producer !== undefined) {
      if (reason === undefined || classifyKafkaError(reason) !== "fenced") {
        await producer.abort().catch((error: unknown) => {
          this.options.logger.debug({ err: error }, "aborting the thread's transaction failed");
        });
      }
      await producer.close().catch(() => undefined);
    }
    this.#doomed = undefined;
    this.#failureClaimed = false;
  }

  /** Closes the producer; an open transaction is aborted by the coordinator (a new owner's fetch waits for that). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.settled();
    await this.#initializing?.catch(() => undefined);
    const producer = this.#producer;
    this.#producer = undefined;
    if (producer !== undefined) {
      if (producer.inTransaction) await producer.abort().catch(() => undefined);
      await producer.close().catch(() => undefined);
    }
  }
}
