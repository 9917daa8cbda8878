// AddOffsetsToTxn (API key 25), versions 0-1: transcribed from apache/kafka
// clients/src/main/resources/common/message/AddOffsetsToTxnRequest.json and AddOffsetsToTxnResponse.json.
// Only the versions this broker advertises are kept.
import { defineApi } from "../schema.js";

export const addOffsetsToTxn = defineApi({
  name: "AddOffsetsToTxn",
  apiKey: 25,
  minVersion: 0,
  maxVersion: 1,
  flexibleVersions: "3+",
  request: [
    { name: "transactionalId", type: "string", versions: "0+" },
    { name: "producerId", type: "int64", versions: "0+" },
    { name: "producerEpoch", type: "int16", versions: "0+" },
    { name: "groupId", type: "string", versions: "0+" },
  ],
  response: [
    { name: "throttleTimeMs", type: "int32", versions: "0+" },
    { name: "errorCode", type: "int16", versions: "0+" },
  ],
} as const);
