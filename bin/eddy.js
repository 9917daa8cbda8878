#!/usr/bin/env node
// Entry point of the `eddy` command. Where tsx can be found (a clone of the repository,
// with its devDependencies) it runs the TypeScript sources, resolving the package's own
// "development" export condition so that `import "eddy-streams"` (as the examples write
// it) reaches src/: the same classes as an application module in TypeScript imports, even
// after `npm run build` wrote dist/. Elsewhere (a published package) it runs the compiled
// CLI from dist/.
import { existsSync } from "node:fs";
import { createRequire, register } from "node:module";
import { fileURLToPath } from "node:url";

const sources = new URL("../src/cli/main.ts", import.meta.url);
if (existsSync(fileURLToPath(sources)) && hasTsx()) {
  const { register: registerTsx } = await import("tsx/esm/api");
  registerTsx();
  register(new URL("./development-conditions.js", import.meta.url));
  await import(sources.href);
} else {
  await import(new URL("../dist/cli/main.js", import.meta.url).href);
}

function hasTsx() {
  try {
    createRequire(import.meta.url).resolve("tsx/esm/api");
    return true;
  } catch {
    return false;
  }
}
