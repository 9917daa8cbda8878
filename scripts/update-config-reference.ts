// `npm run docs:config`: writes the configuration reference (generated from the config's
// zod schema) into README.md between its markers.
import { readFile, writeFile } from "node:fs/promises";
import { withConfigReference } from "../src/config/config-reference.js";

const readme = new URL("../README.md", import.meta.url);
const before = await readFile(readme, "utf8");
const after = withConfigReference(before);
if (after === before) {
  process.stdout.write("README.md: the configuration reference is up to date\n");
} else {
  await writeFile(readme, after);
  process.stdout.write("README.md: configuration reference written\n");
}
