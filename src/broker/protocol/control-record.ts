// Control batches: the transaction markers the coordinator writes to every partition of a
// transaction when it ends (Kafka's EndTransactionMarker). A control batch carries the
// transactional and control attributes, the producer id and epoch of the transaction, no
// sequence, and exactly one record:
//   key   = int16 version (0) | int16 type (0 abort, 1 commit)
//   value = int16 version (0) | int32 coordinator epoch
import { ByteReader } from "../../bytes/byte-reader.js";
import { ByteWriter } from "../../bytes/byte-writer.js";
import { MalformedFrameError } from "../../bytes/errors.js";
import { crc32c } from "../../bytes/crc32c.js";
import { Attributes, BATCH_OVERHEAD, LOG_OVERHEAD } from "./record-batch.js";

export const ControlType = { ABORT: 0, COMMIT: 1 } as const;
export type ControlType = (typeof ControlType)[keyof typeof ControlType];

/** Key and value lengths are fixed, so the one record is 17 bytes: length varint 0x20 then 16 bytes. */
const RECORD_BYTES = 17;
export const CONTROL_BATCH_BYTES = BATCH_OVERHEAD + RECORD_BYTES;

/** A control batch (base offset 0, stamped by the log on append). */
export function buildControlBatch(
  producerId: number,
  producerEpoch: number,
  type: ControlType,
  coordinatorEpoch: number,
  timestamp: number,
): Buffer {
  const writer = ByteWriter.sized(CONTROL_BATCH_BYTES);
  writer.int64(0); // base offset
  writer.int32(CONTROL_BATCH_BYTES - LOG_OVERHEAD);
  writer.int32(-1); // partition leader epoch
  writer.int8(2); // magic
  const crc = writer.reserveInt32();
  writer.int16(Attributes.TRANSACTIONAL | Attributes.CONTROL);
  writer.int32(0); // last offset delta
  writer.int64(timestamp);
  writer.int64(timestamp);
  writer.int64(producerId);
  writer.int16(producerEpoch);
  writer.int32(-1); // base sequence
  writer.int32(1); // record count
  writer.varint(16); // record length
  writer.int8(0); // attributes
  writer.varlong(0); // timestamp delta
  writer.varint(0); // offset delta
  writer.varint(4); // key length
  writer.int16(0);
  writer.int16(type);
  writer.varint(6); // value length
  writer.int16(0);
  writer.int32(coordinatorEpoch);
  writer.varint(0); // no headers
  const batch = writer.toBuffer();
  batch.writeUInt32BE(crc32c(batch, 21, batch.length), crc.offset);
  return batch;
}

/**
 * The marker type of a control batch (its first record's key), or null when the batch holds
 * no readable control record. Control batches are never compressed.
 */
export function readControlType(batch: Buffer): ControlType | null {
  if (batch.length <= BATCH_OVERHEAD || batch.readInt32BE(57) < 1) return null;
  const reader = new ByteReader(batch, BATCH_OVERHEAD, batch.length, "control record");
  try {
    reader.varint(); // record length
    reader.skip(1); // attributes
    reader.varlong(); // timestamp delta
    reader.varint(); // offset delta
    const key = reader.varbytes();
    if (key === null || key.length < 4) return null;
    const type = key.readInt16BE(2);
    return type === ControlType.ABORT || type === ControlType.COMMIT ? type : null;
  } catch (error) {
    if (error instanceof MalformedFrameError) return null;
    throw error;
  }
}
