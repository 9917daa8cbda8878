// All topics of the broker: creation (explicit and automatic), deletion and growth, with
// Kafka's rules for names, partition counts, replication factors and assignments. Handlers
// map the TopicError codes onto their responses.
import type { LogStorage } from "../log/log-storage.js";
import type { PartitionLog, RecoveredLog } from "../log/partition-log.js";
import type { PartitionStorage } from "../log/segment-storage.js";
import { ErrorCode } from "../protocol/error-codes.js";
import { InvalidTopicConfig, normalizeConfigs } from "./topic-config.js";
import { Topic } from "./topic.js";

const MAX_NAME_LENGTH = 249;
const LEGAL_NAME = /^[a-zA-Z0-9._-]+$/;

/** A refusal with the Kafka error code and message the client will see. */
export class TopicError extends Error {
  constructor(
    readonly errorCode: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface TopicRegistryOptions {
  nodeId: number;
  defaultPartitions: number;
  storage: LogStorage;
  now: () => number;
}

/** A topic as found in a data directory. */
export interface RecoveredTopic {
  name: string;
  id: string;
  configs: ReadonlyMap<string, string>;
  partitions: readonly { storage: PartitionStorage; log: RecoveredLog }[];
}

export interface CreateTopicSpec {
  name: string;
  /** -1: the broker default (num.partitions). */
  numPartitions: number;
  /** -1: the broker default (1 on a single node). */
  replicationFactor: number;
  assignments: readonly { partitionIndex: number; brokerIds: readonly number[] }[];
  configs: readonly { name: string; value: string | null }[];
}

export interface ValidatedTopic {
  name: string;
  partitions: number;
  configs: Map<string, string>;
}

/** A failure of the data directory as the TopicError handlers answer with (KAFKA_STORAGE_ERROR). */
export function storageError(what: string, error: unknown): TopicError {
  return new TopicError(ErrorCode.KAFKA_STORAGE_ERROR, `${what}: ${(error as Error).message}`);
}

/** Kafka's topic name rules (org.apache.kafka.common.internals.Topic.validate). */
export function checkTopicName(name: string): void {
  if (name.length === 0)
    throw new TopicError(ErrorCode.INVALID_TOPIC_EXCEPTION, "Topic name is illegal, it can't be empty");
  if (name === "." || name === "..")
    throw new TopicError(ErrorCode.INVALID_TOPIC_EXCEPTION, 'Topic name cannot be "." or ".."');
  if (name.length > MAX_NAME_LENGTH) {
    throw new TopicError(
      ErrorCode.INVALID_TOPIC_EXCEPTION,
      `Topic name is illegal, it can't be longer than ${MAX_NAME_LENGTH} characters, topic name: ${name}`,
    );
  }
  if (!LEGAL_NAME.test(name)) {
    throw new TopicError(
      ErrorCode.INVALID_TOPIC_EXCEPTION,
      `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`,
    );
  }
}

/** '.' and '_' collide in metric names, so Kafka refuses topics that differ only there. */
function collisionKey(name: string): string {
  return name.replaceAll(".", "_");
}

export class TopicRegistry {
  private readonly topics = new Map<string, Topic>();
  private readonly deletedListeners = new Set<(topic: Topic) => void>();

  constructor(private readonly options: TopicRegistryOptions) {}

  get(name: string): Topic | undefined {
    return this.topics.get(name);
  }

  partition(topic: string, partition: number): PartitionLog | undefined {
    return this.topics.get(topic)?.partitions[partition];
  }

  all(): Topic[] {
    return [...this.topics.values()];
  }

  get defaultPartitions(): number {
    return this.options.defaultPartitions;
  }

  /** Checks a CreateTopics entry without creating anything (validateOnly uses this alone). */
  validateCreate(spec: CreateTopicSpec): ValidatedTopic {
    checkTopicName(spec.name);
    if (this.topics.has(spec.name)) {
      throw new TopicError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${spec.name}' already exists.`);
    }
    const key = collisionKey(spec.name);
    for (const existing of this.topics.keys()) {
      if (collisionKey(existing) === key) {
        throw new TopicError(
          ErrorCode.INVALID_TOPIC_EXCEPTION,
          `Topic '${spec.name}' collides with existing topic: ${existing}`,
        );
      }
    }
    let partitions: number;
    if (spec.assignments.length > 0) {
      if (spec.numPartitions !== -1 || spec.replicationFactor !== -1) {
        throw new TopicError(
          ErrorCode.INVALID_REQUEST,
          "Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.",
        );
      }
      partitions = this.checkAssignments(spec.assignments);
    } else {
      partitions = spec.numPartitions === -1 ? this.options.defaultPartitions : spec.numPartitions;
      if (partitions <= 0) {
        throw new TopicError(ErrorCode.INVALID_PARTITIONS, "Number of partitions must be larger than 0.");
      }
      const replication = spec.replicationFactor === -1 ? 1 : spec.replicationFactor;
      if (replication <= 0) {
        throw new TopicError(ErrorCode.INVALID_REPLICATION_FACTOR, "Replication factor must be larger than 0.");
      }
      if (replication > 1) {
        throw new TopicError(
          ErrorCode.INVALID_REPLICATION_FACTOR,
          `Unable to replicate the partition ${replication} time(s): The target replication factor of ${replication} cannot be reached because only 1 broker(s) are registered.`,
        );
      }
    }
    let configs: Map<string, string>;
    try {
      configs = normalizeConfigs(spec.configs);
    } catch (error) {
      if (error instanceof InvalidTopicConfig) throw new TopicError(ErrorCode.INVALID_CONFIG, error.message);
      throw error;
    }
    this.checkStorage(spec.name, 0, partitions);
    return { name: spec.name, partitions, configs };
  }

  /**
   * Partitions [from, to) of `name` can get their storage: a data directory refuses to create
   * one where a directory it cannot prove its own is in the way (KAFKA_STORAGE_ERROR).
   */
  checkStorage(name: string, from: number, to: number): void {
    for (let p = from; p < to; p++) {
      const problem = this.options.storage.conflict(name, p);
      if (problem !== null) throw new TopicError(ErrorCode.KAFKA_STORAGE_ERROR, problem);
    }
  }

  private checkAssignments(assignments: CreateTopicSpec["assignments"]): number {
    const seen = new Set<number>();
    for (const { partitionIndex, brokerIds } of assignments) {
      if (seen.has(partitionIndex)) {
        throw new TopicError(
          ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          `Duplicate partition index ${partitionIndex} in the assignment.`,
        );
      }
      seen.add(partitionIndex);
      this.checkReplicas(brokerIds);
    }
    for (let p = 0; p < assignments.length; p++) {
      if (!seen.has(p)) {
        throw new TopicError(
          ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          "Partitions should be a consecutive 0-based integer sequence",
        );
      }
    }
    return assignments.length;
  }

  checkReplicas(brokerIds: readonly number[]): void {
    if (brokerIds.length === 0) {
      throw new TopicError(
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        "The assignment of a partition must name at least one broker.",
      );
    }
    if (new Set(brokerIds).size !== brokerIds.length) {
      throw new TopicError(
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        `Duplicate brokers not allowed in replica assignment: ${brokerIds.join(", ")}`,
      );
    }
    const unknown = brokerIds.filter((id) => id !== this.options.nodeId);
    if (unknown.length > 0) {
      throw new TopicError(
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        `Unknown broker(s) in replica assignment: ${unknown.join(", ")}.`,
      );
    }
  }

  /** Creates a validated topic; storage that fails on the way leaves nothing behind (KAFKA_STORAGE_ERROR). */
  create(validated: ValidatedTopic): Topic {
    let topic: Topic;
    try {
      topic = new Topic({
        name: validated.name,
        partitions: validated.partitions,
        configs: validated.configs,
        storage: this.options.storage,
        now: this.options.now,
      });
    } catch (error) {
      throw storageError(`cannot create the partitions of topic ${validated.name}`, error);
    }
    try {
      this.options.storage.topicCreated(topic);
    } catch (error) {
      topic.delete();
      throw storageError(`cannot record topic ${validated.name}`, error);
    }
    this.topics.set(topic.name, topic);
    return topic;
  }

  /** Puts back a topic loaded from a data directory (at startup, before any client connects). */
  restore(recovered: RecoveredTopic): Topic {
    const topic = new Topic({
      name: recovered.name,
      id: recovered.id,
      partitions: recovered.partitions.length,
      configs: recovered.configs,
      storage: this.options.storage,
      now: this.options.now,
      recovered: recovered.partitions,
    });
    this.topics.set(topic.name, topic);
    return topic;
  }

  /** Creates a topic with the broker defaults, as Kafka does for auto.create.topics.enable. */
  autoCreate(name: string): Topic {
    return this.create(
      this.validateCreate({ name, numPartitions: -1, replicationFactor: -1, assignments: [], configs: [] }),
    );
  }

  delete(name: string): boolean {
    const topic = this.topics.get(name);
    if (!topic) return false;
    this.topics.delete(name);
    this.options.storage.topicDeleted(topic);
    topic.delete();
    for (const listener of this.deletedListeners) listener(topic);
    return true;
  }

  onTopicDeleted(listener: (topic: Topic) => void): void {
    this.deletedListeners.add(listener);
  }

  /**
   * Stops the registry. With a data directory every partition is closed (its state stays on
   * disk); in memory the logs are dropped. Returns whether every partition closed cleanly: one
   * that could not be flushed or snapshotted is reported and the others still close.
   */
  close(onFailure: (topic: string, partition: number, error: unknown) => void): boolean {
    let clean = true;
    for (const topic of this.topics.values()) {
      topic.close((partition, error) => {
        clean = false;
        onFailure(topic.name, partition, error);
      });
    }
    this.topics.clear();
    return clean;
  }
}
