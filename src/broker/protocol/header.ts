// Request and response headers. Requests carry header v1 (client id as a nullable int16
// string) or, for flexible versions, v2 (the same plus a tagged-field section). Responses
// carry header v0 (correlation id) or, for flexible versions, v1 (plus tagged fields),
// except ApiVersions, whose response header is always v0: a client that does not yet know
// the broker's versions must be able to read it (KIP-511).
import type { ByteReader } from "../../bytes/byte-reader.js";
import type { ByteWriter } from "../../bytes/byte-writer.js";

export const API_VERSIONS_KEY = 18;

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

export function readRequestHeader(reader: ByteReader, flexible: boolean): RequestHeader {
  const apiKey = reader.int16();
  const apiVersion = reader.int16();
  const correlationId = reader.int32();
  const clientIdLength = reader.int16();
  const clientId = clientIdLength < 0 ? null : reader.string(clientIdLength);
  if (flexible) {
    const tagged = reader.unsignedVarint();
    for (let i = 0; i < tagged; i++) {
      reader.unsignedVarint();
      reader.skip(reader.unsignedVarint());
    }
  }
  return { apiKey, apiVersion, correlationId, clientId };
}

export function writeResponseHeader(
  writer: ByteWriter,
  correlationId: number,
  apiKey: number,
  flexible: boolean,
): void {
  writer.int32(correlationId);
  if (flexible && apiKey !== API_VERSIONS_KEY) writer.unsignedVarint(0);
}
