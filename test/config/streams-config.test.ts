import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/errors.js";
import { parseStreamsConfig } from "../../src/config/streams-config.js";

const minimal = { applicationId: "bank", bootstrapServers: "localhost:9092" };

function issuesOf(input: unknown): Record<string, string> {
  try {
    parseStreamsConfig(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return Object.fromEntries((error as ConfigError).issues.map((i) => [i.field, i.message]));
  }
  throw new Error("expected the config to be rejected");
}

describe("parseStreamsConfig", () => {
  it("fills Kafka Streams' defaults, with the commit interval following the guarantee", () => {
    const eos = parseStreamsConfig(minimal);
    expect(eos.processingGuarantee).toBe("exactly_once_v2");
    expect(eos.commitIntervalMs).toBe(100);
    const v1 = parseStreamsConfig({ ...minimal, processingGuarantee: "exactly_once" });
    expect([v1.processingGuarantee, v1.commitIntervalMs]).toEqual(["exactly_once", 100]);
    expect(eos.bootstrapServers).toEqual(["localhost:9092"]);
    expect(eos.clientId).toBe("bank");
    expect(eos.numStandbyReplicas).toBe(0);
    expect(eos.replicationFactor).toBe(-1);
    const alos = parseStreamsConfig({ ...minimal, processingGuarantee: "at_least_once" });
    expect(alos.commitIntervalMs).toBe(30_000);
    expect(parseStreamsConfig({ ...minimal, commitIntervalMs: 5 }).commitIntervalMs).toBe(5);
  });

  it("takes Kafka Streams' kinds of DSL store, rocksDB (LevelDB in Eddy) and in_memory, and nothing else", () => {
    expect(parseStreamsConfig(minimal).dslStoreSuppliers).toBeUndefined();
    const inMemory = parseStreamsConfig({ ...minimal, dslStoreSuppliers: "in_memory", defaultDslStore: "rocksDB" });
    expect([inMemory.dslStoreSuppliers, inMemory.defaultDslStore]).toEqual(["in_memory", "rocksDB"]);
    expect(issuesOf({ ...minimal, dslStoreSuppliers: "leveldb" })).toEqual({
      dslStoreSuppliers: "must be 'rocksDB' or 'in_memory'",
    });
  });

  it("accepts bootstrap servers as an array or a comma-separated string", () => {
    expect(parseStreamsConfig({ ...minimal, bootstrapServers: " a:1, b:2 ,[::1]:9092" }).bootstrapServers).toEqual([
      "a:1",
      "b:2",
      "[::1]:9092",
    ]);
    expect(parseStreamsConfig({ ...minimal, bootstrapServers: ["a:1", "b:2"] }).bootstrapServers).toEqual([
      "a:1",
      "b:2",
    ]);
  });

  it("names every bad field in one error", () => {
    const issues = issuesOf({
      bootstrapServers: ["a:1", "nope", "c:70000"],
      processingGuarantee: "exactly_twice",
      commitIntervalMs: -1,
      numStandbyReplicas: 1.5,
      applicationServer: "localhost",
      replicationFactor: 0,
      deserializationExceptionHandler: "ignore",
      logLevel: "loud",
      comitIntervalMs: 100,
    });
    expect(Object.keys(issues).sort()).toEqual(
      [
        "applicationId",
        "bootstrapServers[1]",
        "bootstrapServers[2]",
        "processingGuarantee",
        "commitIntervalMs",
        "numStandbyReplicas",
        "applicationServer",
        "replicationFactor",
        "deserializationExceptionHandler",
        "logLevel",
        "comitIntervalMs",
      ].sort(),
    );
    expect(issues.processingGuarantee).toMatch(/'exactly_once_v2', 'exactly_once' or 'at_least_once'/);
    expect(issues.comitIntervalMs).toMatch(/unknown field/);
  });

  it("rejects application ids that cannot prefix a topic name", () => {
    expect(Object.keys(issuesOf({ ...minimal, applicationId: "my app" }))).toEqual(["applicationId"]);
    expect(Object.keys(issuesOf({ ...minimal, applicationId: "" }))).toEqual(["applicationId"]);
  });

  it("rejects an empty server list and a heartbeat not below the session timeout", () => {
    expect(issuesOf({ ...minimal, bootstrapServers: " , " })).toHaveProperty("bootstrapServers");
    expect(issuesOf({ ...minimal, sessionTimeoutMs: 6000, heartbeatIntervalMs: 6000 })).toHaveProperty(
      "heartbeatIntervalMs",
    );
  });

  it("puts the field names in the message", () => {
    expect(() => parseStreamsConfig({ ...minimal, numStandbyReplicas: -1 })).toThrow(
      /numStandbyReplicas: must be >= 0/,
    );
    expect(() => parseStreamsConfig(null)).toThrow(ConfigError);
  });
});
