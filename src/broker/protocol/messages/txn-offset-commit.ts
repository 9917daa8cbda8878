// TxnOffsetCommit (API key 28), versions 0-5: transcribed from apache/kafka
// clients/src/main/resources/common/message/TxnOffsetCommitRequest.json and
// TxnOffsetCommitResponse.json. v3, the first flexible one, adds the consumer's generation,
// member id and group instance id (KIP-447), which the group coordinator checks so that a
// zombie's offsets are refused. v4 adds TRANSACTION_ABORTABLE; v5 (transactions v2, KIP-890)
// also adds the group to the transaction, which AddOffsetsToTxn did before. v6 names topics
// by id and is not advertised.
import { defineApi } from "../schema.js";

export const txnOffsetCommit = defineApi({
  name: "TxnOffsetCommit",
  apiKey: 28,
  minVersion: 0,
  maxVersion: 5,
  flexibleVersions: "3+",
  request: [
    { name: "transactionalId", type: "string", versions: "0+" },
    { name: "groupId", type: "string", versions: "0+" },
    { name: "producerId", type: "int64", versions: "0+" },
    { name: "producerEpoch", type: "int16", versions: "0+" },
    { name: "generationId", type: "int32", versions: "3+", default: -1 },
    { name: "memberId", type: "string", versions: "3+", default: "" },
    { name: "groupInstanceId", type: "string", versions: "3+", nullableVersions: "3+", default: null },
    {
      name: "topics",
      type: "[]struct",
      versions: "0+",
      fields: [
        { name: "name", type: "string", versions: "0+" },
        {
          name: "partitions",
          type: "[]struct",
          versions: "0+",
          fields: [
            { name: "partitionIndex", type: "int32", versions: "0+" },
            { name: "committedOffset", type: "int64", versions: "0+" },
            { name: "committedLeaderEpoch", type: "int32", versions: "2+", default: -1 },
            { name: "committedMetadata", type: "string", versions: "0+", nullableVersions: "0+" },
          ],
        },
      ],
    },
  ],
  response: [
    { name: "throttleTimeMs", type: "int32", versions: "0+" },
    {
      name: "topics",
      type: "[]struct",
      versions: "0+",
      fields: [
        { name: "name", type: "string", versions: "0+" },
        {
          name: "partitions",
          type: "[]struct",
          versions: "0+",
          fields: [
            { name: "partitionIndex", type: "int32", versions: "0+" },
            { name: "errorCode", type: "int16", versions: "0+" },
          ],
        },
      ],
    },
  ],
} as const);
