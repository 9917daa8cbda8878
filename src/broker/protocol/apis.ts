// The APIs this broker speaks, each with the version range it advertises in ApiVersions.
// The ranges serve kafkajs 2.2.4, librdkafka 2.0.x (kcat, confluent-kafka-python) and
// kafka-python 2.0.2 with only non-flexible versions, except ApiVersions v3, which
// librdkafka tries first, DescribeCluster, which has no other kind, the two of KIP-447
// (exactly-once v2): TxnOffsetCommit v3 (the consumer group's generation and member) and
// OffsetFetch v6-7 (requireStable), and those of transactions v2 (KIP-890, transaction.version
// 2 finalized in ApiVersions v3): Produce v8-12, EndTxn v2-5, TxnOffsetCommit v4-5.
// InitProducerId stays at 1 (flexible from 2).
import { ApiCodec } from "./codec.js";
import { addOffsetsToTxn } from "./messages/add-offsets-to-txn.js";
import { addPartitionsToTxn } from "./messages/add-partitions-to-txn.js";
import { alterConfigs } from "./messages/alter-configs.js";
import { apiVersions } from "./messages/api-versions.js";
import { createPartitions } from "./messages/create-partitions.js";
import { createTopics } from "./messages/create-topics.js";
import { deleteGroups } from "./messages/delete-groups.js";
import { deleteRecords } from "./messages/delete-records.js";
import { deleteTopics } from "./messages/delete-topics.js";
import { describeCluster } from "./messages/describe-cluster.js";
import { describeConfigs } from "./messages/describe-configs.js";
import { describeGroups } from "./messages/describe-groups.js";
import { endTxn } from "./messages/end-txn.js";
import { fetch } from "./messages/fetch.js";
import { findCoordinator } from "./messages/find-coordinator.js";
import { heartbeat } from "./messages/heartbeat.js";
import { incrementalAlterConfigs } from "./messages/incremental-alter-configs.js";
import { initProducerId } from "./messages/init-producer-id.js";
import { joinGroup } from "./messages/join-group.js";
import { leaveGroup } from "./messages/leave-group.js";
import { listGroups } from "./messages/list-groups.js";
import { listOffsets } from "./messages/list-offsets.js";
import { metadata } from "./messages/metadata.js";
import { offsetCommit } from "./messages/offset-commit.js";
import { offsetDelete } from "./messages/offset-delete.js";
import { offsetFetch } from "./messages/offset-fetch.js";
import { produce } from "./messages/produce.js";
import { syncGroup } from "./messages/sync-group.js";
import { txnOffsetCommit } from "./messages/txn-offset-commit.js";
import type { ApiSpec } from "./schema.js";

export const Api = {
  produce: new ApiCodec(produce),
  fetch: new ApiCodec(fetch),
  listOffsets: new ApiCodec(listOffsets),
  metadata: new ApiCodec(metadata),
  offsetCommit: new ApiCodec(offsetCommit),
  offsetFetch: new ApiCodec(offsetFetch),
  findCoordinator: new ApiCodec(findCoordinator),
  joinGroup: new ApiCodec(joinGroup),
  heartbeat: new ApiCodec(heartbeat),
  leaveGroup: new ApiCodec(leaveGroup),
  syncGroup: new ApiCodec(syncGroup),
  describeGroups: new ApiCodec(describeGroups),
  listGroups: new ApiCodec(listGroups),
  apiVersions: new ApiCodec(apiVersions),
  createTopics: new ApiCodec(createTopics),
  deleteTopics: new ApiCodec(deleteTopics),
  deleteRecords: new ApiCodec(deleteRecords),
  describeConfigs: new ApiCodec(describeConfigs),
  alterConfigs: new ApiCodec(alterConfigs),
  createPartitions: new ApiCodec(createPartitions),
  deleteGroups: new ApiCodec(deleteGroups),
  initProducerId: new ApiCodec(initProducerId),
  addPartitionsToTxn: new ApiCodec(addPartitionsToTxn),
  addOffsetsToTxn: new ApiCodec(addOffsetsToTxn),
  endTxn: new ApiCodec(endTxn),
  txnOffsetCommit: new ApiCodec(txnOffsetCommit),
  incrementalAlterConfigs: new ApiCodec(incrementalAlterConfigs),
  offsetDelete: new ApiCodec(offsetDelete),
  describeCluster: new ApiCodec(describeCluster),
} as const;

export type AnyApiCodec = ApiCodec<ApiSpec>;

const byKey = new Map<number, AnyApiCodec>();
for (const codec of Object.values(Api) as unknown as AnyApiCodec[]) byKey.set(codec.spec.apiKey, codec);

export function codecForKey(apiKey: number): AnyApiCodec | undefined {
  return byKey.get(apiKey);
}

/** Every API with its advertised range, in key order (the ApiVersions answer). */
export function advertisedApis(): { apiKey: number; minVersion: number; maxVersion: number }[] {
  return [...byKey.values()]
    .map((codec) => ({
      apiKey: codec.spec.apiKey,
      minVersion: codec.spec.minVersion,
      maxVersion: codec.spec.maxVersion,
    }))
    .sort((a, b) => a.apiKey - b.apiKey);
}
