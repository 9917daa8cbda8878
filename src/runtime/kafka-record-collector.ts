// The runtime's RecordCollector (Kafka Streams' RecordCollectorImpl): takes the
// serialized records a task's sinks emit, picks their partitions the way a Java
// producer would (murmur2 of the key bytes; round robin for null keys), and holds them
// until the task flushes them into its producer: at commit, or earlier when the
// buffer is full. Under exactly-once every flush lands in the task's open transaction.
import { partitionForKey } from "../kafka/partitioner.js";
import type { ProducedRecord as KafkaRecord } from "../kafka/types.js";
import type { ProducedRecord, RecordCollector } from "../engine/record-collector.js";
import { refusalOf } from "./record-checks.js";
import type { Refusal, TopicWriteRules } from "./record-checks.js";
import type { TopicPartitions } from "./topic-partitions.js";

/** What happens to a record its broker would refuse: it is not buffered; this decides the rest. */
export type RefusedRecordHandler = (record: KafkaRecord, refusal: Refusal) => void | Promise<void>;

export interface CollectorLimits {
  /** Flush when this many records wait. */
  maxRecords: number;
  /** Flush when their keys and values reach this many bytes. */
  maxBytes: number;
}

export const DEFAULT_COLLECTOR_LIMITS: CollectorLimits = { maxRecords: 5_000, maxBytes: 4 * 1024 * 1024 };

export class KafkaRecordCollector implements RecordCollector {
  #pending: KafkaRecord[] = [];
  #bytes = 0;
  readonly #roundRobin = new Map<string, number>();
  #lastKey: Buffer | undefined;
  #lastCount = 0;
  #lastPartition = 0;

  constructor(
    private readonly partitions: TopicPartitions,
    /** Sends what is buffered; called when the buffer is full. */
    private readonly flushFull: () => Promise<void>,
    private readonly limits: CollectorLimits = DEFAULT_COLLECTOR_LIMITS,
    /** Checks records against their topic's write rules (record-checks.ts) when given. */
    private readonly onRefused?: RefusedRecordHandler,
  ) {}

  get size(): number {
    return this.#pending.length;
  }

  partitionsFor(topic: string): number {
    const count = this.partitions.get(topic);
    if (count === undefined) throw new RangeError(`The partition count of topic "${topic}" is not known yet`);
    return count;
  }

  /**
   * Synchronous unless the topic is new to it or the buffer is full: the sinks await
   * what it returns, and a promise per record would cost more than the rest of send().
   */
  send(record: ProducedRecord): void | Promise<void> {
    const count = this.partitions.get(record.topic);
    if (count === undefined) return this.partitions.resolve(record.topic).then(() => this.send(record));
    let rules: TopicWriteRules | undefined;
    if (this.onRefused !== undefined) {
      rules = this.partitions.rules(record.topic);
      if (rules === undefined) return this.partitions.resolveRules(record.topic).then(() => this.send(record));
    }
    // The sinks hand over a record made for this call and never look at it again: it is
    // buffered as it is, with its partition filled in, rather than copied.
    if (record.partition === undefined)
      (record as { partition: number | undefined }).partition = this.partitionOf(
        record.topic,
        record.partitionKey ?? record.key,
        count,
      );
    if (rules !== undefined && mayBeRefused(record, rules)) {
      const refusal = refusalOf(record as KafkaRecord, rules, Date.now());
      if (refusal !== undefined) return this.onRefused?.(record as KafkaRecord, refusal);
    }
    this.add(record as KafkaRecord);
    if (this.#pending.length >= this.limits.maxRecords || this.#bytes >= this.limits.maxBytes) return this.flushFull();
    return undefined;
  }

  /** For records the runtime itself writes (changelogs), already partitioned. */
  add(record: KafkaRecord): void {
    this.#pending.push(record);
    this.#bytes += (record.key?.length ?? 0) + (record.value?.length ?? 0);
  }

  /** Takes everything buffered, in the order it was sent. */
  drain(): KafkaRecord[] {
    const records = this.#pending;
    this.#pending = [];
    this.#bytes = 0;
    return records;
  }

  /** Drops everything buffered (the transaction aborts). */
  discard(): void {
    this.#pending = [];
    this.#bytes = 0;
  }

  private partitionOf(topic: string, key: Buffer | null, count: number): number {
    if (key !== null) {
      // One key often goes to several sinks in a row (events, reply): hash its bytes once.
      if (key !== this.#lastKey || count !== this.#lastCount) {
        this.#lastPartition = partitionForKey(key, count);
        this.#lastKey = key;
        this.#lastCount = count;
      }
      return this.#lastPartition;
    }
    const next = ((this.#roundRobin.get(topic) ?? -1) + 1) % count;
    this.#roundRobin.set(topic, next);
    return next;
  }
}

/**
 * A cheap first look: most records are far below the size limit, keyed, and go to topics
 * that do not check timestamps, and need no exact check.
 */
function mayBeRefused(record: ProducedRecord, rules: TopicWriteRules): boolean {
  if (rules.compacted && record.key === null) return true;
  if (
    rules.createTime &&
    (rules.timestampBeforeMaxMs < Number.MAX_SAFE_INTEGER || rules.timestampAfterMaxMs < Number.MAX_SAFE_INTEGER)
  ) {
    return true;
  }
  let bytes = (record.key?.length ?? 0) + (record.value?.length ?? 0);
  for (const header of record.headers) bytes += header.key.length * 3 + (header.value?.length ?? 0) + 10;
  // The batch header, the record's framing and every varint at their largest.
  return bytes + 128 > rules.maxMessageBytes;
}
