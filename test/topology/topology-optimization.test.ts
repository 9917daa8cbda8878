// Ports of Kafka Streams' StreamsConfigTest cases of topology.optimization, for the two
// places Eddy reads it: the application's config (checked when it is loaded, as
// StreamsConfig checks it) and the StreamsBuilder (its TopologyConfig, or build(props)).
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/errors.js";
import { parseStreamsConfig } from "../../src/config/streams-config.js";
import { Serdes } from "../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../src/topology/dsl/streams-builder.js";
import { InvalidOperationError } from "../../src/topology/errors.js";
import { TopologyOptimization, optimizationsOf } from "../../src/topology/topology-optimization.js";

const { NO_OPTIMIZATION, OPTIMIZE, REUSE_KTABLE_SOURCE_TOPICS, MERGE_REPARTITION_TOPICS, SINGLE_STORE_SELF_JOIN } =
  TopologyOptimization;
const minimal = { applicationId: "app", bootstrapServers: "localhost:9092" };

function configIssue(topologyOptimization: string): string | undefined {
  try {
    parseStreamsConfig({ ...minimal, topologyOptimization });
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.find((issue) => issue.field === "topologyOptimization")?.message;
  }
}

/** A source table's store, materialized: whether the built topology restores it from its topic. */
function reusesSourceTopic(build: (builder: StreamsBuilder) => ReturnType<StreamsBuilder["build"]>, config = {}) {
  const builder = new StreamsBuilder(config);
  builder.table("topic", { key: Serdes.string(), value: Serdes.string(), store: "store" });
  return build(builder).stores.get("store")?.sourceChangelog === "topic";
}

describe("StreamsConfigTest: topology.optimization", () => {
  it("shouldSpecifyNoOptimizationWhenNotExplicitlyAddedToConfigs", () => {
    expect(parseStreamsConfig(minimal).topologyOptimization).toBe(NO_OPTIMIZATION);
  });

  it("shouldSpecifyOptimizationWhenExplicitlyAddedToConfigs", () => {
    expect(parseStreamsConfig({ ...minimal, topologyOptimization: "all" }).topologyOptimization).toBe(OPTIMIZE);
  });

  it("shouldThrowConfigExceptionWhenOptimizationConfigNotValueInRange", () => {
    expect(configIssue("maybe")).toMatch(/is not a valid optimization config/);
    expect(() => optimizationsOf("maybe")).toThrow(
      'Invalid value "maybe" for configuration topologyOptimization: Unrecognized config "maybe". Acceptable values are: "none", "all", or a comma separated list of specific optimizations: ("reuse.ktable.source.topics", "merge.repartition.topics", "single.store.self.join").',
    );
  });

  it.each([
    ["shouldThrowExceptionWhenTopologyOptimizationOnAndOff", `${OPTIMIZE},${NO_OPTIMIZATION}`],
    ["shouldThrowExceptionWhenTopologyOptimizationOffAndSet", `${NO_OPTIMIZATION},${REUSE_KTABLE_SOURCE_TOPICS}`],
  ])("%s", (_name, value) => {
    expect(configIssue(value)).toMatch(/is not a valid optimization config/);
    expect(() => optimizationsOf(value)).toThrow(InvalidOperationError);
    expect(() => optimizationsOf(value)).toThrow(`"${value}" is not a valid optimization config`);
  });

  it.each([
    [
      "shouldThrowExceptionWhenOptimizationDoesNotExistInList",
      `${REUSE_KTABLE_SOURCE_TOPICS},topology.optimization.does.not.exist,${MERGE_REPARTITION_TOPICS}`,
    ],
    ["shouldThrowExceptionWhenTopologyOptimizationDoesNotExist", "topology.optimization.does.not.exist"],
  ])("%s", (_name, value) => {
    expect(configIssue(value)).toMatch(/is not a valid optimization config/);
    expect(() => optimizationsOf(value)).toThrow('Unrecognized config "topology.optimization.does.not.exist".');
  });

  it("shouldEnableSelfJoin", () => {
    expect(parseStreamsConfig({ ...minimal, topologyOptimization: SINGLE_STORE_SELF_JOIN }).topologyOptimization).toBe(
      SINGLE_STORE_SELF_JOIN,
    );
    expect([...optimizationsOf(SINGLE_STORE_SELF_JOIN)]).toEqual([SINGLE_STORE_SELF_JOIN]);
  });

  it("shouldAllowMultipleOptimizations", () => {
    const value = `${SINGLE_STORE_SELF_JOIN}, ${REUSE_KTABLE_SOURCE_TOPICS} ,${MERGE_REPARTITION_TOPICS}`;
    expect(configIssue(value)).toBeUndefined();
    expect(new Set(optimizationsOf(value))).toEqual(
      new Set([SINGLE_STORE_SELF_JOIN, REUSE_KTABLE_SOURCE_TOPICS, MERGE_REPARTITION_TOPICS]),
    );
  });

  it("shouldEnableAllOptimizationsWithOptimizeConfig", () => {
    expect(new Set(optimizationsOf(OPTIMIZE))).toEqual(
      new Set([REUSE_KTABLE_SOURCE_TOPICS, MERGE_REPARTITION_TOPICS, SINGLE_STORE_SELF_JOIN]),
    );
  });

  it("shouldNotEnableAnyOptimizationsWithNoOptimizationConfig", () => {
    expect(optimizationsOf(NO_OPTIMIZATION).size).toBe(0);
  });
});

describe("where a StreamsBuilder takes topology.optimization", () => {
  it("applies none unless told: build() and build(props) without it", () => {
    expect(reusesSourceTopic((builder) => builder.build())).toBe(false);
    expect(reusesSourceTopic((builder) => builder.build({}))).toBe(false);
  });

  it("takes it from build(props), the application's config, Kafka Streams' key, or the TopologyConfig", () => {
    expect(reusesSourceTopic((builder) => builder.build({ topologyOptimization: OPTIMIZE }))).toBe(true);
    const config = parseStreamsConfig({ ...minimal, topologyOptimization: REUSE_KTABLE_SOURCE_TOPICS });
    expect(reusesSourceTopic((builder) => builder.build(config))).toBe(true);
    expect(reusesSourceTopic((builder) => builder.build({ "topology.optimization": OPTIMIZE }))).toBe(true);
    expect(reusesSourceTopic((builder) => builder.build(), { topologyOptimization: OPTIMIZE })).toBe(true);
    // build(props) names the optimizations, as Kafka Streams' build(props) does.
    expect(
      reusesSourceTopic((builder) => builder.build({ topologyOptimization: MERGE_REPARTITION_TOPICS }), {
        topologyOptimization: OPTIMIZE,
      }),
    ).toBe(false);
  });

  it("refuses a bad value where it is given, naming the field", () => {
    expect(() => new StreamsBuilder({ topologyOptimization: "everything" })).toThrow(
      /Invalid value "everything" for configuration topologyOptimization: Unrecognized config/,
    );
    expect(() => new StreamsBuilder().build({ "topology.optimization": "all,none" })).toThrow(
      /Invalid value "all,none" for configuration topology.optimization: "all,none" is not a valid optimization config/,
    );
    expect(() => new StreamsBuilder().build({ topologyOptimization: 3 as unknown as string })).toThrow(
      /Invalid value 3 for configuration topologyOptimization: it must be a string/,
    );
  });
});
