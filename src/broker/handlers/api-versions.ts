// ApiVersions: the versions of every API this broker implements. An ApiVersions request in
// a version newer than ours is answered at the connection level (connection.ts) with a v0
// body carrying UNSUPPORTED_VERSION and our ApiVersions range, so the client retries lower.
import { Api, advertisedApis } from "../protocol/apis.js";
import { ErrorCode } from "../protocol/error-codes.js";
import { defineHandler } from "./handler.js";

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
    return { errorCode: ErrorCode.NONE, apiKeys, throttleTimeMs: 0 };
  });
}
