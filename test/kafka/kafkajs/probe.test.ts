import { afterEach, describe, expect, it, vi } from "vitest";
import kafkajs from "kafkajs";
import { KafkaClientSettingError } from "../../../src/kafka/errors.js";
import {
  FAST_PATHS_VARIABLE,
  fastPathsAllowedByEnvironment,
  fastPathsOf,
  hookClient,
  probeKafkajs,
} from "../../../src/kafka/kafkajs/index.js";
import { kafkajsModules } from "../../../src/kafka/kafkajs/kafkajs-internals.js";
import { runProbe } from "../../../src/kafka/kafkajs/probe.js";

function bareClient(): InstanceType<typeof kafkajs.Kafka> {
  return new kafkajs.Kafka({ brokers: ["127.0.0.1:1"], logLevel: kafkajs.logLevel.NOTHING });
}

describe("the kafkajs probe", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("finds the pinned kafkajs 2.2.4 shaped as every fast path expects", () => {
    const probe = probeKafkajs();
    expect(probe.problems).toEqual([]);
    expect(probe).toMatchObject({ version: "2.2.4", pinnedVersion: "2.2.4", fastPaths: true, syncGroupCapture: true });
  });

  it("reads EDDY_KAFKAJS_FAST_PATHS as on or off, and refuses anything else naming the variable", () => {
    for (const on of [undefined, "", "on", "ON", "true", "yes", "1", " on "]) {
      expect(fastPathsAllowedByEnvironment({ [FAST_PATHS_VARIABLE]: on }), String(on)).toBe(true);
    }
    for (const off of ["off", "Off", "false", "no", "0"]) {
      expect(fastPathsAllowedByEnvironment({ [FAST_PATHS_VARIABLE]: off }), off).toBe(false);
    }
    expect(() => fastPathsAllowedByEnvironment({ [FAST_PATHS_VARIABLE]: "maybe" })).toThrow(KafkaClientSettingError);
    expect(() => fastPathsAllowedByEnvironment({ [FAST_PATHS_VARIABLE]: "maybe" })).toThrow(
      'EDDY_KAFKAJS_FAST_PATHS is "maybe": use on or off',
    );
  });

  it("turns every fast path of a client on together, or none of them, and says why", () => {
    vi.stubEnv(FAST_PATHS_VARIABLE, "on");
    const on = bareClient();
    expect(hookClient(on, true)).toEqual({ fastPaths: true, reason: undefined });
    expect(fastPathsOf(on)).toBe(true);

    const configuredOff = bareClient();
    expect(hookClient(configuredOff, false)).toEqual({
      fastPaths: false,
      reason: "off by configuration (kafkajsFastPaths: false)",
    });
    expect(fastPathsOf(configuredOff)).toBe(false);

    vi.stubEnv(FAST_PATHS_VARIABLE, "off");
    const environmentOff = bareClient();
    expect(hookClient(environmentOff, true)).toEqual({ fastPaths: false, reason: "off by EDDY_KAFKAJS_FAST_PATHS" });
    expect(fastPathsOf(environmentOff)).toBe(false);

    // A client Eddy did not make has none.
    expect(fastPathsOf(bareClient())).toBe(false);
  });
});

describe("the kafkajs probe on a kafkajs that moved", () => {
  const installed = kafkajsModules();
  if (installed instanceof Error) throw installed;

  it("turns the fast paths off for another version, naming it", () => {
    const probe = runProbe({ ...installed, version: "2.3.0" });
    expect(probe.fastPaths).toBe(false);
    expect(probe.problems).toEqual(["kafkajs is 2.3.0, not 2.2.4"]);
  });

  it("notices a grouping of sends that no longer goes through the messages' reduce()", () => {
    const probe = runProbe({
      ...installed,
      groupMessagesPerPartition: ({ messages, partitioner }) => {
        const groups: Record<number, unknown[]> = {};
        for (const message of [...messages] as Array<{ partition?: number }>) {
          (groups[partitioner({ message })] ??= []).push(message);
        }
        return groups;
      },
    });
    expect(probe.fastPaths).toBe(false);
    expect(probe.problems).toEqual(["kafkajs groups a send's messages per partition differently from 2.2.4"]);
  });

  it("notices request definitions, brokers and clusters without the shapes the fast paths use", () => {
    const noFetchV11 = runProbe({
      ...installed,
      fetchRequests: { versions: ["0"], protocol: () => () => ({}) as never },
    });
    expect(noFetchV11.problems).toEqual([
      expect.stringContaining("kafkajs' Fetch v11 request definitions are not shaped as in 2.2.4"),
    ]);
    class BareBroker {}
    const bareBroker = runProbe({ ...installed, Broker: BareBroker as never });
    expect(bareBroker.fastPaths).toBe(false);
    expect(bareBroker.syncGroupCapture).toBe(false);
    expect(bareBroker.problems).toContain("kafkajs' Broker has no syncGroup");
    const bareCluster = runProbe({ ...installed, clusterPrototype: {} });
    expect(bareCluster).toMatchObject({ fastPaths: false, syncGroupCapture: false });
  });

  it("turns everything off when a private module does not load", () => {
    const probe = runProbe(new Error("Cannot find module 'kafkajs/src/broker'"));
    expect(probe).toMatchObject({ version: "unknown", fastPaths: false, syncGroupCapture: false });
    expect(probe.problems[0]).toMatch(/did not load: Cannot find module/);
  });
});
