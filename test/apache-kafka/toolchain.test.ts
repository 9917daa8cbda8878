// The harness's checks that need no Java: which broker EDDY_TEST_KAFKA selects, Java's version
// as `java -version` prints it, the errors that name a missing Java or Maven, and the node
// config every test broker gets.
import { describe, expect, it } from "vitest";
import { JavaMissingError, MavenMissingError } from "../support/apache-kafka/errors.js";
import { randomClusterId } from "../support/apache-kafka/kafka-cluster.js";
import { serverProperties } from "../support/apache-kafka/server-properties.js";
import { findJava, findMaven, parseJavaVersion } from "../support/apache-kafka/toolchain.js";
import { KAFKA_RELEASES } from "../support/apache-kafka/versions.js";
import { kafkaSelection } from "../support/kafka-under-test/selection.js";

describe("EDDY_TEST_KAFKA", () => {
  it("selects the embedded broker by default, and Apache Kafka 3.9 or 4 by name", () => {
    expect(kafkaSelection({})).toEqual({ kind: "embedded" });
    expect(kafkaSelection({ EDDY_TEST_KAFKA: "embedded" })).toEqual({ kind: "embedded" });
    expect(kafkaSelection({ EDDY_TEST_KAFKA: "apache-3.9" })).toEqual({ kind: "apache", line: "3.9" });
    expect(kafkaSelection({ EDDY_TEST_KAFKA: "apache-4" })).toEqual({ kind: "apache", line: "4" });
    expect(kafkaSelection({ EDDY_TEST_KAFKA: "apache" })).toEqual({ kind: "apache", line: "4" });
  });

  it("names the choices when it names none of them", () => {
    expect(() => kafkaSelection({ EDDY_TEST_KAFKA: "apache-2.8" })).toThrow(
      /EDDY_ERR_TEST_KAFKA_SELECTION: EDDY_TEST_KAFKA=apache-2.8 is not one of embedded, apache-3.9, apache-4/,
    );
  });

  it("knows one 3.9.x and one 4.x release, each with the logging backend its distribution ships", () => {
    expect(KAFKA_RELEASES["3.9"].version).toMatch(/^3\.9\.\d+$/);
    expect(KAFKA_RELEASES["3.9"].logging).toBe("reload4j");
    expect(KAFKA_RELEASES["4"].version).toMatch(/^4\.\d+\.\d+$/);
    expect(KAFKA_RELEASES["4"].logging).toBe("log4j2");
  });
});

describe("the toolchain", () => {
  it("reads Java's feature version from `java -version`", () => {
    expect(parseJavaVersion('openjdk version "17.0.15" 2025-04-15')).toBe(17);
    expect(parseJavaVersion('java version "1.8.0_402"')).toBe(8);
    expect(parseJavaVersion('openjdk version "21" 2023-09-19')).toBe(21);
    expect(parseJavaVersion("no version here")).toBeUndefined();
  });

  it("names a missing Java and says what needs it", () => {
    const attempt = () => findJava({ ...process.env, JAVA_HOME: "/nonexistent/jdk" });
    expect(attempt).toThrow(JavaMissingError);
    expect(attempt).toThrow(/EDDY_ERR_TEST_JAVA_MISSING: Java was not found: no \/nonexistent\/jdk\/bin\/java/);
    expect(attempt).toThrow(/npm run test:kafka.*Java 17 or newer/);
  });

  it("names a missing Maven", () => {
    const attempt = () => findMaven({ ...process.env, PATH: "/nonexistent" });
    expect(attempt).toThrow(MavenMissingError);
    expect(attempt).toThrow(/EDDY_ERR_TEST_MAVEN_MISSING: Maven was not found: no mvn on the PATH/);
  });
});

describe("a node's server.properties", () => {
  const node = { id: 2, port: 40_002, controllerPort: 41_002 };
  const voters = [
    { id: 1, port: 40_001, controllerPort: 41_001 },
    node,
    { id: 3, port: 40_003, controllerPort: 41_003 },
  ];
  const parse = (text: string) =>
    new Map(
      text
        .trim()
        .split("\n")
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );

  it("runs broker and controller in one KRaft process on loopback, voting with every node", () => {
    const properties = parse(serverProperties({ node, voters, logDir: "/data/2" }));
    expect(properties.get("process.roles")).toBe("broker,controller");
    expect(properties.get("node.id")).toBe("2");
    expect(properties.get("controller.quorum.voters")).toBe("1@127.0.0.1:41001,2@127.0.0.1:41002,3@127.0.0.1:41003");
    expect(properties.get("listeners")).toBe("PLAINTEXT://127.0.0.1:40002,CONTROLLER://127.0.0.1:41002");
    expect(properties.get("advertised.listeners")).toBe("PLAINTEXT://127.0.0.1:40002");
    expect(properties.get("log.dirs")).toBe("/data/2");
  });

  it("replicates three times with two in sync on three nodes, once on one node (by default), and takes overrides", () => {
    const three = parse(serverProperties({ node, voters, logDir: "/d" }));
    expect(three.get("default.replication.factor")).toBe("3");
    expect(three.get("min.insync.replicas")).toBe("2");
    expect(three.get("transaction.state.log.min.isr")).toBe("2");
    expect(three.get("offsets.topic.replication.factor")).toBe("3");
    const one = parse(serverProperties({ node, voters: [node], logDir: "/d", overrides: { "num.partitions": 4 } }));
    // One node: Kafka's own defaults (1 and 1), left unset so that they describe as defaults.
    expect(one.get("default.replication.factor")).toBeUndefined();
    expect(one.get("min.insync.replicas")).toBeUndefined();
    expect(one.get("offsets.topic.replication.factor")).toBe("1");
    expect(one.get("num.partitions")).toBe("4");
  });

  it("gets a cluster id as kafka-storage random-uuid prints one", () => {
    for (let i = 0; i < 50; i += 1) expect(randomClusterId()).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  });
});
