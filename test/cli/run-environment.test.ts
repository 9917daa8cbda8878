// `eddy run`, `eddy produce` and `npm start` read the same EDDY_* variables as
// loadStreamsConfig(): TLS settings from the environment are used (the broker here is
// reachable over TLS only), and a bad value stops the start, naming the field and the
// variable, instead of connecting in plaintext.
import { spawn } from "node:child_process";
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemo } from "../../examples/demo/demo.js";
import { ConfigError } from "../../src/index.js";
import { KafkaAdmin } from "../../src/kafka/admin-client.js";
import { createKafkaClient } from "../../src/kafka/client.js";
import { makeTestCertificates } from "../integration/support/certificates.js";
import type { TestCertificates } from "../integration/support/certificates.js";
import { eventually, silentLogger } from "../integration/support/kafka.js";
import { freePort } from "../integration/support/ports.js";
import { startTlsBroker } from "../integration/support/tls-proxy.js";
import type { TlsBroker } from "../integration/support/tls-proxy.js";

const exec = promisify(execFile);
const eddyBin = new URL("../../bin/eddy.js", import.meta.url).pathname;
const fixture = new URL("./fixtures/visits-app.ts", import.meta.url).pathname;

let certs: TestCertificates;
let tls: TlsBroker;
let dir: string;
/** The environment of a process that reaches the broker over mutual TLS. */
let tlsEnv: NodeJS.ProcessEnv;

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith("EDDY_")) env[name] = value;
  return { ...env, ...extra };
}

async function eddy(
  env: NodeJS.ProcessEnv,
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  try {
    // A client that cannot reach Kafka keeps retrying: stopped after a while.
    const { stdout, stderr } = await exec(process.execPath, [eddyBin, ...args], { env, timeout: 20_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number | null; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

beforeAll(async () => {
  certs = await makeTestCertificates();
  tls = await startTlsBroker({
    cert: await certs.read(certs.server.cert),
    key: await certs.read(certs.server.key),
    ca: await certs.read(certs.ca),
  });
  dir = await mkdtemp(join(tmpdir(), "eddy-run-env-"));
  tlsEnv = cleanEnv({
    EDDY_SSL: "true",
    EDDY_SSL_CA: certs.ca,
    EDDY_SSL_CERT: certs.client.cert,
    EDDY_SSL_KEY: certs.client.key,
  });
  const admin = new KafkaAdmin(
    createKafkaClient({
      clientId: "setup",
      brokers: [tls.bootstrap],
      ssl: { ca: certs.ca, cert: certs.client.cert, key: certs.client.key },
      logger: silentLogger,
    }),
    silentLogger,
  );
  await admin.connect();
  await admin.createTopics([{ name: "cli-visits", partitions: 2, replicationFactor: 1, configs: {} }]);
  await admin.close();
});

afterAll(async () => {
  await tls?.close();
  await certs?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe("eddy run and eddy produce with EDDY_* variables", () => {
  it("connect over TLS with the CA, certificate and key of EDDY_SSL_*", { timeout: 150_000 }, async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        eddyBin,
        "run",
        fixture,
        "--application-id",
        "env-tls",
        "--bootstrap",
        tls.bootstrap,
        "--state-dir",
        join(dir, "state"),
        "--application-server",
        `127.0.0.1:${port}`,
      ],
      { env: tlsEnv, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    try {
      await eventually(
        async () => (stdout.includes("started") ? true : undefined),
        60_000,
        "eddy run to start",
        () => (child.exitCode === null ? undefined : new Error(`eddy run exited with ${child.exitCode}: ${stderr}`)),
      );
      const produced = await eddy(
        tlsEnv,
        "produce",
        "cli-visits",
        "--key",
        "k",
        "--value",
        '"v"',
        "--bootstrap",
        tls.bootstrap,
      );
      expect(produced.code, produced.stderr).toBe(0);
      const count = await eventually(
        async () => {
          const response = await fetch(`http://127.0.0.1:${port}/stores/env-tls-counts/keys/k`);
          return response.status === 200 ? ((await response.json()) as { value: number }).value : undefined;
        },
        30_000,
        "the record counted",
      );
      expect(count).toBe(1);
      // The same produce without the variables cannot reach the broker, which speaks TLS only.
      const plaintext = await exec(
        process.execPath,
        [eddyBin, "produce", "cli-visits", "--key", "k", "--value", '"v"', "--bootstrap", tls.bootstrap],
        { env: cleanEnv({}), timeout: 8_000 },
      ).then(
        () => "produced",
        () => "failed",
      );
      expect(plaintext).toBe("failed");
    } finally {
      child.kill("SIGTERM");
      await exited;
    }
  });

  it("refuse a bad variable at start, naming the field and the variable", async () => {
    const args = ["run", fixture, "--application-id", "env-bad", "--bootstrap", tls.bootstrap];
    const mechanism = await eddy(cleanEnv({ EDDY_SASL_MECHANISM: "bogus", EDDY_SASL_USERNAME: "u" }), ...args);
    expect(mechanism.code).toBe(2);
    expect(mechanism.stderr).toMatch(
      /sasl\.mechanism: must be one of plain, scram-sha-256, scram-sha-512, oauthbearer \(from environment variable EDDY_SASL_MECHANISM\)/,
    );
    const flag = await eddy(cleanEnv({ EDDY_SSL: "maybe" }), ...args);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("(from environment variable EDDY_SSL)");
    const ca = await eddy(cleanEnv({ EDDY_SSL_CA: join(dir, "no-such-ca.pem") }), ...args);
    expect(ca.code).toBe(2);
    expect(ca.stderr).toMatch(
      /ssl\.ca: cannot read the file .*no-such-ca\.pem \(ENOENT\) \(from environment variable EDDY_SSL_CA\)/,
    );
    const produce = await eddy(
      cleanEnv({ EDDY_SASL_MECHANISM: "bogus" }),
      "produce",
      "cli-visits",
      "--key",
      "k",
      "--value",
      "1",
    );
    expect(produce.code).toBe(2);
    expect(produce.stderr).toContain("EDDY_SASL_MECHANISM");
  });

  it("npm start's demo refuses them too", async () => {
    const failure = await startDemo({
      instance: 1,
      port: 0,
      portShift: 0,
      host: "127.0.0.1",
      brokerPort: 0,
      apps: ["bank"],
      traffic: false,
      env: { EDDY_STATE_DIR: join(dir, "demo"), EDDY_SASL_MECHANISM: "bogus", EDDY_SASL_USERNAME: "u" },
      logger: silentLogger,
    }).then(
      async (demo) => {
        await demo.close();
        return undefined;
      },
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as Error).message).toContain("(from environment variable EDDY_SASL_MECHANISM)");
  });
});
