import { describe, expect, it } from "vitest";
import { InvalidKeyError } from "../../src/api/errors.js";
import { defaultKeyParser, parseKeyText } from "../../src/api/key-text.js";
import { Serdes } from "../../src/index.js";

describe("key text", () => {
  it("reads key text as the store's key serde expects, so the bytes match a producer's", () => {
    expect(defaultKeyParser("string")("42")).toBe("42");
    expect(defaultKeyParser("long")("-12")).toBe(-12);
    expect(defaultKeyParser("bigint")("9223372036854775807")).toBe(9223372036854775807n);
    expect(defaultKeyParser("double")("1.5")).toBe(1.5);
    expect(defaultKeyParser("json")('{"a":1}')).toEqual({ a: 1 });
    expect(defaultKeyParser("json")('"42"')).toBe("42");
    expect(defaultKeyParser("json")("alice")).toBe("alice");
    expect(defaultKeyParser("bytes")("AP8")).toEqual(Buffer.from([0, 255]));
    expect(Serdes.long().serialize(defaultKeyParser("long")("7") as number)).toEqual(Serdes.long().serialize(7));
  });

  it("rejects text the serde cannot hold with a 400 naming the store and serde", () => {
    for (const [serde, text] of [
      ["long", "12a"],
      ["int32", "1.5"],
      ["bigint", ""],
      ["double", "abc"],
      ["bytes", "no spaces"],
    ] as const) {
      let error: unknown;
      try {
        parseKeyText("counts", serde, defaultKeyParser(serde), text);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidKeyError);
      expect((error as InvalidKeyError).statusCode).toBe(400);
      expect((error as Error).message).toContain(`"${serde}"`);
    }
  });
});
