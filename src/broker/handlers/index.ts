// Every API the broker answers, keyed by API key.
import type { ApiSpec } from "../protocol/schema.js";
import { addOffsetsToTxnHandler } from "./add-offsets-to-txn.js";
import { addPartitionsToTxnHandler } from "./add-partitions-to-txn.js";
import { alterConfigsHandler } from "./alter-configs.js";
import { apiVersionsHandler } from "./api-versions.js";
import { createPartitionsHandler } from "./create-partitions.js";
import { createTopicsHandler } from "./create-topics.js";
import { deleteGroupsHandler } from "./delete-groups.js";
import { deleteRecordsHandler } from "./delete-records.js";
import { deleteTopicsHandler } from "./delete-topics.js";
import { describeClusterHandler } from "./describe-cluster.js";
import { describeConfigsHandler } from "./describe-configs.js";
import { describeGroupsHandler } from "./describe-groups.js";
import { endTxnHandler } from "./end-txn.js";
import { fetchHandler } from "./fetch.js";
import { findCoordinatorHandler } from "./find-coordinator.js";
import type { BrokerContext, Handler } from "./handler.js";
import { heartbeatHandler } from "./heartbeat.js";
import { incrementalAlterConfigsHandler } from "./incremental-alter-configs.js";
import { initProducerIdHandler } from "./init-producer-id.js";
import { joinGroupHandler } from "./join-group.js";
import { leaveGroupHandler } from "./leave-group.js";
import { listGroupsHandler } from "./list-groups.js";
import { listOffsetsHandler } from "./list-offsets.js";
import { metadataHandler } from "./metadata.js";
import { offsetCommitHandler } from "./offset-commit.js";
import { offsetDeleteHandler } from "./offset-delete.js";
import { offsetFetchHandler } from "./offset-fetch.js";
import { produceHandler } from "./produce.js";
import { syncGroupHandler } from "./sync-group.js";
import { txnOffsetCommitHandler } from "./txn-offset-commit.js";

export function createHandlers(broker: BrokerContext): Map<number, Handler> {
  const handlers = [
    produceHandler(broker),
    fetchHandler(broker),
    listOffsetsHandler(broker),
    metadataHandler(broker),
    offsetCommitHandler(broker),
    offsetFetchHandler(broker),
    findCoordinatorHandler(broker),
    joinGroupHandler(broker),
    heartbeatHandler(broker),
    leaveGroupHandler(broker),
    syncGroupHandler(broker),
    describeGroupsHandler(broker),
    listGroupsHandler(broker),
    apiVersionsHandler(),
    createTopicsHandler(broker),
    deleteTopicsHandler(broker),
    deleteRecordsHandler(broker),
    describeConfigsHandler(broker),
    alterConfigsHandler(broker),
    createPartitionsHandler(broker),
    deleteGroupsHandler(broker),
    initProducerIdHandler(broker),
    addPartitionsToTxnHandler(broker),
    addOffsetsToTxnHandler(broker),
    endTxnHandler(broker),
    txnOffsetCommitHandler(broker),
    incrementalAlterConfigsHandler(broker),
    offsetDeleteHandler(broker),
    describeClusterHandler(broker),
  ] as unknown as Handler<ApiSpec>[];
  return new Map(handlers.map((h) => [h.codec.spec.apiKey, h]));
}
