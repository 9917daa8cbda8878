// Default serdes, as Kafka Streams' default.key.serde / default.value.serde: a topology
// may leave serdes out; the configuration (or the TopologyTestDriver's options) fills
// them, and a serde neither gives is the MissingSerdeError naming where to give it.
import { afterEach, describe, expect, it } from "vitest";
import { SERDE_NAMES as CONFIG_SERDE_NAMES, parseStreamsConfig } from "../../src/config/streams-config.js";
import { resolveStreamsConfig } from "../../src/config/config-loader.js";
import { KafkaStreams } from "../../src/index.js";
import { Serdes, SERDE_NAMES, serdeFromSetting } from "../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../src/topology/dsl/streams-builder.js";
import { InvalidTopologyError, MissingSerdeError } from "../../src/topology/errors.js";
import { TopologyTestDriver } from "../../src/testing/topology-test-driver.js";

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

function wordCounts() {
  const builder = new StreamsBuilder();
  builder
    .stream<string, string>("lines")
    .flatMapValues((line) => line.split(" "))
    .groupBy((_key, word) => word)
    .count({ store: "counts" })
    .toStream()
    .to("counts-out", { value: Serdes.long() });
  builder
    .table<string, string>("users", { store: "users" })
    .groupBy((id, name) => ({ key: name, value: id }))
    .count();
  return builder.build();
}

describe("default serdes", () => {
  it("fill every serde the topology leaves out, repartition topics and stores included", async () => {
    driver = new TopologyTestDriver(wordCounts(), { defaultKeySerde: Serdes.string(), defaultValueSerde: "string" });
    const lines = driver.createInputTopic("lines", Serdes.string(), Serdes.string());
    const out = driver.createOutputTopic("counts-out", Serdes.string(), Serdes.long());
    await lines.pipeInput("l1", "a b a");
    expect(out.readKeyValuesToList()).toEqual([
      { key: "a", value: 1 },
      { key: "b", value: 1 },
      { key: "a", value: 2 },
    ]);
    expect(await driver.getKeyValueStore<string, number>("counts").get("a")).toBe(2);
    const users = driver.createInputTopic("users", Serdes.string(), Serdes.string());
    await users.pipeInput("u1", "ada");
    expect(await driver.getKeyValueStore<string, string>("users").get("u1")).toBe("ada");
  });

  it("are asked for, naming each gap, when neither the topology nor the defaults give a serde", () => {
    const topology = wordCounts();
    expect(() => new TopologyTestDriver(topology)).toThrow(InvalidTopologyError);
    try {
      new TopologyTestDriver(topology, { defaultValueSerde: Serdes.string() });
    } catch (error) {
      const problems = (error as InvalidTopologyError).problems;
      expect(problems.every((problem) => problem instanceof MissingSerdeError)).toBe(true);
      expect(problems.every((problem) => (problem as MissingSerdeError).part === "key")).toBe(true);
      expect(problems[0]?.message).toMatch(
        /Source KSTREAM-SOURCE-0000000000 \(topics: \[lines\]\) has no key serde: .*or set defaultKeySerde in the configuration/,
      );
    }
  });

  it("come from the KafkaStreams config, by name or as serde objects, and from EDDY_* variables", () => {
    const streams = new KafkaStreams(wordCounts(), {
      applicationId: "defaults",
      bootstrapServers: "127.0.0.1:9",
      defaultKeySerde: "string",
      defaultValueSerde: Serdes.string(),
    });
    expect(streams.topology.stores.get("counts")?.keySerde).toBe(Serdes.string());
    expect(
      () => new KafkaStreams(wordCounts(), { applicationId: "defaults", bootstrapServers: "127.0.0.1:9" }),
    ).toThrow(InvalidTopologyError);
    const loaded = resolveStreamsConfig([
      {
        source: "environment",
        values: { applicationId: "a", bootstrapServers: "127.0.0.1:9", defaultKeySerde: "long" },
      },
    ]);
    expect(loaded.config.defaultKeySerde).toBe("long");
    expect(() => parseStreamsConfig({ applicationId: "a", bootstrapServers: "h:1", defaultKeySerde: "avro" })).toThrow(
      /defaultKeySerde: must be a serde .* or one of string, json/,
    );
  });

  it("name every built-in serde, and only those", () => {
    expect([...CONFIG_SERDE_NAMES]).toEqual([...SERDE_NAMES]);
    for (const name of SERDE_NAMES) expect(serdeFromSetting(name)?.name).toBe(name);
  });
});
