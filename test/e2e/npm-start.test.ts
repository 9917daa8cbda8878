// `npm start` as a newcomer runs it: the demo comes up on the embedded broker (under
// EDDY_TEST_KAFKA=apache-*, on Apache Kafka through EDDY_BOOTSTRAP_SERVERS), every Eddy
// API answers /ready, every curl line it prints works as printed, `npm start -- --instance 2`
// joins it (tasks move, keys are answered from either instance), and Ctrl-C (SIGINT to the
// process group, as a terminal sends it) stops each with exit code 0 and no stack trace.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { eventually } from "../integration/support/kafka.js";
import { freePort, portIsFree } from "../integration/support/ports.js";
import { startKafkaUnderTest, testKafkaSelection } from "../support/kafka-under-test/kafka-under-test.js";
import type { KafkaUnderTest } from "../support/kafka-under-test/kafka-under-test.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const STARTUP_TIMEOUT_MS = 90_000;

let stateDir: string | undefined;
let apacheKafka: KafkaUnderTest | undefined;

afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined)
      process.kill(-child.pid, "SIGKILL");
  await apacheKafka?.close();
  if (stateDir !== undefined) await rm(stateDir, { recursive: true, force: true });
});

/** A web port with the three ports after it free too (the Eddy APIs take port+1..port+3). */
async function freePortRun(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const base = await freePort();
    if (base > 65_000) continue;
    const free = await Promise.all([1, 2, 3].map((offset) => portIsFree(base + offset)));
    if (free.every(Boolean)) return base;
  }
  throw new Error("no run of four free ports");
}

/** Splits a printed command line into words, honouring single quotes (all the banner uses). */
function words(line: string): string[] {
  const out: string[] = [];
  const pattern = /'([^']*)'|(\S+)/g;
  for (const match of line.matchAll(pattern)) out.push(match[1] ?? match[2] ?? "");
  return out;
}

interface Curl {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

function parseCurl(line: string): Curl {
  const [command, ...args] = words(line);
  expect(command).toBe("curl");
  const curl: Curl = { method: "GET", url: "", headers: {}, body: undefined };
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? "";
    if (arg === "-X") curl.method = args[++i] ?? "";
    else if (arg === "-H") {
      const [name, ...value] = (args[++i] ?? "").split(":");
      curl.headers[(name ?? "").trim()] = value.join(":").trim();
    } else if (arg === "-d") {
      curl.body = args[++i];
      if (curl.method === "GET") curl.method = "POST";
    } else if (arg === "-i") continue;
    else if (arg.startsWith("http")) curl.url = arg;
    else throw new Error(`the banner's curl line uses an option this test does not know: ${arg}`);
  }
  return curl;
}

interface NpmStart {
  stdout(): string;
  stderr(): string;
  /** Ctrl-C as a terminal sends it (SIGINT to the process group); resolves with the exit. */
  interrupt(): Promise<{ code: number | null; signal: NodeJS.Signals | null } | "timeout">;
}

const children: ChildProcess[] = [];

/** Runs `npm start -- <args>` in its own process group and waits for its banner. */
async function startNpm(args: string[], env: NodeJS.ProcessEnv): Promise<NpmStart> {
  const started = Date.now();
  const child = spawn("npm", ["start", "--", ...args], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  while (!stdout.includes("Ctrl-C stops everything")) {
    if (child.exitCode !== null)
      throw new Error(`npm start ${args.join(" ")} exited with ${child.exitCode}:\n${stdout}\n${stderr}`);
    if (Date.now() - started > STARTUP_TIMEOUT_MS)
      throw new Error(`npm start ${args.join(" ")} did not come up in time:\n${stdout}\n${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    interrupt: async () => {
      if (child.pid === undefined) throw new Error("npm start has no pid");
      process.kill(-child.pid, "SIGINT");
      return Promise.race([exited, new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 40_000))]);
    },
  };
}

function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  return eventually(check, timeoutMs, what);
}

describe("npm start", () => {
  it("comes up, answers /ready, its printed curl lines work, a second instance joins, and Ctrl-C exits 0", async () => {
    const port = await freePortRun();
    // Not one of the four ports after `port` (the web server and the three APIs), still free as they are.
    let brokerPort = await freePort();
    while (brokerPort >= port && brokerPort <= port + 3) brokerPort = await freePort();
    stateDir = await mkdtemp(join(tmpdir(), "eddy-npm-start-"));
    const env: NodeJS.ProcessEnv = {};
    for (const [name, value] of Object.entries(process.env)) if (!name.startsWith("EDDY_")) env[name] = value;
    env.EDDY_STATE_DIR = stateDir;
    // On Apache Kafka, as the README runs it: npm start with EDDY_BOOTSTRAP_SERVERS.
    if (testKafkaSelection().kind === "apache") {
      apacheKafka = await startKafkaUnderTest();
      env.EDDY_BOOTSTRAP_SERVERS = apacheKafka.bootstrap;
    }

    const first = await startNpm(["--port", String(port), "--broker-port", String(brokerPort)], env);
    const stdout = first.stdout();
    const apis = [...stdout.matchAll(/^ {2}(url-visits|bank|orders)\s+(http:\/\/\S+)/gm)].map(
      (match) => match[2] ?? "",
    );
    expect(apis).toEqual([
      `http://127.0.0.1:${port + 1}`,
      `http://127.0.0.1:${port + 2}`,
      `http://127.0.0.1:${port + 3}`,
    ]);
    expect(stdout).toContain(`http://127.0.0.1:${port}`);
    if (apacheKafka === undefined) expect(stdout).toContain("production runs on Apache Kafka");
    else expect(stdout).toMatch(new RegExp(`^ {2}Kafka +${apacheKafka.bootstrap}$`, "m"));
    for (const api of apis) {
      const ready = await fetch(`${api}/ready`);
      expect(ready.status, `${api}/ready`).toBe(200);
      // Everything but the probes and the public pages needs the token the banner prints.
      expect((await fetch(`${api}/stores`)).status, `${api}/stores without a token`).toBe(401);
    }
    const token = /^ {2}export EDDY_API_TOKEN=(\S+)$/m.exec(stdout)?.[1] ?? "";
    expect(token.length).toBeGreaterThanOrEqual(16);
    const authorization = { authorization: `Bearer ${token}` };

    const lines = stdout
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line.startsWith("curl "));
    expect(lines.length).toBeGreaterThanOrEqual(10);
    for (const line of lines) {
      const curl = parseCurl(line);
      const response = await fetch(curl.url, {
        method: curl.method,
        headers: curl.headers,
        redirect: "manual",
        ...(curl.body === undefined ? {} : { body: curl.body }),
        signal: AbortSignal.timeout(20_000),
      });
      const body = await response.text();
      // The one refused command is printed to show a refusal: a 409 with its reason.
      if (line.includes('"amountCents":1000000')) {
        expect(response.status, `${line}\n${body}`).toBe(409);
        expect(body).toContain("INSUFFICIENT_FUNDS");
        continue;
      }
      expect(response.status, `${line}\n${body}`).toBeLessThan(400);
      if (line.includes("/r/kstreams"))
        expect(response.headers.get("location")).toBe("https://kafka.apache.org/documentation/streams/");
      // The demo traffic's three visits are counted before the banner; the redirect just above may not be yet.
      if (line.includes("visit-counts/keys/kstreams"))
        expect((JSON.parse(body) as { value: number }).value).toBeGreaterThanOrEqual(3);
    }

    // The second instance, with the one documented command (moved to free ports): it joins
    // instance 1's broker and groups, takes tasks, and answers for keys it does not own.
    const port2 = await freePortRun();
    const second = await startNpm(
      ["--instance", "2", "--port", String(port2), "--broker-port", String(brokerPort)],
      env,
    );
    expect(second.stdout()).toContain("Eddy demo, instance 2: running.");
    // The second instance shares the first one's tokens (kept beside the state).
    expect(second.stdout()).toContain(`export EDDY_API_TOKEN=${token}`);
    const bank2 = `http://127.0.0.1:${port2 + 2}`;
    const hosts = await waitFor("two bank instances, both ready", async () => {
      const metadata = (await (await fetch(`${bank2}/metadata`, { headers: authorization })).json()) as {
        ready: boolean;
        instances: Array<{ host: string; active: string[] }>;
      };
      const ready = (await fetch(`${apis[1]}/ready`)).status === 200 && metadata.ready;
      return ready &&
        metadata.instances.length === 2 &&
        metadata.instances.every((instance) => instance.active.length > 0)
        ? metadata.instances.map((i) => i.host)
        : undefined;
    });
    expect(hosts.sort()).toEqual([`127.0.0.1:${port + 2}`, `127.0.0.1:${port2 + 2}`].sort());
    const owners = new Set<string>();
    for (const id of ["acc-1", "acc-2", "acc-3"]) {
      const answer = await waitFor(`${id} at instance 2`, async () => {
        const response = await fetch(`${bank2}/stores/accounts/keys/${id}`, { headers: authorization });
        return response.status === 200 ? response : undefined;
      });
      owners.add(answer.headers.get("x-eddy-served-by") ?? "");
      expect(((await answer.json()) as { value: { accountId: string } }).value.accountId).toBe(id);
    }
    expect([...owners].every((owner) => hosts.includes(owner))).toBe(true);

    for (const instance of [second, first]) {
      const exit = await instance.interrupt();
      expect(exit, instance.stderr()).toEqual({ code: 0, signal: null });
      expect(instance.stdout()).toContain("eddy demo: stopped");
      expect(instance.stderr()).not.toMatch(/^\s+at /m);
    }
  });
});
