// docs/errors.md lists every error code of src/ with the HTTP status the API answers it with:
// a code added without a row, a row for a code that is gone, or a status that differs from
// the API's table fails here.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { COMMAND_REPLY_HTTP_STATUS } from "../../src/api/command-routes.js";
import { ApiErrorCodes } from "../../src/api/errors.js";
import { IDEMPOTENCY_KEY_REUSED_CODE, INVALID_COMMAND_CODE } from "../../src/topology/command-handling.js";

const ROOT = resolve(import.meta.dirname, "../..");
const SRC = join(ROOT, "src");
const REFERENCE = join(ROOT, "docs/errors.md");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** Every code src/ uses, with the first file that does. */
function codesInSource(): Map<string, string> {
  const codes = new Map<string, string>();
  for (const file of sourceFiles(SRC)) {
    for (const match of readFileSync(file, "utf8").matchAll(/["'`](EDDY_ERR_[A-Z0-9_]+)["'`]/g)) {
      if (!codes.has(match[1]!)) codes.set(match[1]!, relative(ROOT, file));
    }
  }
  return codes;
}

interface Row {
  readonly code: string;
  readonly http: string;
  readonly line: number;
}

function rows(): Row[] {
  const out: Row[] = [];
  readFileSync(REFERENCE, "utf8")
    .split("\n")
    .forEach((text, index) => {
      const match = /^\| `(EDDY_ERR_[A-Z0-9_]+)` \| ([^|]+) \|/.exec(text);
      if (match) out.push({ code: match[1]!, http: match[2]!.trim(), line: index + 1 });
    });
  return out;
}

/** The status the API answers a code with, or undefined when the code does not travel over HTTP as such. */
function httpStatus(code: string): number | undefined {
  if (code in ApiErrorCodes) return ApiErrorCodes[code as keyof typeof ApiErrorCodes].status;
  if (code === INVALID_COMMAND_CODE || code === IDEMPOTENCY_KEY_REUSED_CODE) return COMMAND_REPLY_HTTP_STATUS.invalid;
  if (code === "EDDY_ERR_COMMAND_REJECTED") return COMMAND_REPLY_HTTP_STATUS.rejected;
  return undefined;
}

describe("docs/errors.md", () => {
  const documented = rows();
  const inSource = codesInSource();

  it("has a row for every EDDY_ERR_* code of src/", () => {
    const missing = [...inSource].filter(([code]) => !documented.some((row) => row.code === code));
    expect(
      missing.map(([code, file]) => `${code} (${file})`),
      "add a row to docs/errors.md for each",
    ).toEqual([]);
    expect(inSource.size).toBeGreaterThan(50);
  });

  it("has one row per code, and none for a code src/ no longer has", () => {
    const seen = new Set<string>();
    const duplicates = documented.filter((row) => seen.has(row.code) || !seen.add(row.code));
    expect(duplicates.map((row) => `${row.code} (line ${row.line})`)).toEqual([]);
    expect(documented.filter((row) => !inSource.has(row.code)).map((row) => `${row.code} (line ${row.line})`)).toEqual(
      [],
    );
  });

  it("gives each code the HTTP status the API answers it with, and none to the others", () => {
    const wrong = documented
      .filter((row) => row.http !== String(httpStatus(row.code) ?? "—"))
      .map((row) => `${row.code}: ${row.http}, the API says ${httpStatus(row.code) ?? "—"}`);
    expect(wrong).toEqual([]);
    for (const code of Object.keys(ApiErrorCodes)) expect(documented.map((row) => row.code)).toContain(code);
  });
});
