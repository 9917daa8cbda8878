// The README's configuration reference is generated from the config's zod schema: it must
// be current (else run `npm run docs:config`), and every field must be described.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { configFields } from "../../src/config/config-fields.js";
import {
  FIELD_DESCRIPTIONS,
  REFERENCE_END,
  REFERENCE_START,
  documentedFields,
  renderConfigReference,
  withConfigReference,
} from "../../src/config/config-reference.js";

describe("the configuration reference", () => {
  it("in README.md is the one the schema generates (npm run docs:config rewrites it)", async () => {
    const readme = await readFile(new URL("../../README.md", import.meta.url), "utf8");
    expect(withConfigReference(readme), "README.md's configuration reference is stale: run npm run docs:config").toBe(
      readme,
    );
  });

  it("describes every field of the schema, and no field the schema lacks", () => {
    const paths = documentedFields().map((field) => field.path);
    expect(paths.filter((path) => FIELD_DESCRIPTIONS[path] === undefined)).toEqual([]);
    expect(Object.keys(FIELD_DESCRIPTIONS).filter((path) => !paths.includes(path))).toEqual([]);
    expect(configFields().map((field) => field.path)).toContain("applicationServer");
  });

  it("shows each field's variable, type and default as the schema has them", () => {
    const table = renderConfigReference();
    expect(table).toContain("| `applicationId` | `EDDY_APPLICATION_ID` | string | **required** |");
    expect(table).toContain(
      "| `processingGuarantee` | `EDDY_PROCESSING_GUARANTEE` | `exactly_once_v2` \\| `exactly_once` \\| `at_least_once` | `exactly_once_v2` |",
    );
    expect(table).toContain("| `sessionTimeoutMs` | `EDDY_SESSION_TIMEOUT_MS` | number | `45000` |");
    expect(table).toContain("| `stateDir` | `EDDY_STATE_DIR` | string | `<os tmpdir>/eddy-streams` |");
  });

  it("refuses a README without the markers", () => {
    expect(() => withConfigReference("# no reference here")).toThrow(REFERENCE_START);
    expect(withConfigReference(`a\n${REFERENCE_START}\nold\n${REFERENCE_END}\nb`)).toBe(
      `a\n${REFERENCE_START}\n${renderConfigReference()}\n${REFERENCE_END}\nb`,
    );
  });
});
