#!/usr/bin/env node
// Entry point of the `eddy` command. A published package runs the compiled CLI from
// dist/; a clone of the repository runs the TypeScript sources through tsx, resolving
// the package's own "development" export condition so that `import "eddy-streams"`
// (as the examples write it) reaches src/ instead of a dist/ that was never built.
import { existsSync } from "node:fs";
import { register } from "node:module";
import { fileURLToPath } from "node:url";

const compiled = new URL("../dist/cli/main.js", import.meta.url);
if (existsSync(fileURLToPath(compiled))) {
  await import(compiled.href);
} else {
  const { register: registerTsx } = await import("tsx/esm/api");
  registerTsx();
  register(new URL("./development-conditions.js", import.meta.url));
  await import(new URL("../src/cli/main.ts", import.meta.url).href);
}
