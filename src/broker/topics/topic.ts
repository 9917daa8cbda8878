// A topic: its partitions' logs and its config overrides. The effective LogConfig is
// recomputed whenever the overrides change, and every partition log reads it from here.
// Changes are reported to the log storage, which persists them with a data directory.
import { randomUUID } from "node:crypto";
import type { LogConfig } from "../log/log-config.js";
import type { LogStorage, TopicRecord } from "../log/log-storage.js";
import { PartitionLog, type RecoveredLog } from "../log/partition-log.js";
import type { PartitionStorage } from "../log/segment-storage.js";
import { toLogConfig } from "./topic-config.js";

export interface TopicOptions {
  name: string;
  /** Topic id (a UUID); a new one unless the topic is being restored. */
  id?: string;
  partitions: number;
  configs: ReadonlyMap<string, string>;
  storage: LogStorage;
  now: () => number;
  /** Partitions loaded from a data directory, by partition index. */
  recovered?: readonly { storage: PartitionStorage; log: RecoveredLog }[];
}

export class Topic implements TopicRecord {
  readonly name: string;
  /** Topic id (KIP-516): tells a restarted broker's partition directories apart from an older topic's. */
  readonly id: string;
  readonly partitions: PartitionLog[] = [];
  private overrides: ReadonlyMap<string, string>;
  private logConfig: LogConfig;

  constructor(private readonly options: TopicOptions) {
    this.name = options.name;
    this.id = options.id ?? randomUUID();
    this.overrides = new Map(options.configs);
    this.logConfig = toLogConfig(this.overrides);
    this.grow(options.partitions);
  }

  get partitionCount(): number {
    return this.partitions.length;
  }

  get config(): LogConfig {
    return this.logConfig;
  }

  /** Only the configs set on this topic (DescribeConfigs source DYNAMIC_TOPIC_CONFIG). */
  get configOverrides(): ReadonlyMap<string, string> {
    return this.overrides;
  }

  /** AlterConfigs semantics: the given set replaces every override. */
  replaceConfigs(overrides: ReadonlyMap<string, string>): void {
    this.overrides = new Map(overrides);
    this.logConfig = toLogConfig(this.overrides);
    this.options.storage.topicChanged(this);
  }

  /** Grows the topic to `total` partitions (CreatePartitions: count is the new total); all or nothing. */
  addPartitions(total: number): void {
    const before = this.partitions.length;
    try {
      this.grow(total);
      this.options.storage.topicChanged(this);
    } catch (error) {
      for (const log of this.partitions.splice(before)) log.delete();
      throw error;
    }
  }

  /** Adds partitions up to `total`; if one cannot get its storage, those added by this call are removed. */
  private grow(total: number): void {
    const before = this.partitions.length;
    try {
      for (let p = this.partitions.length; p < total; p++) {
        const recovered = this.options.recovered?.[p];
        this.partitions.push(
          new PartitionLog({
            topic: this.name,
            partition: p,
            config: () => this.logConfig,
            storage: recovered ? recovered.storage : this.options.storage.partition(this, p),
            now: this.options.now,
            recovered: recovered?.log,
          }),
        );
      }
    } catch (error) {
      for (const log of this.partitions.splice(before)) log.delete();
      throw error;
    }
  }

  /** Shutdown of every partition (flush, producer snapshots); one that fails is reported and the others still close. */
  close(onFailure: (partition: number, error: unknown) => void): void {
    for (const partition of this.partitions) {
      try {
        partition.close();
      } catch (error) {
        onFailure(partition.partition, error);
      }
    }
  }

  delete(): void {
    for (const partition of this.partitions) partition.delete();
  }
}
