// A topic: its partitions' logs and its config overrides. The effective LogConfig is
// recomputed whenever the overrides change, and every partition log reads it from here.
import { randomUUID } from "node:crypto";
import type { LogConfig } from "../log/log-config.js";
import { PartitionLog } from "../log/partition-log.js";
import type { SegmentStorageFactory } from "../log/segment-storage.js";
import { toLogConfig } from "./topic-config.js";

export interface TopicOptions {
  name: string;
  partitions: number;
  configs: ReadonlyMap<string, string>;
  storage: SegmentStorageFactory;
  now: () => number;
}

export class Topic {
  readonly name: string;
  /** Topic id (KIP-516), carried for newer protocol versions and part 2's data directory. */
  readonly id: string = randomUUID();
  readonly partitions: PartitionLog[] = [];
  private overrides: ReadonlyMap<string, string>;
  private logConfig: LogConfig;

  constructor(private readonly options: TopicOptions) {
    this.name = options.name;
    this.overrides = new Map(options.configs);
    this.logConfig = toLogConfig(this.overrides);
    this.addPartitions(options.partitions);
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
  }

  /** Grows the topic to `total` partitions (CreatePartitions: count is the new total). */
  addPartitions(total: number): void {
    for (let p = this.partitions.length; p < total; p++) {
      this.partitions.push(
        new PartitionLog({
          topic: this.name,
          partition: p,
          config: () => this.logConfig,
          storage: this.options.storage,
          now: this.options.now,
        }),
      );
    }
  }

  delete(): void {
    for (const partition of this.partitions) partition.delete();
  }
}
