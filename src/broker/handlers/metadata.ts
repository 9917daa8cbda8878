// Metadata: brokers (just this one), the controller, and topics with their partitions, all
// led by this node. Unknown topics are created when the request allows it and
// auto.create.topics.enable is on, as Kafka does; like a KRaft broker (which forwards the
// creation to the controller), the request that creates a topic answers it as unknown
// (UNKNOWN_TOPIC_OR_PARTITION, no partitions) and the next one finds it.
import { Api } from "../protocol/apis.js";
import { ErrorCode } from "../protocol/error-codes.js";
import type { ResponseOf } from "../protocol/schema.js";
import type { Topic } from "../topics/topic.js";
import { TopicError, checkTopicName } from "../topics/topic-registry.js";
import { defineHandler, type BrokerContext } from "./handler.js";

type TopicMetadata = NonNullable<ResponseOf<typeof Api.metadata.spec>["topics"]>[number];

export function metadataHandler(broker: BrokerContext) {
  const describe = (topic: Topic): TopicMetadata => ({
    errorCode: ErrorCode.NONE,
    name: topic.name,
    isInternal: false,
    partitions: topic.partitions.map((_, index) => ({
      errorCode: ErrorCode.NONE,
      partitionIndex: index,
      leaderId: broker.nodeId,
      replicaNodes: [broker.nodeId],
      isrNodes: [broker.nodeId],
      offlineReplicas: [],
    })),
  });

  const lookup = (name: string, allowAutoCreate: boolean): TopicMetadata => {
    const existing = broker.topics.get(name);
    if (existing) return describe(existing);
    if (!allowAutoCreate) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name, partitions: [] };
    try {
      checkTopicName(name);
      const created = broker.topics.autoCreate(name);
      broker.logger.info({ topic: name, partitions: created.partitions.length }, "auto-created topic");
      return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name, partitions: [] };
    } catch (error) {
      if (!(error instanceof TopicError)) throw error;
      if (error.errorCode === ErrorCode.KAFKA_STORAGE_ERROR) broker.logger.error({ topic: name }, error.message);
      return { errorCode: error.errorCode, name, partitions: [] };
    }
  };

  return defineHandler(Api.metadata, (request, { header }) => {
    // v0: an empty list means every topic; v1+: null means every topic, empty means none.
    const all = request.topics === null || (header.apiVersion === 0 && request.topics.length === 0);
    const allowAutoCreate = broker.autoCreateTopics && (header.apiVersion < 4 || request.allowAutoTopicCreation);
    const topics = all
      ? broker.topics.all().map(describe)
      : [...new Set(request.topics!.map((t) => t.name))].map((name) => lookup(name, allowAutoCreate));
    return {
      throttleTimeMs: 0,
      brokers: [{ nodeId: broker.nodeId, host: broker.endpoint.host, port: broker.endpoint.port, rack: null }],
      clusterId: broker.clusterId,
      controllerId: broker.nodeId,
      topics,
    };
  });
}
