// OffsetFetch v7 (KIP-447), as apache/kafka's OffsetFetchRequest.json and
// OffsetFetchResponse.json define it: a group's committed offsets with requireStable, so that
// a partition whose offset an ongoing transaction holds answers UNSTABLE_OFFSET_COMMIT (and the
// caller retries) instead of the offset before that transaction. kafkajs 2.2.4 sends v1-4 only.
import { ByteReader } from "../../bytes/byte-reader.js";
import { ByteWriter } from "../../bytes/byte-writer.js";
import {
  readCompactLength,
  readCompactNullableString,
  readCompactString,
  skipTags,
  writeCompactLength,
  writeCompactString,
  writeEmptyTags,
  writeRequestHeaderTags,
} from "./flexible.js";

export const OFFSET_FETCH_API_KEY = 9;
export const OFFSET_FETCH_STABLE_VERSION = 7;

export interface OffsetFetchTopic {
  readonly topic: string;
  readonly partitions: readonly number[];
}

/** The request body (requireStable set), preceded by request header v2's tagged fields. */
export function encodeOffsetFetchV7(groupId: string, topics: readonly OffsetFetchTopic[]): Buffer {
  const w = new ByteWriter(128);
  writeRequestHeaderTags(w);
  writeCompactString(w, groupId);
  writeCompactLength(w, topics.length);
  for (const { topic, partitions } of topics) {
    writeCompactString(w, topic);
    writeCompactLength(w, partitions.length);
    for (const partition of partitions) w.int32(partition);
    writeEmptyTags(w);
  }
  w.bool(true); // requireStable
  writeEmptyTags(w);
  return w.toBuffer();
}

export interface FetchedOffset {
  readonly topic: string;
  readonly partition: number;
  /** -1 when the group committed none. */
  readonly offset: number;
  /** The metadata committed with the offset (Kafka Streams' partition time and processor metadata). */
  readonly metadata: string | null;
  readonly errorCode: number;
}

export interface OffsetFetchV7Response {
  /** The group-level error (coordinator moved or loading, unknown group...). */
  readonly errorCode: number;
  readonly offsets: FetchedOffset[];
}

/** Decodes the bytes after the correlation id. */
export function decodeOffsetFetchV7Response(payload: Buffer): OffsetFetchV7Response {
  const r = new ByteReader(payload, 0, payload.length, "OffsetFetch response");
  skipTags(r);
  r.int32(); // throttleTimeMs
  const offsets: FetchedOffset[] = [];
  for (let t = readCompactLength(r); t > 0; t--) {
    const topic = readCompactString(r);
    for (let p = readCompactLength(r); p > 0; p--) {
      const partition = r.int32();
      const offset = r.int64();
      r.int32(); // committedLeaderEpoch
      const metadata = readCompactNullableString(r);
      const errorCode = r.int16();
      skipTags(r);
      offsets.push({ topic, partition, offset, metadata, errorCode });
    }
    skipTags(r);
  }
  const errorCode = r.int16();
  skipTags(r);
  return { errorCode, offsets };
}
