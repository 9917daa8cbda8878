// `npm run test:kafka` on a machine without Java, or without Maven: it fails at once, naming
// what is missing, before it starts anything (npm test and npm start never need either).
import { spawn } from "node:child_process";
import { chmod, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const dirs: string[] = [];

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** A PATH holding node, npm and sh (npm runs scripts with it), and the given other programs, nothing else. */
async function pathWith(programs: Record<string, string>): Promise<string> {
  const bin = await mkdtemp(join(tmpdir(), "eddy-path-"));
  dirs.push(bin);
  const npm = join(process.execPath, "..", "npm");
  for (const [name, target] of Object.entries({ node: process.execPath, npm, sh: "/bin/sh", ...programs }))
    await symlink(target, join(bin, name));
  return bin;
}

function testKafka(path: string): Promise<{ code: number | null; output: string }> {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env))
    if (!name.startsWith("EDDY_") && !name.startsWith("VITEST") && name !== "JAVA_HOME" && name !== "NODE_OPTIONS")
      env[name] = value;
  env.PATH = path;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(process.execPath, "..", "npm"), "run", "test:kafka"], {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, output }));
  });
}

describe("npm run test:kafka without its tools", () => {
  it("names a missing Java and runs no suite", async () => {
    const { code, output } = await testKafka(await pathWith({}));
    expect(code, output).not.toBe(0);
    expect(output).toContain("EDDY_ERR_TEST_JAVA_MISSING: Java was not found: no java on the PATH");
    expect(output).toContain("need Java 17 or newer");
    expect(output).not.toMatch(/Test Files .*passed/);
  });

  it("names a missing Maven when Java is there", async () => {
    // A java that answers -version as Java 17 does: this test itself needs no Java.
    const fake = join(await mkdtemp(join(tmpdir(), "eddy-java-")), "java");
    dirs.push(join(fake, ".."));
    await writeFile(fake, `#!/bin/sh\necho 'openjdk version "17.0.15" 2025-04-15' >&2\n`);
    await chmod(fake, 0o755);
    const { code, output } = await testKafka(await pathWith({ java: fake }));
    expect(code, output).not.toBe(0);
    expect(output).toContain("EDDY_ERR_TEST_MAVEN_MISSING: Maven was not found: no mvn on the PATH");
    expect(output).not.toMatch(/Test Files .*passed/);
  });
});
