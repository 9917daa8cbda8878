// The flexible Produce response (versions 9 to 12, as apache/kafka's ProduceResponse.json
// defines them), decoded into the shape kafkajs' own v3-7 decoders hand to its producer
// (offsets as decimal strings), so that kafkajs' sendMessages reads an answer to Produce v12 as it reads
// the older ones. The record errors, the error message and the tagged fields (v10's current
// leader and node endpoints) are read past: kafkajs' producer reads none of them.
import { ByteReader } from "../../bytes/byte-reader.js";
import { readCompactLength, readCompactNullableString, readCompactString, skipTags } from "./flexible.js";

export interface ProducePartitionAnswer {
  partition: number;
  errorCode: number;
  baseOffset: string;
  logAppendTime: string;
  logStartOffset: string;
}

export interface ProduceAnswer {
  topics: Array<{ topicName: string; partitions: ProducePartitionAnswer[] }>;
  throttleTime: number;
}

/** The bytes after the correlation id: response header v1's tagged fields, then the body. */
export function decodeFlexibleProduceResponse(payload: Buffer): ProduceAnswer {
  const r = new ByteReader(payload, 0, payload.length, "Produce response");
  skipTags(r);
  const topics: ProduceAnswer["topics"] = [];
  for (let t = readCompactLength(r); t > 0; t--) {
    const topicName = readCompactString(r);
    const partitions: ProducePartitionAnswer[] = [];
    for (let p = readCompactLength(r); p > 0; p--) {
      const partition = r.int32();
      const errorCode = r.int16();
      const baseOffset = String(r.int64());
      const logAppendTime = String(r.int64());
      const logStartOffset = String(r.int64());
      for (let e = readCompactLength(r); e > 0; e--) {
        r.int32(); // batch index
        readCompactNullableString(r);
        skipTags(r);
      }
      readCompactNullableString(r); // error message
      skipTags(r);
      partitions.push({ partition, errorCode, baseOffset, logAppendTime, logStartOffset });
    }
    skipTags(r);
    topics.push({ topicName, partitions });
  }
  const throttleTime = r.int32();
  skipTags(r);
  return { topics, throttleTime };
}
