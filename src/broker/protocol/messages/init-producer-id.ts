// InitProducerId (API key 22), versions 0-1: transcribed from apache/kafka
// clients/src/main/resources/common/message/InitProducerIdRequest.json and InitProducerIdResponse.json.
// Only the versions this broker advertises are kept (v2 is the first flexible version; v3 adds
// the producer id and epoch of KIP-360, v4 PRODUCER_FENCED).
import { defineApi } from "../schema.js";

export const initProducerId = defineApi({
  name: "InitProducerId",
  apiKey: 22,
  minVersion: 0,
  maxVersion: 1,
  flexibleVersions: "2+",
  request: [
    { name: "transactionalId", type: "string", versions: "0+", nullableVersions: "0+", default: null },
    { name: "transactionTimeoutMs", type: "int32", versions: "0+" },
  ],
  response: [
    { name: "throttleTimeMs", type: "int32", versions: "0+" },
    { name: "errorCode", type: "int16", versions: "0+" },
    { name: "producerId", type: "int64", versions: "0+", default: -1 },
    { name: "producerEpoch", type: "int16", versions: "0+" },
  ],
} as const);
