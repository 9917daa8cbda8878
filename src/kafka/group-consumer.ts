// The application's consumer: a kafkajs consumer in the application's group, with
// Eddy's partition assigner, autoCommit off, read_committed, and the rebalance hooks
// the runtime needs. What kafkajs 2.2.4 offers and what this module adds:
//   - A custom PartitionAssigner (name, version, protocol({topics}), assign({members,
//     topics})) carries each member's user data to the leader and the leader's user
//     data back in every MemberAssignment. kafkajs decodes the member's own assignment
//     but drops its user data (GROUP_JOIN only reports topic partitions), so the
//     assigner factory, which receives the consumer's Cluster, has the kafkajs seam
//     keep the raw SyncGroup answer (kafkajs/sync-group-capture.ts).
//   - There is no onPartitionsRevoked: the group announces a rebalance only through a
//     failing heartbeat. The runtime hears it twice: inside the batch handler (its own
//     heartbeat call fails, and it can commit before kafkajs rejoins, since kafkajs
//     waits for running handlers), and through the REBALANCING event otherwise.
//   - GROUP_JOIN is emitted synchronously after SyncGroup and before the first fetch of
//     the new generation, so pause() and seek() called from onAssigned take effect
//     before any record of the new assignment is fetched.
//   - kafkajs fetches again only once every batch of the last answer is processed; the
//     seam sends the next Fetch while they are (kafkajs/fetch-ahead.ts), and its answer is
//     handed out only if it is what kafkajs' own request would get. A rebalance, a new
//     assignment, a seek and a stop drop it at once.
// kafkajs is CommonJS and its exports cannot all be imported by name from ESM.
import kafkajs from "kafkajs";
import type { Assigner, Cluster, Consumer, EachBatchPayload, GroupMember, Kafka, PartitionAssigner } from "kafkajs";
import { ConsumerOutOfGroupError } from "./errors.js";
import { consumedRecords, hookConsumerCluster } from "./kafkajs/index.js";
import type { FetchAhead, FetchAheadStats } from "./kafkajs/index.js";
import { MembershipWatch } from "./membership-watch.js";
import type { ConsumedRecord, GroupMetadata, OffsetToCommit, TopicPartition, TopicPartitionOffset } from "./types.js";

export const EDDY_ASSIGNOR_NAME = "eddy-streams";
const ASSIGNOR_VERSION = 1;

export interface GroupMemberSubscription {
  memberId: string;
  topics: string[];
  userData: Buffer;
}

export interface MemberAssignmentPlan {
  memberId: string;
  partitions: TopicPartition[];
  userData: Buffer;
}

export interface AssignContext {
  /** Partition count of a topic from the leader's fresh metadata, or undefined if it does not exist. */
  partitionCount(topic: string): number | undefined;
}

export interface ReceivedAssignment {
  memberId: string;
  generationId: number | undefined;
  isLeader: boolean;
  partitions: TopicPartition[];
  /** The leader's user data for this member; undefined if it could not be captured. */
  userData: Buffer | undefined;
}

export interface ConsumedBatch {
  topic: string;
  partition: number;
  records: ConsumedRecord[];
  highWatermark: number;
  /**
   * The last offset the fetch covered, transaction markers and aborted records included:
   * once every record is processed, nothing that needs processing lies before it.
   */
  lastOffset: number;
  /** Marks the records up to `offset` consumed: the next fetch of this partition starts after it. */
  resolve(offset: number): void;
  /** True when a seek is pending for the partition: the remaining records must not be processed. */
  isStale(): boolean;
}

export interface GroupConsumerHandlers {
  /** User data for JoinGroup, built anew at every (re)join. */
  subscriptionUserData(): Buffer;
  /** Runs on the leader only. Every member must get an entry, even one without partitions. */
  assign(members: GroupMemberSubscription[], context: AssignContext): Promise<MemberAssignmentPlan[]>;
  /** Synchronous on purpose: runs before kafkajs fetches anything for the new generation. */
  onAssigned(assignment: ReceivedAssignment): void;
  /** The group is rebalancing: what this member holds is about to be revoked. Awaited when heard inside a batch. */
  onRebalance(): Promise<void>;
  /** A heartbeat succeeded: the group is stable at this generation and this member still owns its partitions. */
  onHeartbeat(generationId: number): void;
  /** Must not throw for processing errors; a throw is treated as fatal for the consumer. */
  onBatch(batch: ConsumedBatch): Promise<void>;
  /**
   * A fetch from `firstOffset` to `lastOffset` held nothing to process (transaction
   * markers, aborted records): kafkajs moved past it without calling onBatch.
   */
  onSkipped?(partition: TopicPartition, firstOffset: number, lastOffset: number): void;
  /**
   * The consumer stopped (`stopped`: kafkajs crashed and disconnected it, and restarts it
   * itself only when `willRestart`; or it fell out of the group without kafkajs noticing,
   * ConsumerOutOfGroupError, and must be restarted), or onBatch threw (`stopped` false:
   * the partition is paused).
   */
  onCrash(error: Error, willRestart: boolean, stopped: boolean): void;
}

export interface GroupConsumerOptions {
  groupId: string;
  topics: string[];
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  rebalanceTimeoutMs: number;
  maxWaitTimeMs: number;
  maxBytes?: number;
  maxBytesPerPartition?: number;
  partitionsConsumedConcurrently?: number;
}

export class GroupConsumer {
  private readonly consumer: Consumer;
  private cluster: Cluster | undefined;
  private fetchAhead: FetchAhead | undefined;
  private lastAssignmentBytes: Buffer | undefined;
  private generationId: number | undefined;
  private memberId = "";
  private running = false;
  private readonly membership: MembershipWatch;
  /** The loss of membership was reported; the consumer is being restarted. */
  private outOfGroup = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: GroupConsumerOptions,
    private readonly handlers: GroupConsumerHandlers,
  ) {
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      partitionAssigners: [this.assigner],
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: options.heartbeatIntervalMs,
      rebalanceTimeout: options.rebalanceTimeoutMs,
      maxWaitTimeInMs: options.maxWaitTimeMs,
      maxBytes: options.maxBytes ?? 10 * 1024 * 1024,
      maxBytesPerPartition: options.maxBytesPerPartition ?? 1024 * 1024,
      allowAutoTopicCreation: false,
      readUncommitted: false,
      // Broker outages: kafkajs restarts a crashed consumer after a backoff when the cause is retriable.
      retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 10_000 },
    });
    this.membership = new MembershipWatch(options.sessionTimeoutMs);
    this.consumer.on(this.consumer.events.GROUP_JOIN, (event) => {
      this.membership.member();
      this.fetchAhead?.drop();
      const { memberId, isLeader, memberAssignment } = event.payload;
      this.memberId = memberId;
      const partitions: TopicPartition[] = [];
      for (const [topic, ps] of Object.entries(memberAssignment))
        for (const partition of ps) partitions.push({ topic, partition });
      const userData = this.takeAssignmentUserData(memberAssignment);
      this.handlers.onAssigned({ memberId, generationId: this.generationId, isLeader, partitions, userData });
    });
    this.consumer.on(this.consumer.events.REBALANCING, () => {
      this.fetchAhead?.drop();
      void this.handlers.onRebalance();
    });
    this.consumer.on(this.consumer.events.HEARTBEAT, (event) => {
      this.membership.member();
      this.generationId = event.payload.groupGenerationId;
      this.handlers.onHeartbeat(event.payload.groupGenerationId);
    });
    this.consumer.on(this.consumer.events.END_BATCH_PROCESS, (event) => {
      const { topic, partition, batchSize, firstOffset, lastOffset } = event.payload;
      if (batchSize !== 0 || firstOffset === null || firstOffset === undefined) return;
      this.handlers.onSkipped?.({ topic, partition }, Number(firstOffset), Number(lastOffset));
    });
    this.consumer.on(this.consumer.events.FETCH_START, () => {
      this.membership.fetchStarted();
      if (!this.membership.lost || this.outOfGroup) return;
      this.outOfGroup = true;
      this.fetchAhead?.drop();
      const error = new ConsumerOutOfGroupError(options.groupId, this.membership.silentFor());
      this.handlers.onCrash(error, false, true);
    });
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      this.handlers.onCrash(event.payload.error, event.payload.restart, true);
    });
  }

  /** The partition assigner factory: kafkajs calls it once, with this consumer's cluster. */
  private readonly assigner: PartitionAssigner = ({ cluster }) => {
    this.cluster = cluster;
    this.fetchAhead = hookConsumerCluster(this.kafka, cluster, {
      groupId: this.options.groupId,
      onSyncGroup: (memberAssignment, generationId) => {
        this.lastAssignmentBytes = memberAssignment;
        this.generationId = generationId;
      },
    }).fetchAhead;
    const assigner: Assigner = {
      name: EDDY_ASSIGNOR_NAME,
      version: ASSIGNOR_VERSION,
      protocol: ({ topics }) => ({
        name: EDDY_ASSIGNOR_NAME,
        metadata: kafkajs.AssignerProtocol.MemberMetadata.encode({
          version: ASSIGNOR_VERSION,
          topics,
          userData: this.handlers.subscriptionUserData(),
        }),
      }),
      assign: async ({ members }) => this.assign(members),
    };
    return assigner;
  };

  private async assign(members: GroupMember[]): Promise<Array<{ memberId: string; memberAssignment: Buffer }>> {
    const subscriptions = members.map((m) => {
      const decoded = kafkajs.AssignerProtocol.MemberMetadata.decode(m.memberMetadata);
      return { memberId: m.memberId, topics: decoded?.topics ?? [], userData: decoded?.userData ?? Buffer.alloc(0) };
    });
    const cluster = this.cluster;
    const context: AssignContext = {
      partitionCount: (topic) => {
        try {
          const partitions = cluster?.findTopicPartitionMetadata(topic) ?? [];
          return partitions.length > 0 ? partitions.length : undefined;
        } catch {
          return undefined;
        }
      },
    };
    const plans = await this.handlers.assign(subscriptions, context);
    return plans.map((plan) => {
      const assignment: Record<string, number[]> = {};
      for (const { topic, partition } of plan.partitions) (assignment[topic] ??= []).push(partition);
      return {
        memberId: plan.memberId,
        memberAssignment: kafkajs.AssignerProtocol.MemberAssignment.encode({
          version: ASSIGNOR_VERSION,
          assignment,
          userData: plan.userData,
        }),
      };
    });
  }

  /** The captured user data, if the captured assignment is the one kafkajs just reported. */
  private takeAssignmentUserData(reported: Record<string, number[]>): Buffer | undefined {
    const bytes = this.lastAssignmentBytes;
    this.lastAssignmentBytes = undefined;
    if (!bytes || bytes.length === 0) return undefined;
    const decoded = kafkajs.AssignerProtocol.MemberAssignment.decode(bytes);
    if (!decoded) return undefined;
    const same = (a: Record<string, number[]>, b: Record<string, number[]>): boolean => {
      const norm = (x: Record<string, number[]>) =>
        JSON.stringify(
          Object.entries(x)
            .filter(([, ps]) => ps.length > 0)
            .map(([t, ps]) => [t, [...ps].sort((p, q) => p - q)])
            .sort(),
        );
      return norm(a) === norm(b);
    };
    return same(decoded.assignment, reported) ? decoded.userData : undefined;
  }

  async start(): Promise<void> {
    this.membership.reset();
    this.outOfGroup = false;
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: true });
    this.running = true;
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const records: ConsumedRecord[] = consumedRecords(batch);
    try {
      await this.handlers.onBatch({
        topic: batch.topic,
        partition: batch.partition,
        records,
        highWatermark: Number(batch.highWatermark),
        lastOffset: Number(batch.lastOffset()),
        resolve: (offset) => payload.resolveOffset(String(offset)),
        isStale: () => payload.isStale() || !payload.isRunning(),
      });
    } catch (error) {
      // kafkajs would retry a throwing handler as if the broker had failed, and then
      // restart the consumer; a processing failure is not that. Stop this partition
      // and report it; the runtime decides what happens to the application.
      this.consumer.pause([{ topic: batch.topic, partitions: [batch.partition] }]);
      this.handlers.onCrash(error instanceof Error ? error : new Error(String(error)), false, false);
      return;
    }
    try {
      await payload.heartbeat();
    } catch (error) {
      // The group is rebalancing: commit what this member holds while kafkajs still
      // waits for this handler, then let the error through so that kafkajs rejoins.
      await this.handlers.onRebalance();
      throw error;
    }
  }

  pause(partitions: readonly TopicPartition[]): void {
    if (partitions.length > 0) whileInGroup(() => this.consumer.pause(groupTopicPartitions(partitions)));
  }

  resume(partitions: readonly TopicPartition[]): void {
    if (partitions.length > 0) whileInGroup(() => this.consumer.resume(groupTopicPartitions(partitions)));
  }

  /** The next fetch of the partition starts at `offset`. */
  seek(position: TopicPartitionOffset): void {
    this.fetchAhead?.drop();
    whileInGroup(() =>
      this.consumer.seek({ topic: position.topic, partition: position.partition, offset: String(position.offset) }),
    );
  }

  /** How the fetches ahead of processing went (undefined with the client's fast paths off). */
  fetchAheadStats(): Readonly<FetchAheadStats> | undefined {
    return this.fetchAhead?.stats;
  }

  /** Where this member stands in the group now (what exactly-once v2 commits carry). */
  groupMetadata(): GroupMetadata {
    return {
      groupId: this.options.groupId,
      generationId: this.generationId ?? -1,
      memberId: this.memberId,
      groupInstanceId: null,
    };
  }

  /** At-least-once commits; checked by the coordinator against this member's generation. */
  async commitOffsets(offsets: readonly OffsetToCommit[]): Promise<void> {
    if (offsets.length === 0) return;
    await this.consumer.commitOffsets(
      offsets.map(({ topic, partition, offset, metadata }) => ({
        topic,
        partition,
        offset: String(offset),
        metadata: metadata ?? null,
      })),
    );
  }

  /**
   * After a crash kafkajs does not restart from (it calls a missing coordinator or a lost
   * connection non-retriable), or a loss of membership it did not notice
   * (ConsumerOutOfGroupError): connect, subscribe and run again. Rejects when the broker
   * is still away; the caller retries with backoff.
   */
  async restart(): Promise<void> {
    await this.consumer.disconnect().catch(() => undefined);
    this.fetchAhead?.drop();
    this.running = false;
    await this.start();
  }

  /** Stops fetching, waits for running handlers, and leaves the group (LeaveGroup), so the others rebalance at once. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.consumer.disconnect();
    this.fetchAhead?.drop();
  }
}

function groupTopicPartitions(partitions: readonly TopicPartition[]): Array<{ topic: string; partitions: number[] }> {
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of partitions) {
    const list = byTopic.get(topic) ?? [];
    list.push(partition);
    byTopic.set(topic, list);
  }
  return [...byTopic].map(([topic, ps]) => ({ topic, partitions: ps }));
}

/**
 * kafkajs throws from pause(), resume() and seek() while its consumer is out of the group
 * (crashed, restarting after a broker restart). Nothing is lost by skipping them then: no
 * record is fetched until the consumer joins again, and every join's assignment pauses the
 * partitions of tasks that are not running and seeks those of the running ones afresh.
 */
function whileInGroup(operation: () => void): void {
  try {
    operation();
  } catch (error) {
    if (error instanceof Error && error.message.includes("Consumer group was not initialized")) return;
    throw error;
  }
}
