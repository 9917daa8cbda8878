// IncrementalAlterConfigs (API key 44), version 0: transcribed from apache/kafka
// clients/src/main/resources/common/message/IncrementalAlterConfigsRequest.json and
// IncrementalAlterConfigsResponse.json. Version 1 is the first flexible one and is not advertised.
import { defineApi } from "../schema.js";

export const incrementalAlterConfigs = defineApi({
  name: "IncrementalAlterConfigs",
  apiKey: 44,
  minVersion: 0,
  maxVersion: 0,
  flexibleVersions: "1+",
  request: [
    {
      name: "resources",
      type: "[]struct",
      versions: "0+",
      fields: [
        { name: "resourceType", type: "int8", versions: "0+" },
        { name: "resourceName", type: "string", versions: "0+" },
        {
          name: "configs",
          type: "[]struct",
          versions: "0+",
          fields: [
            { name: "name", type: "string", versions: "0+" },
            { name: "configOperation", type: "int8", versions: "0+" },
            { name: "value", type: "string", versions: "0+", nullableVersions: "0+" },
          ],
        },
      ],
    },
    { name: "validateOnly", type: "bool", versions: "0+" },
  ],
  response: [
    { name: "throttleTimeMs", type: "int32", versions: "0+" },
    {
      name: "responses",
      type: "[]struct",
      versions: "0+",
      fields: [
        { name: "errorCode", type: "int16", versions: "0+" },
        { name: "errorMessage", type: "string", versions: "0+", nullableVersions: "0+" },
        { name: "resourceType", type: "int8", versions: "0+" },
        { name: "resourceName", type: "string", versions: "0+" },
      ],
    },
  ],
} as const);
