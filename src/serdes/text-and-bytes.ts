// Strings (Java's StringSerializer: UTF-8) and raw bytes.
import { isUtf8 } from "node:buffer";
import type { Serde, SerdeContext } from "./serde.js";
import type { RememberingSerde } from "./remembered-bytes.js";
import { describeValue, deserializationError, serializationError } from "./failures.js";

// The last string written and its bytes. A record's key is serialized again by every
// store and sink it reaches (handleCommands: the state store, the events, the reply);
// serialized bytes are only ever read, so the same Buffer serves all of them. A table's flush
// tells it the bytes its store kept of each key it forwards (remembered-bytes.ts).
let lastText: string | undefined;
let lastBytes: Buffer = Buffer.alloc(0);

export const stringSerde: RememberingSerde<string> = {
  name: "string",
  serialize(value: string, context?: SerdeContext): Buffer {
    if (value === lastText) return lastBytes;
    if (typeof value !== "string") {
      throw serializationError("string", `expected a string, got ${describeValue(value)}`, context);
    }
    lastBytes = Buffer.from(value, "utf8");
    lastText = value;
    return lastBytes;
  },
  remember(value: string, bytes: Buffer): void {
    lastText = value;
    lastBytes = bytes;
  },
  deserialize(bytes: Buffer, context?: SerdeContext): string {
    const text = bytes.toString("utf8");
    // toString() replaces malformed sequences with U+FFFD instead of failing. Only when
    // one shows up is the (rarer, slower) strict check worth doing, since U+FFFD may also
    // be a genuine character of the text.
    if (text.includes("\ufffd") && !isUtf8(bytes)) {
      throw deserializationError("string", "the bytes are not valid UTF-8", context);
    }
    return text;
  },
  deserializeAt(bytes: Buffer, start: number, end: number, context?: SerdeContext): string {
    const text = bytes.toString("utf8", start, end);
    if (text.includes("\ufffd") && !isUtf8(bytes.subarray(start, end))) {
      throw deserializationError("string", "the bytes are not valid UTF-8", context);
    }
    return text;
  },
};

/** Bytes as they are: no copy either way, so a Buffer that is a view keeps its backing memory alive. */
export const bytesSerde: Serde<Buffer> = {
  name: "bytes",
  serialize(value: Buffer, context?: SerdeContext): Buffer {
    const input: unknown = value;
    if (Buffer.isBuffer(input)) return input;
    if (input instanceof Uint8Array) return Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    throw serializationError("bytes", `expected a Buffer or Uint8Array, got ${describeValue(value)}`, context);
  },
  deserialize(bytes: Buffer): Buffer {
    return bytes;
  },
};
