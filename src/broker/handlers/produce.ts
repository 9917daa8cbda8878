// Produce: validate each partition's batch, append it, answer with its base offset. acks=0
// gets no answer at all; if such a request fails, the connection is closed instead, the
// only signal Kafka gives an acks=0 producer. min.insync.replicas never refuses a write
// here: Kafka caps it at the partition's replica count (Partition.effectiveMinIsr), and this
// broker keeps one replica, always in sync.
// A transactional batch needs the request's transactional id (Kafka answers
// TRANSACTIONAL_ID_AUTHORIZATION_FAILED without one) and a partition of the producer's
// ongoing transaction (from v12, transactions v2, the batch adds its partition to the
// transaction itself, as Kafka's leader asks the coordinator to); the log then checks the
// producer's epoch and sequence, and answers a
// retried batch with its original offset and no error. With a data directory the batch is
// written to the segment file (the OS page cache) before the answer; a write that fails (an
// unwritable or full disk) answers KAFKA_STORAGE_ERROR for that partition, logged at error.
import { validateProducedBatch } from "../log/log-validator.js";
import { Api } from "../protocol/apis.js";
import { ErrorCode } from "../protocol/error-codes.js";
import { isTransactional } from "../protocol/record-batch.js";
import { CLOSE_CONNECTION, NO_RESPONSE, defineHandler, type BrokerContext } from "./handler.js";

/** The first Produce version whose transactional batches join the transaction themselves (KIP-890). */
const TRANSACTIONS_V2_PRODUCE = 12;

interface PartitionAnswer {
  index: number;
  errorCode: number;
  baseOffset: number;
  logAppendTimeMs: number;
  logStartOffset: number;
}

function failed(index: number, errorCode: number): PartitionAnswer {
  return { index, errorCode, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1 };
}

export function produceHandler(broker: BrokerContext) {
  return defineHandler(Api.produce, (request, { header }) => {
    const { acks } = request;
    const validAcks = acks === 0 || acks === 1 || acks === -1;
    let anyError = false;
    const responses = request.topicData.map((topicData) => ({
      name: topicData.name,
      partitionResponses: topicData.partitionData.map((partitionData): PartitionAnswer => {
        const answer = appendOne(topicData.name, partitionData.index, partitionData.records);
        if (answer.errorCode !== ErrorCode.NONE) anyError = true;
        return answer;
      }),
    }));

    function appendOne(topic: string, index: number, records: Buffer | null): PartitionAnswer {
      if (!validAcks) return failed(index, ErrorCode.INVALID_REQUIRED_ACKS);
      const log = broker.topics.partition(topic, index);
      if (!log) return failed(index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      const config = log.config;
      const validation = validateProducedBatch(records, config, header.apiVersion, Date.now());
      if (!validation.ok) {
        broker.logger.warn(
          { topic, partition: index, errorCode: validation.errorCode, clientId: header.clientId },
          `rejected produced batch: ${validation.message}`,
        );
        return failed(index, validation.errorCode);
      }
      const batch = validation.header;
      if (isTransactional(batch.attributes)) {
        if (request.transactionalId === null) return failed(index, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
        const added =
          header.apiVersion >= TRANSACTIONS_V2_PRODUCE
            ? broker.transactions.addImplicitly(request.transactionalId, batch.producerId, batch.producerEpoch, {
                topic,
                partition: index,
              })
            : ErrorCode.NONE;
        const code =
          added !== ErrorCode.NONE
            ? added
            : broker.transactions.verifyPartition(
                request.transactionalId,
                batch.producerId,
                batch.producerEpoch,
                topic,
                index,
              );
        if (code !== ErrorCode.NONE) {
          broker.logger.info(
            {
              topic,
              partition: index,
              transactionalId: request.transactionalId,
              producerId: batch.producerId,
              errorCode: code,
            },
            "refused a transactional batch outside the producer's transaction",
          );
          return failed(index, code);
        }
      }
      const appended = log.append(records!, batch, ownsItsMemory(records!));
      if (appended.errorCode === ErrorCode.KAFKA_STORAGE_ERROR) {
        broker.logger.error({ topic, partition: index, errorCode: appended.errorCode }, appended.errorMessage!);
        return failed(index, appended.errorCode);
      }
      if (appended.errorCode !== ErrorCode.NONE) {
        broker.logger.info(
          {
            topic,
            partition: index,
            producerId: batch.producerId,
            producerEpoch: batch.producerEpoch,
            errorCode: appended.errorCode,
          },
          `refused produced batch: ${appended.errorMessage}`,
        );
        return failed(index, appended.errorCode);
      }
      return {
        index,
        errorCode: ErrorCode.NONE,
        baseOffset: appended.baseOffset,
        logAppendTimeMs: appended.logAppendTime,
        logStartOffset: log.logStartOffset,
      };
    }

    if (acks === 0) return anyError ? CLOSE_CONNECTION : NO_RESPONSE;
    return { responses, throttleTimeMs: 0 };
  });
}

/**
 * Whether a batch is most of the memory under it (a request frame of its own, assembled from
 * several socket reads), so the in-memory log may keep it by reference: a small batch would
 * pin the whole frame or socket chunk it arrived in, so it is copied instead.
 */
function ownsItsMemory(batch: Buffer): boolean {
  return batch.length * 2 >= batch.buffer.byteLength;
}
