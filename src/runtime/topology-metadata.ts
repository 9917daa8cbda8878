// The topology, resolved against the cluster: physical topic names, the partition
// count (= task count) of every sub-topology, repartition topics sized like their
// upstream, co-partitioning checked against real partition counts, and the mapping
// between tasks, their input partitions and their changelog partitions. Pure: the
// partition counts of the user topics come in, the answers go out.
import type { InternalTopicSpec } from "../kafka/internal-topics.js";
import {
  CHANGELOG_CONFIGS,
  DEAD_LETTER_CONFIGS,
  REPARTITION_CONFIGS,
  windowedChangelogConfigs,
} from "../kafka/internal-topics.js";
import type { TopicPartition } from "../kafka/types.js";
import { topicPartitionKey } from "../kafka/types.js";
import { changelogFormat } from "../stores/changelog-format.js";
import { versionedChangelogCompactionLagMs } from "../stores/versioned-key-schema.js";
import type { ChangelogFormat } from "../stores/changelog-format.js";
import { sessionRetention, windowRetention } from "../stores/segmented-retention.js";
import type { SegmentedRetention } from "../stores/segmented-retention.js";
import type { AutoOffsetReset, StoreDefinition, TopologyData } from "../topology/topology.js";
import { changelogTopicName, physicalTopicName, repartitionTopicName } from "../topology/topology.js";
import { CopartitioningError, MissingSourceTopicError } from "./errors.js";
import { describeCounts, resolveRepartitionCounts } from "./repartition-counts.js";
import { parseTaskId, taskId } from "../engine/task-id.js";
import type { TaskId } from "../engine/task-id.js";

export interface SubtopologyMetadata {
  readonly id: number;
  /** Physical names of every topic a task reads (user topics and repartition topics). */
  readonly sourceTopics: readonly string[];
  readonly repartitionSourceTopics: readonly string[];
  /** Number of tasks: the partition count shared by all source topics (the largest, with pattern sources). */
  readonly partitions: number;
  /** The partition count of each source topic (physical name). */
  readonly topicPartitions: ReadonlyMap<string, number>;
  readonly stores: readonly StoreDefinition[];
  /** store name -> changelog topic, for stores with logging and stores whose changelog is their source topic. */
  readonly changelogTopics: ReadonlyMap<string, string>;
  /** The source topics among `changelogTopics`' values: read to restore, never written by the store. */
  readonly sourceChangelogTopics: ReadonlySet<string>;
}

export interface ChangelogPartition {
  readonly store: string;
  readonly topic: string;
  readonly partition: number;
  /** How the store's bytes travel on the changelog (restore converts records back). */
  readonly format: ChangelogFormat;
  /** How a window or session store's rows expire, which its restore follows. */
  readonly retention?: SegmentedRetention;
  /**
   * The changelog is one of the task's source topics (reuse.ktable.source.topics,
   * addReadOnlyStateStore): nothing is written to it, its checkpoint is the task's committed
   * input offset, and a restore stops at that offset [ProcessorStateManager.changelogAsSource].
   */
  readonly sourceTopic?: true;
}

/** The user topics the topology reads; their partition counts are the input of resolve(). */
export function userSourceTopicsOf(topology: TopologyData): string[] {
  // Global topics are read by the global stores' own reader, not by tasks.
  const global = new Set((topology.globalStores ?? []).map((store) => store.id));
  const topics = new Set<string>();
  for (const node of topology.nodes.values()) {
    if (node.kind === "source" && !node.internal && !global.has(node.subtopology))
      for (const t of node.topics) topics.add(t);
  }
  return [...topics].sort();
}

export class TopologyMetadata {
  readonly subtopologies: readonly SubtopologyMetadata[];
  readonly deadLetterTopic: string;
  readonly #repartitionCounts: ReadonlyMap<string, number>;
  readonly #taskByPartition = new Map<string, TaskId>();
  readonly #offsetResets: ReadonlyMap<string, AutoOffsetReset>;

  private constructor(
    subtopologies: SubtopologyMetadata[],
    repartitionCounts: Map<string, number>,
    deadLetterTopic: string,
    offsetResets: ReadonlyMap<string, AutoOffsetReset>,
  ) {
    this.subtopologies = subtopologies;
    this.#offsetResets = offsetResets;
    this.#repartitionCounts = repartitionCounts;
    this.deadLetterTopic = deadLetterTopic;
    for (const sub of subtopologies) {
      for (const topic of sub.sourceTopics) {
        const count = sub.topicPartitions.get(topic) ?? sub.partitions;
        for (let p = 0; p < count; p += 1)
          this.#taskByPartition.set(topicPartitionKey({ topic, partition: p }), taskId(sub.id, p));
      }
    }
  }

  /**
   * Resolves the topology against the partition counts of its user source topics.
   * Throws MissingSourceTopicError if one is absent, CopartitioningError if topics that
   * must line up do not.
   */
  static resolve(
    topology: TopologyData,
    applicationId: string,
    userTopicCounts: ReadonlyMap<string, number>,
    deadLetterTopic: string,
  ): TopologyMetadata {
    const missing = userSourceTopicsOf(topology).filter((t) => !userTopicCounts.has(t));
    if (missing.length > 0) throw new MissingSourceTopicError(missing);
    const repartitionCounts = resolveRepartitionCounts(topology, userTopicCounts);
    const countOf = (topic: string, internal: boolean): number | undefined =>
      internal ? repartitionCounts.get(topic) : userTopicCounts.get(topic);

    const subtopologies: SubtopologyMetadata[] = topology.subtopologies.map((sub) => {
      const counts = new Map<string, number>();
      // Topics named in the topology must line up; topics a pattern matched may be of any size.
      const namedCounts = new Map<string, number>();
      const sources: string[] = [];
      const repartitionSources: string[] = [];
      for (const node of topology.nodes.values()) {
        if (node.kind !== "source" || node.subtopology !== sub.id) continue;
        for (const topic of node.topics) {
          const physical = physicalTopicName(applicationId, topic, node.internal);
          sources.push(physical);
          if (node.internal) repartitionSources.push(physical);
          const count = countOf(topic, node.internal);
          if (count === undefined) continue;
          counts.set(physical, count);
          if (node.pattern === undefined) namedCounts.set(physical, count);
        }
      }
      const distinct = new Set(namedCounts.values());
      if (distinct.size > 1) {
        throw new CopartitioningError(
          `The source topics of sub-topology ${sub.id} must have the same number of partitions (each task reads ` +
            `one partition of each): ${describeCounts(namedCounts)}. Repartition the inputs so their counts match.`,
          namedCounts,
        );
      }
      // With pattern sources, as in Kafka Streams: as many tasks as the largest topic has partitions.
      const partitions = Math.max(0, ...counts.values());
      const stores = sub.stores.map((name) => {
        const store = topology.stores.get(name);
        if (!store) throw new RangeError(`The topology has no store named "${name}"`);
        return store;
      });
      const changelogTopics = new Map<string, string>();
      const sourceChangelogTopics = new Set<string>();
      for (const store of stores) {
        if (store.sourceChangelog !== undefined) {
          changelogTopics.set(store.name, store.sourceChangelog);
          sourceChangelogTopics.add(store.sourceChangelog);
        } else if (store.logging) changelogTopics.set(store.name, changelogTopicName(applicationId, store.name));
      }
      return {
        id: sub.id,
        sourceTopics: sources,
        repartitionSourceTopics: repartitionSources,
        partitions,
        topicPartitions: counts,
        stores,
        changelogTopics,
        sourceChangelogTopics,
      };
    });
    const physicalRepartitionCounts = new Map(
      [...repartitionCounts].map(([name, count]) => [repartitionTopicName(applicationId, name), count]),
    );
    const offsetResets = new Map<string, AutoOffsetReset>();
    for (const node of topology.nodes.values()) {
      if (node.kind !== "source" || node.internal || node.autoOffsetReset === undefined) continue;
      for (const topic of node.topics) offsetResets.set(topic, node.autoOffsetReset);
    }
    return new TopologyMetadata(subtopologies, physicalRepartitionCounts, deadLetterTopic, offsetResets);
  }

  /**
   * Where a task starts reading a partition of `topic` the group never committed:
   * the source's autoOffsetReset, earliest by default (Kafka Streams' default too;
   * repartition topics always start at the earliest).
   */
  offsetResetOf(topic: string): AutoOffsetReset {
    return this.#offsetResets.get(topic) ?? "earliest";
  }

  subtopology(id: number): SubtopologyMetadata {
    const sub = this.subtopologies.find((s) => s.id === id);
    if (!sub) throw new RangeError(`No sub-topology ${id}`);
    return sub;
  }

  tasks(): TaskId[] {
    return this.subtopologies.flatMap((sub) => Array.from({ length: sub.partitions }, (_, p) => taskId(sub.id, p)));
  }

  /** Tasks with at least one store: those that restore, checkpoint and get standbys. */
  statefulTasks(): Set<TaskId> {
    return new Set(this.tasks().filter((t) => this.subtopology(parseTaskId(t).subtopology).stores.length > 0));
  }

  /**
   * Tasks whose stores have changelogs of their own (the only state a standby follows: a
   * store restored from its source topic is restored by its active task alone).
   */
  isLogged(task: TaskId): boolean {
    const sub = this.subtopology(parseTaskId(task).subtopology);
    return [...sub.changelogTopics.values()].some((topic) => !sub.sourceChangelogTopics.has(topic));
  }

  /** Every physical topic the application consumes. */
  sourceTopics(): string[] {
    return [...new Set(this.subtopologies.flatMap((s) => s.sourceTopics))].sort();
  }

  taskOf(partition: TopicPartition): TaskId | undefined {
    return this.#taskByPartition.get(topicPartitionKey(partition));
  }

  /** The input partitions of a task: partition p of each source topic of its sub-topology that has one. */
  partitionsOf(task: TaskId): TopicPartition[] {
    const { subtopology, partition } = parseTaskId(task);
    const sub = this.subtopology(subtopology);
    return sub.sourceTopics
      .filter((topic) => partition < (sub.topicPartitions.get(topic) ?? sub.partitions))
      .map((topic) => ({ topic, partition }));
  }

  changelogPartitionsOf(task: TaskId): ChangelogPartition[] {
    const { subtopology, partition } = parseTaskId(task);
    const sub = this.subtopology(subtopology);
    return [...sub.changelogTopics].map(([store, topic]) => {
      const definition = sub.stores.find((s) => s.name === store);
      if (definition === undefined) throw new RangeError(`Sub-topology ${subtopology} has no store "${store}"`);
      const retention = segmentedRetentionOf(definition);
      return {
        store,
        topic,
        partition,
        format: changelogFormat(definition),
        ...(retention && { retention }),
        ...(sub.sourceChangelogTopics.has(topic) ? { sourceTopic: true as const } : {}),
      };
    });
  }

  /** The changelog partitions a standby of the task follows: its own changelogs, no source topic. */
  standbyChangelogPartitionsOf(task: TaskId): ChangelogPartition[] {
    return this.changelogPartitionsOf(task).filter((changelog) => changelog.sourceTopic !== true);
  }

  /** The stores of a task that keep ValueAndTimestamp values (a LevelDB written before them is upgraded). */
  timestampedStoresOf(task: TaskId): string[] {
    return this.subtopology(parseTaskId(task).subtopology)
      .stores.filter((s) => s.timestamped)
      .map((s) => s.name);
  }

  /** The sub-topology holding a store, or undefined if the topology has no such store. */
  subtopologyOfStore(store: string): SubtopologyMetadata | undefined {
    return this.subtopologies.find((s) => s.stores.some((d) => d.name === store));
  }

  /** Changelogs, repartition topics and the dead-letter topic, with their required shapes. */
  internalTopics(deadLetterPartitions: number): InternalTopicSpec[] {
    const specs: InternalTopicSpec[] = [];
    for (const sub of this.subtopologies) {
      for (const [store, topic] of sub.changelogTopics) {
        // A source topic that is a changelog is the user's, not made by Eddy.
        if (sub.sourceChangelogTopics.has(topic)) continue;
        const definition = sub.stores.find((s) => s.name === store);
        const versioned = definition?.versioned;
        const windowed = definition?.windowed;
        // A versioned store's changelog keeps old versions for the history retention and a day (VersionedChangelogTopicConfig);
        // a window or session store's is compacted and deleted after the retention and a day (WindowedChangelogTopicConfig):
        // its expired windows are dropped without a tombstone.
        const configs =
          versioned !== undefined
            ? {
                ...CHANGELOG_CONFIGS,
                "min.compaction.lag.ms": String(versionedChangelogCompactionLagMs(versioned.historyRetentionMs)),
              }
            : windowed !== undefined
              ? windowedChangelogConfigs(windowed.retentionMs)
              : CHANGELOG_CONFIGS;
        specs.push({ name: topic, kind: "changelog", partitions: sub.partitions, configs });
      }
    }
    for (const [topic, partitions] of this.#repartitionCounts) {
      specs.push({ name: topic, kind: "repartition", partitions, configs: REPARTITION_CONFIGS });
    }
    specs.push({
      name: this.deadLetterTopic,
      kind: "dead-letter",
      partitions: deadLetterPartitions,
      configs: DEAD_LETTER_CONFIGS,
    });
    return specs;
  }

  /** The partition count of a repartition topic (physical name), as resolved. */
  repartitionPartitions(topic: string): number | undefined {
    return this.#repartitionCounts.get(topic);
  }
}

/** How a window or session store's rows expire (undefined for other stores). */
function segmentedRetentionOf(definition: StoreDefinition): SegmentedRetention | undefined {
  if (definition.windowed === undefined) return undefined;
  if (definition.type === "window") return windowRetention(definition.windowed.retentionMs);
  if (definition.type === "session") return sessionRetention(definition.windowed.retentionMs);
  return undefined;
}
