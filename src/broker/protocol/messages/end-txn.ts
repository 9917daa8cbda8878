// EndTxn (API key 26), versions 0-1: transcribed from apache/kafka
// clients/src/main/resources/common/message/EndTxnRequest.json and EndTxnResponse.json.
// Only the versions this broker advertises are kept.
import { defineApi } from "../schema.js";

export const endTxn = defineApi({
  name: "EndTxn",
  apiKey: 26,
  minVersion: 0,
  maxVersion: 1,
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
  ],
} as const);
