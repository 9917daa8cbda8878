// EndTxn (API key 26), versions 0-5: transcribed from apache/kafka
// clients/src/main/resources/common/message/EndTxnRequest.json and EndTxnResponse.json.
// v2 adds the PRODUCER_FENCED error, v3 is the first flexible one, v4 adds
// TRANSACTION_ABORTABLE, and v5 (transactions v2, KIP-890) bumps the producer epoch at the
// end of every transaction and answers the producer id and epoch to continue with.
import { defineApi } from "../schema.js";

export const endTxn = defineApi({
  name: "EndTxn",
  apiKey: 26,
  minVersion: 0,
  maxVersion: 5,
  flexibleVersions: "3+",
  request: [
    { name: "transactionalId", type: "string", versions: "0+" },
    { name: "producerId", type: "int64", versions: "0+" },
    { name: "producerEpoch", type: "int16", versions: "0+" },
    { name: "committed", type: "bool", versions: "0+" },
  ],
  response: [
    { name: "throttleTimeMs", type: "int32", versions: "0+" },
    { name: "errorCode", type: "int16", versions: "0+" },
    { name: "producerId", type: "int64", versions: "5+", default: -1 },
    { name: "producerEpoch", type: "int16", versions: "5+", default: -1 },
  ],
} as const);
