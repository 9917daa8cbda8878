// `eddy run <app module>`: runs an Eddy application in the foreground, as a supervisor
// (systemd, Kubernetes, a shell) expects: one line on stdout once started (scripts wait
// for it); logs on stderr (readable on a terminal, JSON otherwise); the first SIGINT or
// SIGTERM stops it, in any state, within --close-timeout (commit, leave the group) with
// exit code 0, a second one at once; an instance that fails (ERROR), or cannot start,
// exits with 1, so that the supervisor restarts it.
import { ConfigError } from "../config/errors.js";
import type { StreamsConfig } from "../config/streams-config.js";
import { KafkaStreams } from "../app/kafka-streams.js";
import { createLogger } from "../logging/logger.js";
import { StreamsState } from "../runtime/streams-state.js";
import { AppModuleError, loadApp } from "./app-module.js";
import { optionsHelp, parseCommandLine, usageError } from "./command-line.js";
import type { Command } from "./commands.js";
import { startFailureLine } from "./start-failure.js";
import { onStopSignal } from "./stop-signal.js";

const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;

const USAGE = `Usage: eddy run <app module> [options]

Runs an Eddy application. The module's default export (or its export "app") is a
Topology, a function (config) => Topology, or { topology, commands?, config? }
(commands: the HTTP command endpoints, e.g. [{ topic, schema, keyField }]; config:
defaults). The config is those defaults, then the --config file, then EDDY_* variables,
then the flags below. With applicationServer set, the HTTP API (queries, commands,
topology, metrics) is served there.

Options:
${optionsHelp([
  ["--config <file>", "KafkaStreams config as JSON (applicationId, bootstrapServers, ...)"],
  ["--application-id <id>", "overrides applicationId"],
  ["--bootstrap <host:port,...>", "overrides bootstrapServers"],
  ["--application-server <host:port>", "overrides applicationServer: serve the HTTP API there"],
  [
    "--api-listen-host <host>",
    "overrides apiListenHost: the interface the API listens on\n(default: the host of applicationServer; 0.0.0.0 in containers)",
  ],
  ["--state-dir <dir>", "overrides stateDir"],
  ["--log-level <level>", "overrides logLevel (fatal, error, warn, info, debug, trace, silent)"],
  [
    "--close-timeout <ms>",
    `how long a stop may take to commit and leave the group\nbefore the process exits anyway (default ${DEFAULT_CLOSE_TIMEOUT_MS})`,
  ],
  ["-h, --help", "show this help"],
])}

Logs go to stderr: readable lines on a terminal, JSON lines otherwise (EDDY_LOG_FORMAT=json
or pretty decides). Exit codes: 0 stopped, 1 failed or could not start, 2 bad arguments.`;

async function run(args: string[]): Promise<number> {
  const parsed = parseCommandLine("run", USAGE, args, {
    config: { type: "string" },
    "application-id": { type: "string" },
    bootstrap: { type: "string" },
    "application-server": { type: "string" },
    "api-listen-host": { type: "string" },
    "state-dir": { type: "string" },
    "log-level": { type: "string" },
    "close-timeout": { type: "string" },
  });
  if (typeof parsed === "number") return parsed;
  const { values, positionals } = parsed;
  const [modulePath, ...extra] = positionals;
  if (modulePath === undefined || extra.length > 0) return usageError("run", USAGE, "expected one app module");
  const closeTimeoutText = values["close-timeout"] ?? String(DEFAULT_CLOSE_TIMEOUT_MS);
  if (!/^\d{1,9}$/.test(closeTimeoutText)) {
    return usageError("run", USAGE, `--close-timeout must be a number of milliseconds, got "${closeTimeoutText}"`);
  }
  const closeTimeoutMs = Number(closeTimeoutText);
  const overrides: Partial<StreamsConfig> = {
    ...(values["application-id"] === undefined ? {} : { applicationId: values["application-id"] }),
    ...(values.bootstrap === undefined ? {} : { bootstrapServers: values.bootstrap }),
    ...(values["application-server"] === undefined ? {} : { applicationServer: values["application-server"] }),
    ...(values["api-listen-host"] === undefined ? {} : { apiListenHost: values["api-listen-host"] }),
    ...(values["state-dir"] === undefined ? {} : { stateDir: values["state-dir"] }),
    ...(values["log-level"] === undefined ? {} : { logLevel: values["log-level"] as StreamsConfig["logLevel"] }),
  };

  // Signals count from here on: a stop while the module loads or the instance starts.
  const stop = onStopSignal(() => process.stderr.write("eddy run: stopping at once\n"));
  let app;
  try {
    app = await loadApp(modulePath, {
      configFile: values.config,
      overrides,
      requireConnection: true,
      env: process.env,
    });
  } catch (error) {
    stop.dispose();
    if (error instanceof ConfigError || error instanceof AppModuleError) {
      process.stderr.write(`eddy run: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const { topology, commands, config } = app;
  const logger = createLogger({ level: config.logLevel, base: { applicationId: config.applicationId } });
  const servers = config.bootstrapServers.join(",");
  const streams = new KafkaStreams(topology, config, {
    logger,
    api: { commands },
    unreachableHint:
      `is a broker running there? For development, start one with \`npx eddy broker --port ${config.bootstrapServers[0]?.split(":").at(-1) ?? 9092}\`; ` +
      `otherwise point --bootstrap (or EDDY_BOOTSTRAP_SERVERS) at your cluster (now ${servers})`,
  });
  let failed: () => void = () => undefined;
  const failure = new Promise<"error">((resolve) => (failed = () => resolve("error")));
  streams.setStateListener((state) => {
    if (state === StreamsState.ERROR) failed();
  });

  const close = async (): Promise<boolean> => {
    const closed = await streams.close({ timeout: closeTimeoutMs });
    if (!closed) logger.warn({ closeTimeoutMs }, "the instance did not close in time; exiting anyway");
    return closed;
  };

  const starting = streams.start().then(
    () => "started" as const,
    (error: unknown) => ({ error }),
  );
  const first = await Promise.race([starting, stop.signal.then((signal) => ({ signal }))]);
  if (typeof first === "object" && "signal" in first) {
    logger.info({ signal: first.signal }, "stopping before the start finished");
    const closed = await close();
    stop.dispose();
    return closed ? 0 : 1;
  }
  if (first !== "started") {
    stop.dispose();
    process.stderr.write(`eddy run: ${startFailureLine(first.error)}\n`);
    return 1;
  }
  // Where clients and other instances reach the API (it may listen on 0.0.0.0: apiListenHost).
  const api =
    streams.apiServer === undefined
      ? undefined
      : `http://${config.applicationServer ?? streams.apiServer.url.replace(/^http:\/\//, "")}`;
  process.stdout.write(`eddy run: ${config.applicationId} started${api === undefined ? "" : `, API at ${api}`}\n`);

  const outcome = await Promise.race([stop.signal, failure]);
  logger.info({ signal: outcome }, "shutting down");
  const closed = await close();
  stop.dispose();
  if (outcome === "error") {
    process.stderr.write(`eddy run: the application failed: ${streams.fatalError?.message ?? "unknown error"}\n`);
    return 1;
  }
  return closed ? 0 : 1;
}

export const runCommand: Command = {
  name: "run",
  summary: "run an Eddy application module (and its HTTP API)",
  run,
};
