// ApiVersions: the versions of every API this broker implements. An ApiVersions request in
// a version newer than ours is answered at the connection level (connection.ts) with a v0
// body carrying UNSUPPORTED_VERSION and our ApiVersions range, so the client retries lower.
// v3 also carries the features (KIP-584): transaction.version is finalized at 2, as Apache
// Kafka 4.x formats a new cluster, so clients that know transactions v2 (KIP-890) use them.
import { Api, advertisedApis } from "../protocol/apis.js";
import { ErrorCode } from "../protocol/error-codes.js";
import { defineHandler } from "./handler.js";

/** The features this broker supports and has finalized: transactions v2 (Produce v12, EndTxn v5, TxnOffsetCommit v5). */
const SUPPORTED_FEATURES = [{ name: "transaction.version", minVersion: 0, maxVersion: 2 }];
const FINALIZED_FEATURES = [{ name: "transaction.version", maxVersionLevel: 2, minVersionLevel: 2 }];
/** Never changes: the finalized features are fixed for the broker's life. */
const FINALIZED_FEATURES_EPOCH = 1;

/** KIP-511: client software name and version must look like "librdkafka" / "2.0.2". */
const SOFTWARE_PATTERN = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;

export function apiVersionsHandler() {
  const apiKeys = advertisedApis();
  return defineHandler(Api.apiVersions, (request, { header }) => {
    if (
      header.apiVersion >= 3 &&
      (!SOFTWARE_PATTERN.test(request.clientSoftwareName) || !SOFTWARE_PATTERN.test(request.clientSoftwareVersion))
    ) {
      return { errorCode: ErrorCode.INVALID_REQUEST, apiKeys: [], throttleTimeMs: 0 };
    }
    return {
      errorCode: ErrorCode.NONE,
      apiKeys,
      throttleTimeMs: 0,
      supportedFeatures: SUPPORTED_FEATURES,
      finalizedFeaturesEpoch: FINALIZED_FEATURES_EPOCH,
      finalizedFeatures: FINALIZED_FEATURES,
    };
  });
}
