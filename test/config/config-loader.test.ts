// The config loader: files, then environment variables (by prefix), then overrides, each
// overriding the one before; validated by the runtime's schema; every bad value named
// with the place it came from.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { envVarName } from "../../src/config/config-fields.js";
import { loadStreamsConfig } from "../../src/config/config-loader.js";
import { ConfigError } from "../../src/config/errors.js";

let dir: string;
const file = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "eddy-config-"));
  await writeFile(
    file("defaults.json"),
    JSON.stringify({
      bootstrapServers: "127.0.0.1:9092",
      logLevel: "warn",
      sessionTimeoutMs: 10_000,
      heartbeatIntervalMs: 1_000,
    }),
  );
  await writeFile(
    file("bank.json"),
    JSON.stringify({ applicationId: "bank", applicationServer: "127.0.0.1:8082", logLevel: "info" }),
  );
  await writeFile(file("typo.json"), JSON.stringify({ applicationId: "bank", bootstrapServer: "x:1" }));
  await writeFile(file("bad-port.json"), JSON.stringify({ applicationServer: "127.0.0.1:99999" }));
  await writeFile(file("not-json.json"), "{ applicationId: bank }");
  await writeFile(file("array.json"), "[]");
  await writeFile(file("sasl.json"), JSON.stringify({ sasl: { mechanism: "plain", username: "eddy" } }));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function configError(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe("loadStreamsConfig", () => {
  it("merges files in order, later files winning, and says where each value came from", async () => {
    const { config, sources } = await loadStreamsConfig({ files: [file("defaults.json"), file("bank.json")], env: {} });
    expect(config).toMatchObject({
      applicationId: "bank",
      bootstrapServers: ["127.0.0.1:9092"],
      applicationServer: "127.0.0.1:8082",
      logLevel: "info",
      sessionTimeoutMs: 10_000,
      processingGuarantee: "exactly_once_v2",
      commitIntervalMs: 100,
    });
    expect(sources.get("logLevel")).toBe(file("bank.json"));
    expect(sources.get("bootstrapServers")).toBe(file("defaults.json"));
    expect(sources.has("processingGuarantee")).toBe(false);
  });

  it("lets environment variables override files, typed as the schema wants, the app's prefix last", async () => {
    const { config, sources } = await loadStreamsConfig({
      files: [file("defaults.json"), file("bank.json")],
      env: {
        EDDY_BOOTSTRAP_SERVERS: "kafka-1:9092, kafka-2:9092",
        EDDY_APPLICATION_SERVER: "eddy-1:8080",
        EDDY_BANK_APPLICATION_SERVER: "eddy-1:8082",
        EDDY_NUM_STANDBY_REPLICAS: "1",
        EDDY_SSL: "true",
        EDDY_PROCESSING_GUARANTEE: "at_least_once",
        EDDY_STATE_DIR: "/var/lib/eddy",
        // Empty means unset, as compose files write VAR=.
        EDDY_LOG_LEVEL: "",
        EDDY_ORDERS_APPLICATION_ID: "not-for-the-bank",
      },
      envPrefixes: ["EDDY_", "EDDY_BANK_"],
    });
    expect(config).toMatchObject({
      applicationId: "bank",
      bootstrapServers: ["kafka-1:9092", "kafka-2:9092"],
      applicationServer: "eddy-1:8082",
      numStandbyReplicas: 1,
      ssl: { rejectUnauthorized: true },
      processingGuarantee: "at_least_once",
      commitIntervalMs: 30_000,
      stateDir: "/var/lib/eddy",
      logLevel: "info",
    });
    expect(sources.get("applicationServer")).toBe("environment variable EDDY_BANK_APPLICATION_SERVER");
    expect(sources.get("numStandbyReplicas")).toBe("environment variable EDDY_NUM_STANDBY_REPLICAS");
  });

  it("reads on and off as booleans: EDDY_KAFKAJS_FAST_PATHS=off turns the kafkajs fast paths off", async () => {
    const base = { EDDY_APPLICATION_ID: "bank", EDDY_BOOTSTRAP_SERVERS: "kafka-1:9092" };
    const defaults = await loadStreamsConfig({ env: base });
    expect(defaults.config.kafkajsFastPaths).toBe(true);
    const off = await loadStreamsConfig({ env: { ...base, EDDY_KAFKAJS_FAST_PATHS: "off" } });
    expect(off.config.kafkajsFastPaths).toBe(false);
    const on = await loadStreamsConfig({ env: { ...base, EDDY_KAFKAJS_FAST_PATHS: "ON" } });
    expect(on.config.kafkajsFastPaths).toBe(true);
    expect(off.sources.get("kafkajsFastPaths")).toBe("environment variable EDDY_KAFKAJS_FAST_PATHS");
    const error = await configError(loadStreamsConfig({ env: { ...base, EDDY_KAFKAJS_FAST_PATHS: "sometimes" } }));
    expect(error.message).toMatch(/kafkajsFastPaths: .*\(from environment variable EDDY_KAFKAJS_FAST_PATHS\)/);
  });

  it("lets overrides (command-line flags) beat the environment", async () => {
    const { config, sources } = await loadStreamsConfig({
      files: [file("defaults.json"), file("bank.json")],
      env: { EDDY_STATE_DIR: "/from/env" },
      overrides: { stateDir: "/from/flag" },
      overridesSource: "--state-dir",
    });
    expect(config.stateDir).toBe("/from/flag");
    expect(sources.get("stateDir")).toBe("--state-dir");
  });

  it("merges the sasl object field by field across layers", async () => {
    const { config } = await loadStreamsConfig({
      files: [file("defaults.json"), file("bank.json"), file("sasl.json")],
      env: { EDDY_SASL_PASSWORD: "secret" },
    });
    expect(config.sasl).toEqual({ mechanism: "plain", username: "eddy", password: "secret" });
  });

  it("names the environment variable of a bad value", async () => {
    const error = await configError(
      loadStreamsConfig({
        files: [file("defaults.json"), file("bank.json")],
        env: { EDDY_COMMIT_INTERVAL_MS: "soon", EDDY_BANK_APPLICATION_SERVER: "eddy-1", EDDY_SSL: "maybe" },
        envPrefixes: ["EDDY_", "EDDY_BANK_"],
      }),
    );
    const byField = new Map(error.issues.map((issue) => [issue.field, issue.message]));
    expect(byField.get("commitIntervalMs")).toMatch(
      /must be a number .*\(from environment variable EDDY_COMMIT_INTERVAL_MS\)/,
    );
    expect(byField.get("applicationServer")).toMatch(
      /host:port .*\(from environment variable EDDY_BANK_APPLICATION_SERVER\)/,
    );
    expect(byField.get("ssl")).toMatch(/\(from environment variable EDDY_SSL\)/);
    expect(error.message).toContain("EDDY_COMMIT_INTERVAL_MS");
  });

  it("names the file of a bad value and of an unknown field", async () => {
    const badPort = await configError(
      loadStreamsConfig({ files: [file("defaults.json"), file("bank.json"), file("bad-port.json")], env: {} }),
    );
    expect(badPort.issues).toEqual([
      { field: "applicationServer", message: expect.stringContaining(`(from ${file("bad-port.json")})`) as string },
    ]);

    const typo = await configError(loadStreamsConfig({ files: [file("typo.json")], env: {} }));
    const fields = typo.issues.map((issue) => issue.field);
    expect(fields).toContain("bootstrapServer");
    expect(typo.issues.find((issue) => issue.field === "bootstrapServer")?.message).toContain(file("typo.json"));
    // The missing bootstrapServers says how to set it.
    expect(typo.issues.find((issue) => issue.field === "bootstrapServers")?.message).toContain(
      "EDDY_BOOTSTRAP_SERVERS",
    );
  });

  it("says how to set a required field that nobody set", async () => {
    const error = await configError(loadStreamsConfig({ files: [file("defaults.json")], env: {} }));
    expect(error.issues).toEqual([
      { field: "applicationId", message: expect.stringContaining("EDDY_APPLICATION_ID") as string },
    ]);
  });

  it("refuses a missing file, a file that is not JSON, and one that is not an object", async () => {
    const missing = await configError(loadStreamsConfig({ files: [file("nope.json")], env: {} }));
    expect(missing.issues[0]?.field).toBe(`(file ${file("nope.json")})`);
    expect(missing.issues[0]?.message).toContain("cannot be read");
    const notJson = await configError(loadStreamsConfig({ files: [file("not-json.json")], env: {} }));
    expect(notJson.issues[0]?.message).toContain("is not valid JSON");
    const array = await configError(loadStreamsConfig({ files: [file("array.json")], env: {} }));
    expect(array.issues[0]?.message).toContain("JSON object");
  });

  it("loads every example's config file of the repository", async () => {
    const config = (name: string) => new URL(`../../config/${name}`, import.meta.url).pathname;
    const seen = new Set<string>();
    for (const example of ["url-visits", "bank", "orders"]) {
      const loaded = await loadStreamsConfig({ files: [config("defaults.json"), config(`${example}.json`)], env: {} });
      expect(loaded.config.applicationId).toBe(example);
      expect(loaded.config.processingGuarantee).toBe("exactly_once_v2");
      expect(seen.has(loaded.config.applicationServer ?? "")).toBe(false);
      seen.add(loaded.config.applicationServer ?? "");
    }
  });
});

describe("envVarName", () => {
  it("is EDDY_ and the field in upper snake case", () => {
    expect(envVarName("bootstrapServers")).toBe("EDDY_BOOTSTRAP_SERVERS");
    expect(envVarName("applicationServer", "EDDY_BANK_")).toBe("EDDY_BANK_APPLICATION_SERVER");
    expect(envVarName("sasl.username")).toBe("EDDY_SASL_USERNAME");
    expect(envVarName("numStandbyReplicas")).toBe("EDDY_NUM_STANDBY_REPLICAS");
  });
});
