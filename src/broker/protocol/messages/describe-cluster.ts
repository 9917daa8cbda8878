// DescribeCluster (API key 60), version 0: transcribed from apache/kafka
// clients/src/main/resources/common/message/DescribeClusterRequest.json and
// DescribeClusterResponse.json. Every version is flexible (compact encodings, tagged fields).
import { defineApi } from "../schema.js";

export const describeCluster = defineApi({
  name: "DescribeCluster",
  apiKey: 60,
  minVersion: 0,
  maxVersion: 0,
  flexibleVersions: "0+",
  request: [{ name: "includeClusterAuthorizedOperations", type: "bool", versions: "0+" }],
  response: [
    { name: "throttleTimeMs", type: "int32", versions: "0+" },
    { name: "errorCode", type: "int16", versions: "0+" },
    { name: "errorMessage", type: "string", versions: "0+", nullableVersions: "0+", default: null },
    { name: "clusterId", type: "string", versions: "0+" },
    { name: "controllerId", type: "int32", versions: "0+", default: -1 },
    {
      name: "brokers",
      type: "[]struct",
      versions: "0+",
      fields: [
        { name: "brokerId", type: "int32", versions: "0+" },
        { name: "host", type: "string", versions: "0+" },
        { name: "port", type: "int32", versions: "0+" },
        { name: "rack", type: "string", versions: "0+", nullableVersions: "0+", default: null },
      ],
    },
    { name: "clusterAuthorizedOperations", type: "int32", versions: "0+", default: -2147483648 },
  ],
} as const);
