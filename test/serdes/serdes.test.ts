import { describe, expect, it } from "vitest";
import { z } from "zod";
import { Serdes } from "../../src/serdes/serdes.js";
import { DeserializationError, SerializationError } from "../../src/serdes/errors.js";
import type { Serde, SerdeContext, Serializer } from "../../src/serdes/serde.js";

const hex = (text: string): Buffer => Buffer.from(text.replace(/ /g, ""), "hex");
const context: SerdeContext = { topic: "visits", part: "value" };

function deserializationFailure(run: () => unknown): DeserializationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DeserializationError);
    return error as DeserializationError;
  }
  throw new Error("expected a DeserializationError");
}

function serializationFailure(run: () => unknown): SerializationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SerializationError);
    return error as SerializationError;
  }
  throw new Error("expected a SerializationError");
}

describe("Serdes.int32 (Java IntegerSerializer layout)", () => {
  const serde = Serdes.int32();
  it.each([
    [0, "00000000"],
    [1, "00000001"],
    [256, "00000100"],
    [-1, "ffffffff"],
    [2147483647, "7fffffff"],
    [-2147483648, "80000000"],
  ])("%d <-> %s", (value, bytes) => {
    expect(serde.serialize(value).toString("hex")).toBe(bytes);
    expect(serde.deserialize(hex(bytes))).toBe(value);
  });

  it("refuses values Java's int cannot hold", () => {
    for (const value of [2147483648, -2147483649, 1.5, Number.NaN]) {
      expect(serializationFailure(() => serde.serialize(value)).code).toBe("EDDY_ERR_SERIALIZATION");
    }
  });

  it("refuses a wrong length, naming the context", () => {
    const error = deserializationFailure(() => serde.deserialize(hex("000001"), context));
    expect(error.message).toContain('topic "visits"');
    expect(error.message).toContain("expected 4 bytes, got 3");
    expect(error.context).toEqual(context);
  });
});

describe("Serdes.long (Java LongSerializer layout)", () => {
  const serde = Serdes.long();
  it.each([
    [0, "0000000000000000"],
    [1, "0000000000000001"],
    [-1, "ffffffffffffffff"],
    [4294967296, "0000000100000000"],
    [-4294967296, "ffffffff00000000"],
    [4294967295, "00000000ffffffff"],
    [-4294967295, "ffffffff00000001"],
    [Number.MAX_SAFE_INTEGER, "001fffffffffffff"],
    [Number.MIN_SAFE_INTEGER, "ffe0000000000001"],
    [1234567890123, "0000011f71fb04cb"],
  ])("%d <-> %s", (value, bytes) => {
    expect(serde.serialize(value).toString("hex")).toBe(bytes);
    expect(serde.deserialize(hex(bytes))).toBe(value);
  });

  it("writes a bigint with the same bytes as the number", () => {
    expect(serde.serialize(42n).equals(serde.serialize(42))).toBe(true);
    expect(serde.serialize(-(2n ** 63n)).toString("hex")).toBe("8000000000000000");
    expect(serde.serialize(2n ** 63n - 1n).toString("hex")).toBe("7fffffffffffffff");
  });

  it("fits where a Serde<number | null> or a Serializer<bigint> is expected (typechecked)", () => {
    const tableSink: Serde<number | null> = Serdes.long();
    const bigintSink: Serializer<bigint> = Serdes.long();
    expect(tableSink.serialize(7).equals(bigintSink.serialize(7n))).toBe(true);
  });

  it("refuses numbers that are not safe integers and bigints beyond 64 bits", () => {
    for (const value of [1.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN, Number.POSITIVE_INFINITY, 2n ** 63n]) {
      serializationFailure(() => serde.serialize(value));
    }
  });

  it("refuses to round a value beyond the safe range and names Serdes.bigint()", () => {
    for (const bytes of ["0020000000000000", "7fffffffffffffff", "8000000000000000", "ffe0000000000000"]) {
      const error = deserializationFailure(() => serde.deserialize(hex(bytes), context));
      expect(error.message).toContain("Serdes.bigint()");
    }
  });

  it("refuses a wrong length", () => {
    expect(deserializationFailure(() => serde.deserialize(hex("00000001"))).message).toContain(
      "expected 8 bytes, got 4",
    );
  });
});

describe("Serdes.bigint", () => {
  const serde = Serdes.bigint();
  it("reads and writes the whole int64 range with the long layout", () => {
    for (const [value, bytes] of [
      [2n ** 63n - 1n, "7fffffffffffffff"],
      [-(2n ** 63n), "8000000000000000"],
      [-2n, "fffffffffffffffe"],
      [2n ** 53n, "0020000000000000"],
    ] as const) {
      expect(serde.serialize(value).toString("hex")).toBe(bytes);
      expect(serde.deserialize(hex(bytes))).toBe(value);
    }
    serializationFailure(() => serde.serialize(2n ** 64n));
    serializationFailure(() => serde.serialize(5 as unknown as bigint));
    deserializationFailure(() => serde.deserialize(hex("00")));
  });
});

describe("Serdes.double (Java DoubleSerializer layout)", () => {
  const serde = Serdes.double();
  it.each([
    [1, "3ff0000000000000"],
    [-2.5, "c004000000000000"],
    [0.1, "3fb999999999999a"],
    [0, "0000000000000000"],
    [Number.POSITIVE_INFINITY, "7ff0000000000000"],
  ])("%d <-> %s", (value, bytes) => {
    expect(serde.serialize(value).toString("hex")).toBe(bytes);
    expect(serde.deserialize(hex(bytes))).toBe(value);
  });

  it("writes NaN as Java's canonical NaN and keeps -0", () => {
    expect(serde.serialize(Number.NaN).toString("hex")).toBe("7ff8000000000000");
    expect(Object.is(serde.deserialize(serde.serialize(-0)), -0)).toBe(true);
    deserializationFailure(() => serde.deserialize(hex("3ff00000000000")));
  });
});

describe("Serdes.string", () => {
  const serde = Serdes.string();
  it("is UTF-8 as Java's StringSerializer", () => {
    expect(serde.serialize("héllo").toString("hex")).toBe("68c3a96c6c6f");
    expect(serde.deserialize(hex("e29c93f09f988a"))).toBe("✓😊");
    expect(serde.deserialize(Buffer.alloc(0))).toBe("");
  });

  it("keeps a genuine U+FFFD and refuses invalid UTF-8", () => {
    expect(serde.deserialize(serde.serialize("a\ufffdb"))).toBe("a\ufffdb");
    expect(deserializationFailure(() => serde.deserialize(hex("61ff62"), context)).message).toContain(
      "not valid UTF-8",
    );
    deserializationFailure(() => serde.deserialize(hex("e29c")));
  });

  it("refuses a non-string", () => {
    serializationFailure(() => serde.serialize(12 as unknown as string));
  });
});

describe("Serdes.bytes", () => {
  it("passes bytes through without copying", () => {
    const serde = Serdes.bytes();
    const bytes = Buffer.from([0, 1, 255]);
    expect(serde.serialize(bytes)).toBe(bytes);
    expect(serde.deserialize(bytes)).toBe(bytes);
    const view = new Uint8Array([9, 8, 7]).subarray(1);
    expect([...serde.serialize(view as Buffer)]).toEqual([8, 7]);
    serializationFailure(() => serde.serialize("text" as unknown as Buffer));
  });
});

describe("Serdes.json", () => {
  const serde = Serdes.json<{ id: string; n: number[] }>();
  it("round-trips JSON as UTF-8", () => {
    const bytes = serde.serialize({ id: "é", n: [1, 2] });
    expect(bytes.toString("utf8")).toBe('{"id":"é","n":[1,2]}');
    expect(serde.deserialize(bytes)).toEqual({ id: "é", n: [1, 2] });
  });

  it("raises typed errors for invalid JSON and unserializable values", () => {
    const error = deserializationFailure(() => serde.deserialize(Buffer.from("{not json"), context));
    expect(error.message).toContain("invalid JSON");
    expect(error.cause).toBeInstanceOf(SyntaxError);
    serializationFailure(() => Serdes.json().serialize({ big: 1n }));
    serializationFailure(() => Serdes.json().serialize(undefined));
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    serializationFailure(() => Serdes.json().serialize(cycle));
  });
});

describe("Serdes.msgpack", () => {
  const serde = Serdes.msgpack<unknown>();
  it("writes standard MessagePack maps, never msgpackr records", () => {
    // {"a":1} as a fixmap with one entry: 0x81, fixstr "a", positive fixint 1.
    expect(serde.serialize({ a: 1 }).toString("hex")).toBe("81a16101");
    expect(serde.deserialize(hex("81a16101"))).toEqual({ a: 1 });
    // The same shape twice still encodes as maps (records would switch to structure ids).
    const twice = serde.serialize([{ a: 1 }, { a: 2 }]).toString("hex");
    expect(twice).toBe("9281a1610181a16102");
  });

  it("round-trips plain data, dates, binary and 64-bit integers", () => {
    const value = { s: "x", n: -1.5, big: 2n ** 60n, when: new Date(0), bin: Buffer.from([1, 2]), list: [null, true] };
    expect(serde.deserialize(serde.serialize(value))).toEqual(value);
  });

  it("keeps returned buffers intact across later calls", () => {
    const first = serde.serialize({ k: "first" });
    const copy = Buffer.from(first);
    for (let i = 0; i < 2000; i += 1) serde.serialize({ k: `value-${i}`, pad: "x".repeat(i % 50) });
    expect(first.equals(copy)).toBe(true);
  });

  it("raises a DeserializationError for truncated data, trailing bytes and the unused byte 0xc1", () => {
    for (const garbage of ["92", "0102", "d90541", "c1"]) {
      expect(deserializationFailure(() => serde.deserialize(hex(garbage), context)).context).toEqual(context);
    }
  });
});

describe("Serdes.zod", () => {
  const schema = z.object({ accountId: z.string().min(1), amount: z.number().positive() });
  const serde = Serdes.zod(schema);

  it("round-trips valid values as JSON", () => {
    const bytes = serde.serialize({ accountId: "a-1", amount: 5 });
    expect(bytes.toString("utf8")).toBe('{"accountId":"a-1","amount":5}');
    expect(serde.deserialize(bytes)).toEqual({ accountId: "a-1", amount: 5 });
    expect(serde.name).toBe("zod");
  });

  it("raises a DeserializationError holding the zod issues on a schema violation", () => {
    const error = deserializationFailure(() =>
      serde.deserialize(Buffer.from('{"accountId":"","amount":-3}'), { topic: "commands", part: "value" }),
    );
    expect(error.message).toContain('topic "commands"');
    expect(error.message).toContain("accountId");
    const issues = error.details as { path: unknown[] }[];
    expect(issues.map((issue) => issue.path)).toEqual([["accountId"], ["amount"]]);
  });

  it("raises a DeserializationError for invalid JSON", () => {
    expect(deserializationFailure(() => serde.deserialize(Buffer.from("{"))).message).toContain("invalid JSON");
  });

  it("validates on serialize too", () => {
    const error = serializationFailure(() => serde.serialize({ accountId: "a", amount: 0 }));
    expect((error.details as { path: unknown[] }[])[0]?.path).toEqual(["amount"]);
  });
});

describe("serde names", () => {
  it("name every built-in serde for describe() and GET /stores", () => {
    expect(
      [
        Serdes.string(),
        Serdes.json(),
        Serdes.msgpack(),
        Serdes.bytes(),
        Serdes.int32(),
        Serdes.long(),
        Serdes.bigint(),
        Serdes.double(),
        Serdes.zod(z.string()),
      ].map((serde) => serde.name),
    ).toEqual(["string", "json", "msgpack", "bytes", "int32", "long", "bigint", "double", "zod"]);
    expect(Serdes.string()).toBe(Serdes.string());
  });
});
