// FindCoordinator (API key 10), versions 0-2: transcribed from apache/kafka
// clients/src/main/resources/common/message/FindCoordinatorRequest.json and FindCoordinatorResponse.json.
// Only the versions this broker advertises are kept; tagged fields are omitted.
import { defineApi } from "../schema.js";

export const findCoordinator = defineApi({
  name: "FindCoordinator",
  apiKey: 10,
  minVersion: 0,
  maxVersion: 2,
  flexibleVersions: "3+",
  request: [
    { name: "key", type: "string", versions: "0-3" },
    { name: "keyType", type: "int8", versions: "1+", default: 0 },
  ],
  response: [
    { name: "throttleTimeMs", type: "int32", versions: "1+" },
    { name: "errorCode", type: "int16", versions: "0-3" },
    { name: "errorMessage", type: "string", versions: "1-3", nullableVersions: "1-3" },
    { name: "nodeId", type: "int32", versions: "0-3" },
    { name: "host", type: "string", versions: "0-3" },
    { name: "port", type: "int32", versions: "0-3" },
  ],
} as const);
