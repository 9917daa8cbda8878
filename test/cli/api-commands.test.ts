// The client commands (`eddy produce`, `query`, `command`, `topology`) against a running
// instance, and `eddy run` running an app module. Each command runs once as a real
// `eddy` process; the other cases run the same command in this process (spawning costs
// a second or two of TypeScript compilation each).
import { execFile, spawn } from "node:child_process";
import type { AddressInfo } from "node:net";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eddyHere } from "./support/eddy-here.js";
import type { Outcome } from "./support/eddy-here.js";
import { createTopic, eventually } from "../integration/support/kafka.js";
import {
  ACCOUNT_COMMANDS,
  VISIT_COUNTS,
  VISITS,
  getJson,
  settled,
  startApiTestCluster,
} from "../api/support/cluster.js";
import { freePort } from "../integration/support/ports.js";
import type { ApiTestCluster, Instance } from "../api/support/cluster.js";

const exec = promisify(execFile);
const eddyBin = new URL("../../bin/eddy.js", import.meta.url).pathname;
const fixture = new URL("./fixtures/visits-app.ts", import.meta.url).pathname;

async function eddy(...args: string[]): Promise<Outcome> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [eddyBin, ...args], {
      env: { ...process.env, EDDY_URL: "" },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

describe("eddy client commands against a running instance", () => {
  let env: ApiTestCluster;
  let a: Instance;

  beforeAll(async () => {
    env = await startApiTestCluster("cli");
    a = await env.start("a");
    await settled([a], 8);
  });

  afterAll(async () => {
    await env?.close();
  });

  it("prints usage for --help on every command, and exits 2 on bad arguments", async () => {
    for (const name of ["run", "produce", "command", "query", "topology"]) {
      const outcome = await eddyHere(name, "--help");
      expect(outcome.code).toBe(0);
      expect(outcome.stdout).toMatch(new RegExp(`^Usage: eddy ${name} `));
    }
    const noValue = await eddyHere("produce", VISITS, "--key", "k", "--bootstrap", env.bootstrap);
    expect(noValue).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("give either --value or --tombstone") as string,
    });
    const badJson = await eddyHere("command", ACCOUNT_COMMANDS, "{nope", "--url", a.url);
    expect(badJson).toMatchObject({ code: 2, stderr: expect.stringContaining("not JSON") as string });
    expect((await eddyHere("query")).code).toBe(2);
    expect((await eddyHere("query", "--bogus")).code).toBe(2);
  });

  it("produces records that the app counts, and queries them by key and by scan", async () => {
    const produced = await eddy(
      "produce",
      VISITS,
      "--key",
      "/cli",
      "--value",
      '"hit"',
      "--header",
      "source=cli",
      "--bootstrap",
      env.bootstrap,
    );
    expect(produced.code).toBe(0);
    expect(produced.stdout).toMatch(new RegExp(`^${VISITS}-\\d+@\\d+\\n$`));
    for (let i = 0; i < 2; i += 1) {
      expect(
        (await eddyHere("produce", VISITS, "--key", "/cli", "--value", '"hit"', "--bootstrap", env.bootstrap)).code,
      ).toBe(0);
    }
    await eventually(async () => {
      const { status, body } = await getJson(`${a.url}/stores/${VISIT_COUNTS}/keys/%2Fcli`);
      return status === 200 && (body as { value: number }).value === 3 ? true : undefined;
    });
    const value = await eddy("query", VISIT_COUNTS, "/cli", "--url", a.url);
    expect(value).toMatchObject({ code: 0, stdout: "3\n" });
    const full = await eddyHere("query", VISIT_COUNTS, "/cli", "--url", a.url, "--full");
    expect(JSON.parse(full.stdout)).toMatchObject({ store: VISIT_COUNTS, key: "/cli", value: 3, stale: false });
    const scan = await eddyHere("query", VISIT_COUNTS, "--url", a.url, "--all");
    expect(scan.stdout).toBe('{"key":"/cli","value":3}\n');
    const elsewhere = await eddyHere("query", "another-apps-store", "k", "--url", a.url);
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toContain(`no store "another-apps-store"`);
    expect(elsewhere.stderr).toContain(
      `${a.url} is one application's API: give --url the applicationServer of the application that has it`,
    );
    const missing = await eddyHere("query", VISIT_COUNTS, "/nobody", "--url", a.url);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("404");
  });

  it("sends commands and prints their replies, exiting 1 on a rejection", async () => {
    const opened = await eddy(
      "command",
      ACCOUNT_COMMANDS,
      '{"type":"open","owner":"Ada"}',
      "--key",
      "cli-1",
      "--url",
      a.url,
      "--idempotency-key",
      "o1",
    );
    expect(opened.code).toBe(0);
    expect(JSON.parse(opened.stdout)).toMatchObject({ status: "accepted", reply: { balance: 0 } });
    const again = await eddyHere(
      "command",
      ACCOUNT_COMMANDS,
      '{"type":"open","owner":"Ada"}',
      "--key",
      "cli-1",
      "--url",
      a.url,
    );
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout)).toMatchObject({ status: "rejected", error: { code: "ACCOUNT_EXISTS" } });
    const unreachable = await eddyHere(
      "command",
      ACCOUNT_COMMANDS,
      "{}",
      "--key",
      "x",
      "--url",
      `http://127.0.0.1:${await freePort()}`,
    );
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain("cannot reach the Eddy API");
  });

  it("prints the topology of the running app and of an app module", async () => {
    const running = await eddy("topology", "--url", a.url);
    expect(running).toMatchObject({ code: 0, stdout: env.topology.describe().toString() });
    const json = await eddyHere("topology", "--url", a.url, "--json");
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(JSON.stringify(env.topology.describe().toJSON())));
    const offline = await eddyHere("topology", "--app", fixture);
    expect(offline.code).toBe(0);
    expect(offline.stdout).toContain("Processor: KSTREAM-AGGREGATE-0000000001 (stores: [eddy-app-counts])");
  });

  it("says where the API is when --url points at a server that is not an Eddy API", async () => {
    // As the demo's web server (fastify's own 404) or anything else answering on that port.
    const web = Fastify();
    web.get("/", async () => "the examples' routes");
    await web.listen({ host: "127.0.0.1", port: 0 });
    try {
      const origin = `http://127.0.0.1:${(web.server.address() as AddressInfo).port}`;
      const wrong = await eddyHere("topology", "--url", origin);
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toBe(
        `eddy topology: ${origin} answered 404 and is not an Eddy API: give --url (or EDDY_URL) the applicationServer of an instance of the app (npm start serves url-visits on :8081, bank on :8082, orders on :8083; :8080 is the demo's web server)\n`,
      );
      // An Eddy API's own 404 (a store another app has) keeps its message.
      const missing = await eddyHere("query", "no-such-store", "k", "--url", a.url);
      expect(missing.stderr).toContain("404: ");
      expect(missing.stderr).not.toContain("is not an Eddy API");
    } finally {
      await web.close();
    }
  });
});

describe("eddy run", () => {
  let env: ApiTestCluster;
  let dir: string;

  beforeAll(async () => {
    env = await startApiTestCluster("cli-run-broker");
    await createTopic(env.cluster.kafka, "cli-visits", 2);
    dir = await mkdtemp(join(tmpdir(), "eddy-run-"));
  });

  afterAll(async () => {
    await env?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("runs an app module with its API until SIGTERM, then exits 0", async () => {
    const port = await freePort();
    const configFile = join(dir, "config.json");
    await writeFile(
      configFile,
      JSON.stringify({
        applicationId: "cli-run",
        bootstrapServers: env.bootstrap,
        stateDir: join(dir, "state"),
        sessionTimeoutMs: 3000,
        heartbeatIntervalMs: 300,
        logLevel: "warn",
      }),
    );
    const args = [
      "run",
      fixture,
      "--config",
      configFile,
      "--application-server",
      `127.0.0.1:${port}`,
      "--log-level",
      "info",
    ];
    const child = spawn(process.execPath, [eddyBin, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      await eventually(
        () => (stdout.includes("started") ? true : undefined),
        30_000,
        "eddy run to start",
        () => (child.exitCode === null ? undefined : new Error(`eddy run exited with ${child.exitCode}: ${stderr}`)),
      );
      expect(stdout).toBe(`eddy run: cli-run started, API at http://127.0.0.1:${port}\n`);
      const url = `http://127.0.0.1:${port}`;
      await eventually(
        async () => ((await getJson(`${url}/ready`)).status === 200 ? true : undefined),
        30_000,
        "the app to be ready",
      );
      const topology = await fetch(`${url}/topology`);
      expect(await topology.text()).toContain("(stores: [cli-run-counts])");
      const missing = await getJson(`${url}/stores/cli-run-counts/keys/none`);
      expect(missing).toMatchObject({ status: 404, body: { code: "EDDY_ERR_KEY_NOT_FOUND" } });
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    // Logs go to stderr, one JSON object a line, naming the application once.
    const logs = stderr.split("\n").filter((line) => line.startsWith("{"));
    expect(logs.some((line) => line.includes('"msg":"started"'))).toBe(true);
    for (const line of logs) expect(line.match(/"applicationId":/g) ?? []).toHaveLength(1);
  });

  it("fails fast with exit code 2 on a bad config, naming the field", async () => {
    const outcome = await eddyHere("run", fixture, "--bootstrap", "not a host");
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain("bootstrapServers");
  });
});
