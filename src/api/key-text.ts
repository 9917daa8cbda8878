// Keys arrive as text (a URL path segment, a query parameter, a CLI argument) and must
// become the typed key the store's key serde serializes, so that the bytes, and hence
// the partition, are exactly those a producer of that key wrote. How the text is read
// depends on the serde:
//
//   string             the text itself
//   long, int32        a decimal integer ("-12")
//   bigint             a decimal integer of any size
//   double             a decimal number ("1.5", "NaN", "Infinity")
//   json, zod, msgpack the text parsed as JSON when it is JSON ("42", "\"42\"", "{...}"),
//                      else the text as a string (so /keys/alice works for string keys)
//   bytes              base64url (or standard base64) of the bytes
//
// Other (custom) serdes get the text as a string unless the API is given a parser.
import { InvalidKeyError } from "./errors.js";

/** Turns key text into the typed key of one store. Throws to reject the text. */
export type KeyTextParser = (text: string) => unknown;

const INTEGER = /^-?\d+$/;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

export function defaultKeyParser(serde: string): KeyTextParser {
  switch (serde) {
    case "string":
      return (text) => text;
    case "long":
    case "int32":
      return (text) => {
        if (!INTEGER.test(text)) throw new Error(`expected a decimal integer, got ${JSON.stringify(text)}`);
        return Number(text);
      };
    case "bigint":
      return (text) => {
        if (!INTEGER.test(text)) throw new Error(`expected a decimal integer, got ${JSON.stringify(text)}`);
        return BigInt(text);
      };
    case "double":
      return (text) => {
        const value = Number(text);
        if (text.trim() === "" || (Number.isNaN(value) && text !== "NaN"))
          throw new Error(`expected a number, got ${JSON.stringify(text)}`);
        return value;
      };
    case "json":
    case "zod":
    case "msgpack":
      return (text) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          return text;
        }
      };
    case "bytes":
      return (text) => {
        if (!BASE64.test(text)) throw new Error("expected base64url");
        return Buffer.from(text, "base64url");
      };
    default:
      return (text) => text;
  }
}

/** Parses with the store's parser, mapping a rejection to a 400. */
export function parseKeyText(store: string, serde: string, parser: KeyTextParser, text: string): unknown {
  try {
    return parser(text);
  } catch (error) {
    throw new InvalidKeyError(store, serde, error instanceof Error ? error.message : String(error), { cause: error });
  }
}
