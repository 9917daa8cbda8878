// Control batches: the transaction markers the coordinator writes to every partition of a
// transaction when it ends (Kafka's EndTransactionMarker). A control batch carries the
// transactional and control attributes, the producer id and epoch of the transaction, no
// sequence, and exactly one record:
//   key   = int16 version (0) | int16 type (0 abort, 1 commit)
//   value = int16 version (0) | int32 coordinator epoch
import { crc32c } from "../../bytes/crc32c.js";
import { Attributes, BATCH_OVERHEAD, LOG_OVERHEAD } from "./record-batch.js";

export const ControlType = { ABORT: 0, COMMIT: 1 } as const;
export type ControlType = (typeof ControlType)[keyof typeof ControlType];

/** Key and value lengths are fixed, so the one record is 17 bytes: length varint 0x20 then 16 bytes. */
const RECORD_BYTES = 17;
export const CONTROL_BATCH_BYTES = BATCH_OVERHEAD + RECORD_BYTES;

const TWO_POW_32 = 4294967296;

function writeInt64(buffer: Buffer, at: number, value: number): void {
  const high = Math.floor(value / TWO_POW_32);
  buffer.writeInt32BE(high, at);
  buffer.writeUInt32BE(value - high * TWO_POW_32, at + 4);
}

/** A control batch (base offset 0, stamped by the log on append). */
export function buildControlBatch(
  producerId: number,
  producerEpoch: number,
  type: ControlType,
  coordinatorEpoch: number,
  timestamp: number,
): Buffer {
  const batch = Buffer.alloc(CONTROL_BATCH_BYTES);
  batch.writeInt32BE(CONTROL_BATCH_BYTES - LOG_OVERHEAD, 8);
  batch.writeInt32BE(-1, 12);
  batch.writeInt8(2, 16);
  batch.writeInt16BE(Attributes.TRANSACTIONAL | Attributes.CONTROL, 21);
  batch.writeInt32BE(0, 23);
  writeInt64(batch, 27, timestamp);
  writeInt64(batch, 35, timestamp);
  writeInt64(batch, 43, producerId);
  batch.writeInt16BE(producerEpoch, 51);
  batch.writeInt32BE(-1, 53);
  batch.writeInt32BE(1, 57);
  let at = BATCH_OVERHEAD;
  batch[at++] = 0x20; // record length 16 (zigzag)
  batch[at++] = 0; // attributes
  batch[at++] = 0; // timestamp delta
  batch[at++] = 0; // offset delta
  batch[at++] = 0x08; // key length 4
  batch.writeInt16BE(0, at);
  batch.writeInt16BE(type, at + 2);
  at += 4;
  batch[at++] = 0x0c; // value length 6
  batch.writeInt16BE(0, at);
  batch.writeInt32BE(coordinatorEpoch, at + 2);
  at += 6;
  batch[at] = 0; // no headers
  batch.writeUInt32BE(crc32c(batch, 21, batch.length), 17);
  return batch;
}

function readVarint(buffer: Buffer, at: number): { value: number; next: number } | null {
  let raw = 0;
  let multiplier = 1;
  for (let i = 0; i < 5 && at < buffer.length; i++) {
    const b = buffer[at++]!;
    raw += (b & 0x7f) * multiplier;
    if ((b & 0x80) === 0) return { value: raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2, next: at };
    multiplier *= 128;
  }
  return null;
}

/**
 * The marker type of a control batch (its first record's key), or null when the batch holds
 * no readable control record. Control batches are never compressed.
 */
export function readControlType(batch: Buffer): ControlType | null {
  if (batch.length <= BATCH_OVERHEAD || batch.readInt32BE(57) < 1) return null;
  let cursor = readVarint(batch, BATCH_OVERHEAD); // record length
  if (!cursor) return null;
  let at = cursor.next + 1; // attributes
  cursor = readVarint(batch, at); // timestamp delta (a varlong; small here)
  if (!cursor) return null;
  cursor = readVarint(batch, cursor.next); // offset delta
  if (!cursor) return null;
  cursor = readVarint(batch, cursor.next); // key length
  if (!cursor || cursor.value < 4) return null;
  at = cursor.next;
  if (at + 4 > batch.length) return null;
  const type = batch.readInt16BE(at + 2);
  return type === ControlType.ABORT || type === ControlType.COMMIT ? type : null;
}
