// TxnOffsetCommit v3 (KIP-447) and v5 (the same bytes, transactions v2), as apache/kafka's TxnOffsetCommitRequest.json and
// TxnOffsetCommitResponse.json define it: the consumed offsets of a transaction together with
// the consumer's generation, member id and group instance id, so that the group coordinator
// refuses the offsets of a member that lost its partitions (a zombie). kafkajs 2.2.4 sends
// v0-1 only, without them.
import { ByteReader } from "../../bytes/byte-reader.js";
import type { GroupMetadata } from "../types.js";
import { ByteWriter } from "../../bytes/byte-writer.js";
import {
  readCompactLength,
  readCompactString,
  skipTags,
  writeCompactLength,
  writeCompactNullableString,
  writeCompactString,
  writeEmptyTags,
  writeRequestHeaderTags,
} from "./flexible.js";

export const TXN_OFFSET_COMMIT_API_KEY = 28;
export const TXN_OFFSET_COMMIT_VERSION = 3;
/**
 * v5 is v3's layout (v4 only adds an error code); under transactions v2 (KIP-890) it also adds
 * the group's offsets partition to the transaction, which AddOffsetsToTxn did before.
 */
export const TXN_OFFSET_COMMIT_V2_VERSION = 5;

export type { GroupMetadata };

export interface TxnOffsetCommitArgs {
  readonly transactionalId: string;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly group: GroupMetadata;
  readonly topics: ReadonlyArray<{
    readonly topic: string;
    readonly partitions: ReadonlyArray<{
      readonly partition: number;
      readonly offset: number;
      /** The committed metadata string (Kafka Streams' TopicPartitionMetadata); null for none. */
      readonly metadata?: string | null | undefined;
    }>;
  }>;
}

/** The request body of v3 or v5, preceded by request header v2's tagged fields (see flexible.ts). */
export function encodeTxnOffsetCommitV3(args: TxnOffsetCommitArgs): Buffer {
  const w = new ByteWriter(256);
  writeRequestHeaderTags(w);
  writeCompactString(w, args.transactionalId);
  writeCompactString(w, args.group.groupId);
  w.int64(args.producerId);
  w.int16(args.producerEpoch);
  w.int32(args.group.generationId);
  writeCompactString(w, args.group.memberId);
  writeCompactNullableString(w, args.group.groupInstanceId);
  writeCompactLength(w, args.topics.length);
  for (const { topic, partitions } of args.topics) {
    writeCompactString(w, topic);
    writeCompactLength(w, partitions.length);
    for (const { partition, offset, metadata } of partitions) {
      w.int32(partition);
      w.int64(offset);
      w.int32(-1); // committedLeaderEpoch: unknown, as kafkajs' consumer tracks none
      writeCompactNullableString(w, metadata ?? null);
      writeEmptyTags(w);
    }
    writeEmptyTags(w);
  }
  writeEmptyTags(w);
  return w.toBuffer();
}

export interface PartitionError {
  readonly topic: string;
  readonly partition: number;
  readonly errorCode: number;
}

/** The partitions the coordinator refused (error code not 0), from the bytes after the correlation id (v3 to v5). */
export function decodeTxnOffsetCommitV3Response(payload: Buffer): PartitionError[] {
  const r = new ByteReader(payload, 0, payload.length, "TxnOffsetCommit response");
  skipTags(r);
  r.int32(); // throttleTimeMs
  const errors: PartitionError[] = [];
  for (let t = readCompactLength(r); t > 0; t--) {
    const topic = readCompactString(r);
    for (let p = readCompactLength(r); p > 0; p--) {
      const partition = r.int32();
      const errorCode = r.int16();
      skipTags(r);
      if (errorCode !== 0) errors.push({ topic, partition, errorCode });
    }
    skipTags(r);
  }
  return errors;
}
