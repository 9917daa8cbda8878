// docker-compose.yml, checked structurally (no Docker engine runs here): Apache Kafka in
// KRaft mode on one node, and two demo instances whose configs, as the loader builds
// them from the compose environment, are valid, point at Kafka, and advertise distinct
// applicationServers that their containers publish.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseDemoArgs } from "../../examples/demo/demo-options.js";
import { EXAMPLES } from "../../examples/demo/examples.js";
import { loadStreamsConfig } from "../../src/config/config-loader.js";
import { DEFAULT_KAFKA_LINE, KAFKA_RELEASES } from "../support/apache-kafka/versions.js";

interface Service {
  image?: string;
  build?: unknown;
  hostname?: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

const root = new URL("../../", import.meta.url);
const compose = parse(await readFile(new URL("docker-compose.yml", root), "utf8"), { merge: true }) as {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
};
/** What the user sets before `docker compose up` (the file refuses to start without it). */
const API_TOKEN = "compose-test-token-0123456789";

/** Compose's variable interpolation, as much of it as the file uses: $$, ${NAME} and ${NAME:?message}. */
function interpolate(value: string, variables: Record<string, string>): string {
  return value.replace(/\$\$|\$\{([A-Z_]+)(:\?[^}]*)?\}/g, (match, name: string | undefined) =>
    name === undefined ? "$" : (variables[name] ?? ""),
  );
}
const configFile = (name: string) => new URL(`config/${name}`, root).pathname;

describe("docker-compose.yml", () => {
  it("passes docker-compose config (the Compose file schema, checked without an engine)", async () => {
    // Debian's docker-compose (.ci/run installs it); Docker's own `docker compose` plugin takes the same file.
    const { stdout } = await promisify(execFile)("docker-compose", ["-f", "docker-compose.yml", "config"], {
      cwd: root.pathname,
      env: { ...process.env, EDDY_API_TOKEN: API_TOKEN },
    }).catch((error: unknown) => {
      throw new Error(
        `docker-compose config failed (apt-get install docker-compose if it is missing): ${String(error)}`,
      );
    });
    const resolved = parse(stdout) as { services: Record<string, unknown> };
    expect(Object.keys(resolved.services).sort()).toEqual(["eddy-1", "eddy-2", "kafka"]);
  });

  it("refuses to start without EDDY_API_TOKEN: the published Eddy APIs need a token", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.EDDY_API_TOKEN;
    const failure = await promisify(execFile)("docker-compose", ["-f", "docker-compose.yml", "config"], {
      cwd: root.pathname,
      env,
    }).then(
      () => undefined,
      (error: unknown) => error as { stderr: string },
    );
    expect(failure?.stderr).toContain("set EDDY_API_TOKEN");
  });

  it("runs Apache Kafka's official image as one KRaft node, with a health check", () => {
    const kafka = compose.services.kafka;
    // The release `npm run test:kafka` runs on by default: the one the suites vouch for.
    expect(kafka?.image).toBe(`apache/kafka:${KAFKA_RELEASES[DEFAULT_KAFKA_LINE].version}`);
    const env = kafka?.environment ?? {};
    expect(env.KAFKA_PROCESS_ROLES?.split(",").sort()).toEqual(["broker", "controller"]);
    expect(env.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe(`${env.KAFKA_NODE_ID}@kafka:9093`);
    expect(env.KAFKA_ADVERTISED_LISTENERS).toContain("PLAINTEXT://kafka:9092");
    // Transactions (exactly-once) on one node need the transaction log to fit on it.
    expect(env.KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR).toBe("1");
    expect(env.KAFKA_TRANSACTION_STATE_LOG_MIN_ISR).toBe("1");
    expect(env.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR).toBe("1");
    expect(Object.keys(compose.services).some((name) => name.includes("zookeeper"))).toBe(false);
    expect(kafka?.healthcheck?.test.join(" ")).toContain("kafka-broker-api-versions.sh");
  });

  it("runs two demo instances on Kafka, each advertising its own host for every example", async () => {
    const instances = Object.entries(compose.services).filter(([name]) => name.startsWith("eddy-"));
    expect(instances.map(([name]) => name)).toEqual(["eddy-1", "eddy-2"]);
    const advertised = new Set<string>();
    for (const [name, service] of instances) {
      const env = Object.fromEntries(
        Object.entries(service.environment ?? {}).map(([key, value]) => [
          key,
          interpolate(value, { EDDY_API_TOKEN: API_TOKEN }),
        ]),
      );
      expect(env.EDDY_BOOTSTRAP_SERVERS).toBe("kafka:9092");
      expect(service.depends_on?.kafka?.condition).toBe("service_healthy");
      expect(service.hostname).toBe(name);
      expect(service.command?.slice(0, 3)).toEqual(["npm", "start", "--"]);
      const options = parseDemoArgs(service.command?.slice(3) ?? []);
      expect(options?.host).toBe("0.0.0.0");
      const published = new Map(
        (service.ports ?? []).map((mapping) => [Number(mapping.split(":")[1]), Number(mapping.split(":")[0])]),
      );
      expect(published.has(options?.port ?? -1)).toBe(true);

      for (const example of EXAMPLES) {
        const { config } = await loadStreamsConfig({
          files: [configFile("defaults.json"), configFile(`${example.name}.json`)],
          env,
          envPrefixes: ["EDDY_", example.envPrefix],
        });
        expect(config.bootstrapServers).toEqual(["kafka:9092"]);
        // Every API takes the user's token (the demo's web routes send it too), and the instances' peer token.
        expect(config.apiTokens).toEqual([{ name: "demo", token: API_TOKEN, scopes: ["admin"] }]);
        expect(config.apiPeerToken).toBe(`${API_TOKEN}.peer`);
        expect(env.EDDY_API_TOKEN).toBe(API_TOKEN);
        expect(config.processingGuarantee).toBe("exactly_once_v2");
        const [host, port] = (config.applicationServer ?? "").split(":");
        // Other instances reach this one by its host name, on a port its container publishes.
        expect(host).toBe(name);
        expect(published.has(Number(port))).toBe(true);
        advertised.add(config.applicationServer ?? "");
      }
    }
    expect(advertised.size).toBe(6);
    const image = compose.services["eddy-1"];
    expect(image?.build).toBe(".");
    expect(compose.services["eddy-2"]?.image).toBe(image?.image);
  });

  it("builds the image from the Dockerfile, which runs npm start", async () => {
    const dockerfile = await readFile(new URL("Dockerfile", root), "utf8");
    expect(dockerfile).toMatch(/^FROM node:20/m);
    expect(dockerfile).toMatch(/^RUN npm ci/m);
    expect(dockerfile).toMatch(/^CMD \["npm", "start"/m);
  });
});
