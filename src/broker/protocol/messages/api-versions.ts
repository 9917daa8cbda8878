// ApiVersions (API key 18), versions 0-3: transcribed from apache/kafka
// clients/src/main/resources/common/message/ApiVersionsRequest.json and ApiVersionsResponse.json.
// Only the versions this broker advertises are kept. v3's tagged fields carry the features
// (KIP-584): the ones this broker supports and the ones finalized, with their epoch; clients
// decide on transactions v2 (KIP-890) from the finalized transaction.version.
import { defineApi } from "../schema.js";

export const apiVersions = defineApi({
  name: "ApiVersions",
  apiKey: 18,
  minVersion: 0,
  maxVersion: 3,
  flexibleVersions: "3+",
  request: [
    { name: "clientSoftwareName", type: "string", versions: "3+" },
    { name: "clientSoftwareVersion", type: "string", versions: "3+" },
  ],
  response: [
    { name: "errorCode", type: "int16", versions: "0+" },
    {
      name: "apiKeys",
      type: "[]struct",
      versions: "0+",
      fields: [
        { name: "apiKey", type: "int16", versions: "0+" },
        { name: "minVersion", type: "int16", versions: "0+" },
        { name: "maxVersion", type: "int16", versions: "0+" },
      ],
    },
    { name: "throttleTimeMs", type: "int32", versions: "1+" },
    {
      name: "supportedFeatures",
      type: "[]struct",
      versions: "3+",
      tag: 0,
      taggedVersions: "3+",
      fields: [
        { name: "name", type: "string", versions: "3+" },
        { name: "minVersion", type: "int16", versions: "3+" },
        { name: "maxVersion", type: "int16", versions: "3+" },
      ],
    },
    { name: "finalizedFeaturesEpoch", type: "int64", versions: "3+", tag: 1, taggedVersions: "3+", default: -1 },
    {
      name: "finalizedFeatures",
      type: "[]struct",
      versions: "3+",
      tag: 2,
      taggedVersions: "3+",
      fields: [
        { name: "name", type: "string", versions: "3+" },
        { name: "maxVersionLevel", type: "int16", versions: "3+" },
        { name: "minVersionLevel", type: "int16", versions: "3+" },
      ],
    },
  ],
} as const);
