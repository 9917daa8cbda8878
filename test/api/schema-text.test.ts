// JSON Schemas written as TypeScript-like types for the /docs page.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { schemaText } from "../../src/api/schema-text.js";

const fromZod = (schema: z.ZodType) => z.toJSONSchema(schema, { target: "draft-2020-12", io: "output" });

describe("schemaText", () => {
  it("writes objects one property a line, optional ones with ?, descriptions as comments", () => {
    const schema = fromZod(
      z.object({
        store: z.string(),
        partition: z.number().int().optional().describe("The key's\\n partition"),
        "x-odd": z.boolean(),
      }),
    );
    expect(schemaText(schema)).toBe(
      [
        "{",
        "  store: string;",
        "  // The key's\\n partition",
        "  partition?: integer;",
        '  "x-odd": boolean;',
        "}",
      ].join("\n"),
    );
  });

  it("writes unions, literals, enums, arrays, nullables, records and bounds", () => {
    expect(
      schemaText(
        fromZod(z.discriminatedUnion("t", [z.object({ t: z.literal("a") }), z.object({ t: z.literal("b") })])),
      ),
    ).toBe('{\n  t: "a";\n} | {\n  t: "b";\n}');
    expect(schemaText(fromZod(z.enum(["x", "y"])))).toBe('"x" | "y"');
    expect(schemaText(fromZod(z.array(z.string().nullable())))).toBe("(string | null)[]");
    expect(schemaText(fromZod(z.array(z.object({ k: z.string() }))))).toBe("{\n  k: string;\n}[]");
    expect(schemaText(fromZod(z.record(z.string(), z.number())))).toMatch(/^\{ \[key: string\]: number \}$/);
    expect(schemaText(fromZod(z.number().int().positive().max(10)))).toBe("integer (> 0, ≤ 10)");
    expect(schemaText(fromZod(z.string().min(1).max(5)))).toBe("string (length ≥ 1, length ≤ 5)");
    expect(schemaText(fromZod(z.unknown()))).toBe("unknown");
    expect(schemaText({ allOf: [{ type: "string" }, { format: "uri", type: "string" }] })).toBe(
      "string & string (uri)",
    );
    expect(schemaText({ $ref: "#/$defs/Account" })).toBe("Account");
    expect(schemaText({ type: "object" })).toBe("object");
    expect(schemaText(null)).toBe("unknown");
  });

  it("bounds the depth and the width of what it writes", () => {
    let deep: Record<string, unknown> = { type: "string" };
    for (let i = 0; i < 20; i += 1) deep = { type: "object", properties: { inner: deep }, required: ["inner"] };
    const text = schemaText(deep);
    expect(text).toContain("…");
    expect(text.split("\n").length).toBeLessThan(20);
    const wide = {
      type: "object",
      properties: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`p${i}`, { type: "string" }])),
    };
    const lines = schemaText(wide).split("\n");
    expect(lines).toContain("  // … 40 more");
    expect(lines.length).toBe(63);
  });
});
