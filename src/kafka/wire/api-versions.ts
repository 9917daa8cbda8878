// ApiVersions v3, as apache/kafka's ApiVersionsRequest.json and ApiVersionsResponse.json
// define it, for what kafkajs' ApiVersions (v0-2) cannot tell: the features the cluster has
// finalized (tagged field 2, with their epoch, tag 1). Transactions v2 (KIP-890) are used only
// where `transaction.version` is finalized at 2 or more, as Kafka's producer decides
// (TransactionManager.maybeUpdateTransactionV2Enabled): a broker may speak the new versions
// while its cluster has not turned them on.
import { ByteReader } from "../../bytes/byte-reader.js";
import { ByteWriter } from "../../bytes/byte-writer.js";
import {
  readCompactLength,
  readCompactString,
  skipTags,
  writeCompactString,
  writeEmptyTags,
  writeRequestHeaderTags,
} from "./flexible.js";

export const API_VERSIONS_API_KEY = 18;
export const API_VERSIONS_FEATURES_VERSION = 3;

export interface ApiVersionsV3Answer {
  readonly errorCode: number;
  readonly apiKeys: ReadonlyMap<number, { readonly minVersion: number; readonly maxVersion: number }>;
  /** Finalized feature levels by name (the highest level finalized); empty when the broker sent none. */
  readonly finalizedFeatures: ReadonlyMap<string, number>;
  /** -1 when the broker sent none. */
  readonly finalizedFeaturesEpoch: number;
}

/** The request body, preceded by request header v2's tagged fields (see flexible.ts). */
export function encodeApiVersionsV3(softwareName: string, softwareVersion: string): Buffer {
  const w = new ByteWriter(64);
  writeRequestHeaderTags(w);
  writeCompactString(w, softwareName);
  writeCompactString(w, softwareVersion);
  writeEmptyTags(w);
  return w.toBuffer();
}

/**
 * The bytes after the correlation id. ApiVersions answers always use response header v0 (a
 * client must read the answer before it knows what the broker speaks): no tags come first.
 */
export function decodeApiVersionsV3Response(payload: Buffer): ApiVersionsV3Answer {
  const r = new ByteReader(payload, 0, payload.length, "ApiVersions response");
  const errorCode = r.int16();
  const apiKeys = new Map<number, { minVersion: number; maxVersion: number }>();
  const finalizedFeatures = new Map<string, number>();
  let finalizedFeaturesEpoch = -1;
  // An error (UNSUPPORTED_VERSION) is answered in v0's layout: nothing of it is needed here.
  if (errorCode !== 0) return { errorCode, apiKeys, finalizedFeatures, finalizedFeaturesEpoch };
  for (let n = readCompactLength(r); n > 0; n--) {
    const apiKey = r.int16();
    const minVersion = r.int16();
    const maxVersion = r.int16();
    skipTags(r);
    apiKeys.set(apiKey, { minVersion, maxVersion });
  }
  r.int32(); // throttleTimeMs
  for (let tags = r.unsignedVarint(); tags > 0; tags--) {
    const tag = r.unsignedVarint();
    const size = r.unsignedVarint();
    const end = r.offset + size;
    if (tag === 1) finalizedFeaturesEpoch = r.int64();
    else if (tag === 2) {
      for (let n = readCompactLength(r); n > 0; n--) {
        const name = readCompactString(r);
        const maxVersionLevel = r.int16();
        r.int16(); // minVersionLevel
        skipTags(r);
        finalizedFeatures.set(name, maxVersionLevel);
      }
    }
    r.skip(end - r.offset);
  }
  return { errorCode, apiKeys, finalizedFeatures, finalizedFeaturesEpoch };
}
