// The demo: the examples in one process, each its own KafkaStreams with its own Eddy API,
// the web routes in front of them, and (instance 1) the embedded broker and some traffic.
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Logger } from "pino";
import { loadStreamsConfig, parseStreamsConfig } from "eddy-streams";
import type { ResolvedStreamsConfig } from "eddy-streams";
import { startBroker } from "eddy-streams/broker";
import type { RunningBroker } from "eddy-streams/broker";
import { waitForBootstrap } from "../../src/kafka/bootstrap-probe.js";
import { KafkaIo } from "../shared/kafka-io.js";
import type { BannerInput } from "./banner.js";
import { DEFAULT_BROKER_PORT } from "./demo-options.js";
import type { DemoOptions } from "./demo-options.js";
import { sendDemoTraffic } from "./demo-traffic.js";
import { demoTokens } from "./demo-tokens.js";
import type { DemoTokens } from "./demo-tokens.js";
import { DEFAULTS_FILE, EXAMPLES } from "./examples.js";
import type { ExampleDefinition, ExampleName } from "./examples.js";
import { startExample } from "./running-example.js";
import type { RunningExample } from "./running-example.js";
import { startWebServer } from "./web-server.js";
import type { WebServer } from "./web-server.js";

export interface Demo {
  readonly banner: BannerInput;
  readonly examples: readonly RunningExample[];
  /** Resolves with the error of the first application that fails. */
  readonly failed: Promise<Error>;
  close(): Promise<void>;
}

export interface StartDemoOptions extends DemoOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger: Logger;
  /** Called once the applications run and before the traffic, e.g. to print progress. */
  readonly onProgress?: (message: string) => void;
  /** Aborts the start (Ctrl-C): waiting for a broker stops at once. */
  readonly signal?: AbortSignal;
}

const READY_TIMEOUT_MS = 60_000;

/** The examples' configs: defaults, the example's file, the environment, then what this instance changes. */
async function exampleConfigs(
  examples: readonly ExampleDefinition[],
  options: StartDemoOptions,
  bootstrap: string | undefined,
): Promise<{ configs: Map<ExampleName, ResolvedStreamsConfig>; tokens: DemoTokens }> {
  const configs = new Map<ExampleName, ResolvedStreamsConfig>();
  let tokens: DemoTokens | undefined;
  for (const example of examples) {
    const { config, sources } = await loadStreamsConfig({
      files: [fileURLToPath(DEFAULTS_FILE), fileURLToPath(example.configFile)],
      env: options.env,
      envPrefixes: ["EDDY_", example.envPrefix],
    });
    // One set of tokens for all the examples, kept beside their state.
    tokens ??= await demoTokens(options.env, config.stateDir);
    const fromEnvironment = (field: string) => sources.get(field)?.startsWith("environment") === true;
    let applicationServer = config.applicationServer;
    // The configured ports are instance 1's; other instances move them, unless the environment set them.
    if (applicationServer !== undefined && options.portShift !== 0 && !fromEnvironment("applicationServer")) {
      const [, host, port] = /^(.*):(\d+)$/.exec(applicationServer) ?? [];
      applicationServer = `${host}:${Number(port) + options.portShift}`;
    }
    configs.set(
      example.name,
      parseStreamsConfig({
        ...config,
        ...tokens.config,
        ...(bootstrap === undefined ? {} : { bootstrapServers: bootstrap }),
        ...(applicationServer === undefined ? {} : { applicationServer }),
        stateDir: join(config.stateDir, `instance-${options.instance}`),
      }),
    );
  }
  const owners = new Map<string, ExampleName>();
  for (const [name, config] of configs) {
    if (config.applicationServer === undefined)
      throw new Error(`${name} has no applicationServer: the demo serves every example's Eddy API`);
    const other = owners.get(config.applicationServer);
    if (other !== undefined) {
      throw new Error(
        `${other} and ${name} both have applicationServer ${config.applicationServer}: give each example its own, ` +
          `e.g. EDDY_${name.toUpperCase().replace(/-/g, "_")}_APPLICATION_SERVER`,
      );
    }
    owners.set(config.applicationServer, name);
  }
  if (tokens === undefined) throw new Error("the demo runs no example");
  return { configs, tokens };
}

async function waitUntilReady(examples: readonly RunningExample[]): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!examples.every((running) => running.streams.isReady())) {
    const failed = examples.find((running) => running.streams.state() === "ERROR");
    if (failed !== undefined)
      throw new Error(`${failed.example.name} failed: ${failed.streams.fatalError?.message ?? "unknown error"}`);
    if (Date.now() > deadline) {
      const waiting = examples.filter((running) => !running.streams.isReady()).map((running) => running.example.name);
      throw new Error(`${waiting.join(", ")} did not become ready within ${READY_TIMEOUT_MS / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function startDemo(options: StartDemoOptions): Promise<Demo> {
  const { logger } = options;
  const progress = options.onProgress ?? (() => undefined);
  const selected = EXAMPLES.filter((example) => options.apps.includes(example.name));
  const external = (options.env.EDDY_BOOTSTRAP_SERVERS ?? "") !== "";
  const opened: Array<{ close(): Promise<void> }> = [];
  const closeAll = async () => {
    // Last opened, first closed: the web server, the applications, the Kafka client, the broker.
    for (const resource of opened.splice(0).reverse()) {
      await resource.close().catch((error: unknown) => logger.warn({ err: error }, "closing failed"));
    }
  };

  try {
    let broker: RunningBroker | undefined;
    let bootstrap: string | undefined;
    if (!external) {
      if (options.instance === 1) {
        broker = await startEmbeddedBroker(options.brokerPort, logger);
        opened.push(broker);
        bootstrap = broker.bootstrap;
        progress(`embedded Kafka broker on ${bootstrap}`);
      } else {
        bootstrap = `127.0.0.1:${options.brokerPort}`;
      }
    }
    const { configs, tokens } = await exampleConfigs(selected, options, bootstrap);
    const first = configs.values().next().value as ResolvedStreamsConfig;
    // Instance 2 and later join instance 1's broker: one clear line while it is not there.
    await waitForBootstrap({
      servers: first.bootstrapServers,
      logger,
      hint:
        external || options.instance === 1
          ? "check that Kafka runs there (EDDY_BOOTSTRAP_SERVERS)"
          : `instance ${options.instance} joins instance 1's broker: start instance 1 first (\`npm start\` in another terminal${options.brokerPort === DEFAULT_BROKER_PORT ? "" : ` with --broker-port ${options.brokerPort}`}), or point EDDY_BOOTSTRAP_SERVERS at a running Kafka`,
      giveUpAfterMs: first.taskTimeoutMs,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    // The embedded broker keeps everything in memory: state left by an earlier run
    // belongs to a cluster that no longer exists.
    if (!external) for (const config of configs.values()) await rm(config.stateDir, { recursive: true, force: true });

    const kafka = new KafkaIo({
      bootstrapServers: first.bootstrapServers,
      clientId: `eddy-demo-${options.instance}`,
      logger,
      replicationFactor: first.replicationFactor,
      // The applications' own TLS and SASL settings (EDDY_SSL, EDDY_SASL_*, ...).
      ssl: first.ssl,
      ...(first.sasl === undefined ? {} : { sasl: first.sasl }),
    });
    opened.push(kafka);
    const created = await kafka.ensureTopics(selected.flatMap((example) => example.topics));
    if (created.length > 0) progress(`created ${created.length} topics`);

    const examples: RunningExample[] = [];
    for (const example of selected) {
      const config = configs.get(example.name) as ResolvedStreamsConfig;
      const running = await startExample(example, config, { listenHost: options.host, logger });
      opened.push(running);
      examples.push(running);
      progress(`${example.name} started, Eddy API at ${running.url}`);
    }
    const web: WebServer = await startWebServer(examples, {
      host: options.host,
      port: options.port,
      publisher: kafka,
      logger,
      token: tokens.client,
    });
    opened.push(web);

    await waitUntilReady(examples);
    const apis = new Map(examples.map((running) => [running.example.name, running.url] as const));
    if (options.traffic && options.instance === 1 && created.length > 0) {
      progress("sending demo traffic");
      await sendDemoTraffic({ web: web.url, apis, token: tokens.client }, logger);
    }
    return {
      banner: {
        instance: options.instance,
        broker: { bootstrap: first.bootstrapServers.join(","), embedded: !external },
        web: web.url,
        apis,
        brokerPort: options.brokerPort,
        token: tokens.shown,
      },
      examples,
      failed: Promise.race(examples.map((running) => running.failed)),
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

async function startEmbeddedBroker(port: number, logger: Logger): Promise<RunningBroker> {
  try {
    return await startBroker({ host: "127.0.0.1", port, logger: logger.child({ component: "broker" }) });
  } catch (error) {
    const cause = (error as Error).cause as NodeJS.ErrnoException | undefined;
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE" || cause?.code === "EADDRINUSE") {
      throw new Error(
        `Port ${port} is taken, so the embedded broker cannot start there. Another demo or a Kafka broker may be running: ` +
          `join it with \`npm start -- --instance 2\`, use it with EDDY_BOOTSTRAP_SERVERS=127.0.0.1:${port}, or pick another port with --broker-port.`,
        { cause: error },
      );
    }
    throw error;
  }
}
