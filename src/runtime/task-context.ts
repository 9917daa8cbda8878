// What every active task of an instance shares (clients, the topology, configuration),
// and how a task tells its task manager that it stopped working.
import type { Logger } from "pino";
import type { ResolvedStreamsConfig } from "../config/streams-config.js";
import type { KafkaAdmin } from "../kafka/admin-client.js";
import type { KafkaClient } from "../kafka/client.js";
import type { IdempotentProducer } from "../kafka/idempotent-producer.js";
import type { PartitionReader } from "../kafka/partition-reader.js";
import type { OffsetToCommit } from "../kafka/types.js";
import type { KeyValueStore } from "../stores/key-value-store.js";
import type { RecordCache } from "../stores/record-cache.js";
import type { Topology } from "../topology/topology.js";
import type { ChangelogReader } from "./changelog-reader.js";
import type { StreamsMetrics } from "./metrics.js";
import type { PartitionerCheck } from "./partitioner-check.js";
import type { StateLocation } from "./state-manager.js";
import type { ThreadTransaction } from "./thread-transaction.js";
import type { TopicPartitions } from "./topic-partitions.js";
import type { TopologyMetadata } from "./topology-metadata.js";

/** What tasks share: clients, the topology, configuration. */
export interface TaskContext {
  readonly config: ResolvedStreamsConfig;
  readonly groupId: string;
  readonly topology: Topology;
  readonly metadata: TopologyMetadata;
  readonly kafka: KafkaClient;
  readonly admin: KafkaAdmin;
  readonly reader: PartitionReader;
  readonly changelogReader: ChangelogReader;
  readonly topicPartitions: TopicPartitions;
  /** At-least-once only. */
  readonly sharedProducer: IdempotentProducer | undefined;
  /** Exactly-once v2 only: the stream thread's producer, transaction and lock. */
  readonly threadTransaction?: ThreadTransaction | undefined;
  /** At-least-once offset commits, checked against the member's generation. */
  commitOffsets(offsets: readonly OffsetToCommit[]): Promise<void>;
  readonly metrics: StreamsMetrics;
  /** The instance's record cache (cacheMaxBytes), shared by its tasks; undefined when it is off. */
  readonly recordCache: RecordCache | undefined;
  /** The instance's global stores (GlobalStreamThread), read by every task's processors. */
  readonly globalStores?: ReadonlyMap<string, KeyValueStore<unknown, unknown>> | undefined;
  /** Records of joined and command topics partitioned other than as Java partitions them (counted, warned once). */
  readonly partitionerCheck?: PartitionerCheck | undefined;
  readonly logger: Logger;
  readonly location: StateLocation;
  readonly signal: AbortSignal;
}
