// The layers of src/ and the one direction their imports may run (docs/ARCHITECTURE.md).
// Every relative import of every source file, static or dynamic, type-only or not, is
// checked against the table: a wrong-way import fails here with the file and the line.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve(import.meta.dirname, "../../src");
const ARCHITECTURE = resolve(import.meta.dirname, "../../docs/ARCHITECTURE.md");

/** Each layer and the layers it may import (besides itself). Listed bottom-up. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  errors: [],
  version: [],
  logging: [],
  bytes: ["errors"],
  serdes: ["errors"],
  config: ["errors"],
  stores: ["errors", "serdes"],
  "topology-core": ["errors", "serdes", "stores"],
  "topology-dsl": ["errors", "serdes", "stores", "topology-core"],
  engine: ["errors", "serdes", "stores", "topology-core"],
  kafka: ["errors", "bytes"],
  broker: ["errors", "bytes"],
  runtime: ["errors", "logging", "bytes", "serdes", "config", "stores", "topology-core", "engine", "kafka"],
  testing: ["errors", "serdes", "config", "stores", "topology-core", "engine"],
  api: ["errors", "version", "serdes", "config", "stores", "topology-core", "engine", "kafka", "runtime"],
  app: ["errors", "serdes", "config", "stores", "topology-core", "engine", "kafka", "runtime", "api"],
  cli: [
    "errors",
    "version",
    "logging",
    "bytes",
    "serdes",
    "config",
    "stores",
    "topology-core",
    "topology-dsl",
    "engine",
    "kafka",
    "broker",
    "runtime",
    "api",
    "app",
  ],
  index: [
    "errors",
    "version",
    "logging",
    "bytes",
    "serdes",
    "config",
    "stores",
    "topology-core",
    "topology-dsl",
    "engine",
    "kafka",
    "runtime",
    "api",
    "app",
  ],
};

/** The layer of a file under src/, from its path. */
function layerOf(file: string): string {
  const path = relative(SRC, file).split("\\").join("/").replace(/\.js$/, ".ts");
  if (path === "index.ts") return "index";
  if (path === "version.ts") return "version";
  if (path.startsWith("topology/dsl/")) return "topology-dsl";
  if (path.startsWith("topology/")) return "topology-core";
  const folder = path.split("/")[0]!;
  if (!(folder in MAY_IMPORT)) throw new Error(`src/${path} is in no layer: add its folder to MAY_IMPORT`);
  return folder;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

interface Import {
  readonly line: number;
  readonly specifier: string;
}

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)["']([^"']+)["']/g;

/** Static and dynamic imports, and require() calls (kafkajs' private modules are CommonJS). */
function importsOf(text: string): Import[] {
  const out: Import[] = [];
  for (const match of text.matchAll(IMPORT)) {
    out.push({ line: text.slice(0, match.index).split("\n").length, specifier: match[1]! });
  }
  return out;
}

/** The text with its comments blanked out (lines kept, so that line numbers still hold). */
function withoutComments(text: string): string {
  const blank = (comment: string) => comment.replace(/[^\n]/g, " ");
  return text
    .replace(/\/\*[\s\S]*?\*\//g, blank)
    .replace(/(^|[^:"'`\\])\/\/.*$/gm, (all, before: string) => before + blank(all.slice(before.length)));
}

const files = sourceFiles(SRC);

describe("the layers of src/", () => {
  it("import one way only", () => {
    const wrong: string[] = [];
    for (const file of files) {
      const from = layerOf(file);
      for (const { line, specifier } of importsOf(readFileSync(file, "utf8"))) {
        if (!specifier.startsWith(".")) continue;
        const target = resolve(dirname(file), specifier);
        if (!target.startsWith(SRC + "/")) {
          wrong.push(`src/${relative(SRC, file)}:${line} imports ${specifier}, outside src/`);
          continue;
        }
        const to = layerOf(target);
        if (to !== from && !MAY_IMPORT[from]!.includes(to)) {
          wrong.push(`src/${relative(SRC, file)}:${line} (${from}) imports ${specifier} (${to})`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it("keep kafkajs inside src/kafka/", () => {
    const wrong: string[] = [];
    for (const file of files) {
      const path = relative(SRC, file).split("\\").join("/");
      for (const { line, specifier } of importsOf(readFileSync(file, "utf8"))) {
        const kafkajs = specifier === "kafkajs" || specifier.startsWith("kafkajs/");
        if (kafkajs && !path.startsWith("kafka/")) wrong.push(`src/${path}:${line} imports ${specifier}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("keep kafkajs' private modules (kafkajs/src/...) inside the seam, src/kafka/kafkajs/", () => {
    // Any string naming a module under kafkajs/, however it is loaded (import, require,
    // a createRequire()'d function), outside comments.
    const wrong: string[] = [];
    for (const file of files) {
      const path = relative(SRC, file).split("\\").join("/");
      if (path.startsWith("kafka/kafkajs/")) continue;
      const code = withoutComments(readFileSync(file, "utf8"));
      for (const match of code.matchAll(/["'`](kafkajs\/[^"'`]*)["'`]/g)) {
        wrong.push(`src/${path}:${code.slice(0, match.index).split("\n").length} names ${match[1]}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("run one way inside src/kafka: wrappers -> the seam's index -> wire codecs -> bytes", () => {
    const wrong: string[] = [];
    for (const file of files) {
      const path = relative(SRC, file).split("\\").join("/");
      if (!path.startsWith("kafka/")) continue;
      const part = path.startsWith("kafka/kafkajs/") ? "seam" : path.startsWith("kafka/wire/") ? "wire" : "wrappers";
      for (const { line, specifier } of importsOf(readFileSync(file, "utf8"))) {
        if (!specifier.startsWith(".")) continue;
        const target = relative(SRC, resolve(dirname(file), specifier))
          .split("\\")
          .join("/");
        if (!target.startsWith("kafka/")) continue;
        const shared = target === "kafka/types.js" || target === "kafka/errors.js";
        const into = target.startsWith("kafka/kafkajs/")
          ? "seam"
          : target.startsWith("kafka/wire/")
            ? "wire"
            : "wrappers";
        const allowed =
          into === part ||
          shared ||
          (part === "wrappers" && (into === "wire" || target === "kafka/kafkajs/index.js")) ||
          (part === "seam" && into === "wire");
        if (!allowed) wrong.push(`src/${path}:${line} (${part}) imports ${specifier} (${into})`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("are the ones docs/ARCHITECTURE.md lists, with the same rules", () => {
    const doc = readFileSync(ARCHITECTURE, "utf8");
    const table = doc.slice(doc.indexOf("<!-- layers:start"), doc.indexOf("<!-- layers:end -->"));
    const documented: Record<string, string[]> = {};
    for (const row of table.split("\n").filter((line) => line.startsWith("| `"))) {
      const [layer = "", , mayImport = ""] = row
        .split("|")
        .slice(1)
        .map((cell) => cell.trim());
      documented[layer.replaceAll("`", "")] = [...mayImport.matchAll(/`([^`]+)`/g)].map((m) => m[1]!).sort();
    }
    const tested = Object.fromEntries(Object.entries(MAY_IMPORT).map(([layer, list]) => [layer, [...list].sort()]));
    expect(documented, "docs/ARCHITECTURE.md's layer table differs from MAY_IMPORT").toEqual(tested);
  });

  it("are all named in docs/ARCHITECTURE.md, folder by folder", () => {
    const doc = readFileSync(ARCHITECTURE, "utf8");
    const folders = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .flatMap((entry) => [join(dir, entry.name), ...folders(join(dir, entry.name))]);
    const missing = folders(SRC)
      .map((dir) => `src/${relative(SRC, dir).split("\\").join("/")}/`)
      .filter((folder) => !doc.includes(`\`${folder}\``));
    expect(missing, "add these folders to docs/ARCHITECTURE.md (the tree)").toEqual([]);
  });

  it("has a layer for every file", () => {
    expect(files.length).toBeGreaterThan(100);
    for (const file of files) expect(() => layerOf(file)).not.toThrow();
  });
});
