// The conformance suite's third-party clients, built or installed on first use into
// .cache/conformance/ (git-ignored): franz-go's scenarios compiled with `go build`, and a Python
// virtualenv with confluent-kafka 2.x and kafka-python from PyPI. Each is remade when its
// sources change (a hash of them names the build), so a run never uses a stale client.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const CACHE = join(ROOT, ".cache", "conformance");
const FRANZ_SOURCES = join(ROOT, "test", "conformance", "clients", "franz");
export const PYTHON_CLIENTS = join(ROOT, "test", "conformance", "clients", "python");

export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program to its end; a non-zero exit, a signal or the timeout rejects with its stderr. */
export function run(command: string, args: readonly string[], timeoutMs = 300_000, input = ""): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"], cwd: ROOT });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`${command} could not run: ${error.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`${command} ${args.join(" ")} exited with ${code ?? signal}\n${stderr.slice(-4000)}`));
    });
    child.stdin.end(input);
  });
}

/** The last line of stdout, parsed: each scenario prints its observations as one JSON object. */
export function observations(result: RunResult): Record<string, unknown> {
  const line = result.stdout.trim().split("\n").at(-1) ?? "";
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    throw new Error(
      `the scenario printed no JSON object: ${result.stdout.slice(-2000)}\n${result.stderr.slice(-2000)}`,
    );
  }
}

async function hashOf(dir: string, names: readonly string[]): Promise<string> {
  const hash = createHash("sha256");
  for (const name of [...names].sort()) hash.update(name).update(await readFile(join(dir, name)));
  return hash.digest("hex").slice(0, 16);
}

function requireTool(command: string, args: readonly string[], what: string): void {
  const probe = spawnSync(command, args, { encoding: "utf8" });
  if (probe.error !== undefined || probe.status !== 0)
    throw new Error(`the conformance suite needs ${what}: \`${command} ${args.join(" ")}\` failed`);
}

let franz: Promise<string> | undefined;

/** The franz-go conformance client (test/conformance/clients/franz), built once per source change. */
export function franzClient(): Promise<string> {
  franz ??= (async () => {
    const sources = (await readdir(FRANZ_SOURCES)).filter((name) => /\.(go|mod|sum)$/.test(name));
    const binary = join(CACHE, `franz-conformance-${await hashOf(FRANZ_SOURCES, sources)}`);
    if (existsSync(binary)) return binary;
    requireTool("go", ["version"], "Go (franz-go's scenarios are built with `go build`)");
    await mkdir(CACHE, { recursive: true });
    const build = spawnSync("go", ["build", "-o", binary, "."], { cwd: FRANZ_SOURCES, encoding: "utf8" });
    if (build.status !== 0) throw new Error(`go build of the franz-go conformance client failed:\n${build.stderr}`);
    return binary;
  })();
  return franz;
}

let venv: Promise<string> | undefined;

/** The Python of the suite's virtualenv, with requirements.txt installed from PyPI. */
export function pythonClients(): Promise<string> {
  venv ??= (async () => {
    const dir = join(CACHE, "venv");
    const python = join(dir, "bin", "python");
    const stamp = join(dir, "requirements.sha256");
    const wanted = await hashOf(PYTHON_CLIENTS, ["requirements.txt"]);
    if (existsSync(python) && existsSync(stamp) && (await readFile(stamp, "utf8")) === wanted) return python;
    requireTool("python3", ["-m", "venv", "--help"], "Python 3 with its venv module");
    await rm(dir, { recursive: true, force: true });
    await mkdir(CACHE, { recursive: true });
    await run("python3", ["-m", "venv", dir]);
    await run(python, ["-m", "pip", "install", "-q", "-r", join(PYTHON_CLIENTS, "requirements.txt")], 600_000);
    await writeFile(stamp, wanted);
    return python;
  })();
  return venv;
}
