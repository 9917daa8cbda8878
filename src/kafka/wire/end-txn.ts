// EndTxn v5 (transactions v2, KIP-890 part 2), as apache/kafka's EndTxnRequest.json and
// EndTxnResponse.json define it: the request is v3's (flexible), the answer adds the producer
// id and epoch the transaction's end gave the producer. Under transactions v2 the coordinator
// bumps the epoch at every EndTxn, writes the markers with the new epoch, and the producer
// continues with what it answers (a new producer id at epoch 0 when the epoch ran out), its
// sequence numbers starting again at 0. A zombie still holding the old epoch is refused.
import { ByteReader } from "../../bytes/byte-reader.js";
import { ByteWriter } from "../../bytes/byte-writer.js";
import { skipTags, writeCompactString, writeEmptyTags, writeRequestHeaderTags } from "./flexible.js";

export const END_TXN_API_KEY = 26;
/** The version that bumps the epoch at every transaction's end. */
export const END_TXN_V2_VERSION = 5;

export interface EndTxnArgs {
  readonly transactionalId: string;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly committed: boolean;
}

export interface EndTxnAnswer {
  readonly errorCode: number;
  /** -1 when the coordinator gave none (an error). */
  readonly producerId: number;
  readonly producerEpoch: number;
}

/** The request body, preceded by request header v2's tagged fields (see flexible.ts). */
export function encodeEndTxnV5(args: EndTxnArgs): Buffer {
  const w = new ByteWriter(64);
  writeRequestHeaderTags(w);
  writeCompactString(w, args.transactionalId);
  w.int64(args.producerId);
  w.int16(args.producerEpoch);
  w.bool(args.committed);
  writeEmptyTags(w);
  return w.toBuffer();
}

/** The bytes after the correlation id: response header v1's tagged fields, then the body. */
export function decodeEndTxnV5Response(payload: Buffer): EndTxnAnswer {
  const r = new ByteReader(payload, 0, payload.length, "EndTxn response");
  skipTags(r);
  r.int32(); // throttleTimeMs
  const errorCode = r.int16();
  const producerId = r.int64();
  const producerEpoch = r.int16();
  skipTags(r);
  return { errorCode, producerId, producerEpoch };
}
