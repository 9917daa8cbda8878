// `eddy run <app module>`: runs an Eddy application in the foreground. Loads the module
// (see app-module.ts) and starts KafkaStreams, which serves the HTTP API (with the
// module's command endpoints) when applicationServer is set. Prints one line on stdout once started (scripts wait for it); logs go to
// stderr. SIGINT and SIGTERM close it cleanly (commit, leave the group) with exit code
// 0; an instance that fails (ERROR) exits with 1.
import { pino } from "pino";
import { ConfigError } from "../config/errors.js";
import type { StreamsConfig } from "../config/streams-config.js";
import { KafkaStreams } from "../app/kafka-streams.js";
import { StreamsState } from "../runtime/streams-state.js";
import { AppModuleError, loadApp } from "./app-module.js";
import { parseCommandLine, usageError } from "./command-line.js";
import type { Command } from "./commands.js";

const USAGE = `Usage: eddy run <app module> [options]

Runs an Eddy application. The module's default export (or its export "app") is a
Topology, a function (config) => Topology, or { topology, commands?, config? }
(commands: the HTTP command endpoints, e.g. [{ topic, schema, keyField }]; config:
defaults). The config is those defaults, then the --config file, then the flags below.
With applicationServer set, the HTTP API (queries, commands, topology, metrics) is
served there.

Options:
  --config <file>                   KafkaStreams config as JSON (applicationId, bootstrapServers, ...)
  --application-id <id>             overrides applicationId
  --bootstrap <host:port,...>       overrides bootstrapServers
  --application-server <host:port>  overrides applicationServer: serve the HTTP API there
  --api-listen-host <host>          overrides apiListenHost: the interface the API listens on
                                    (default: the host of applicationServer; 0.0.0.0 in containers)
  --state-dir <dir>                 overrides stateDir
  --log-level <level>               overrides logLevel (fatal, error, warn, info, debug, trace, silent)
  -h, --help                        show this help`;

const CLOSE_TIMEOUT_MS = 30_000;

async function run(args: string[]): Promise<number> {
  const parsed = parseCommandLine("run", USAGE, args, {
    config: { type: "string" },
    "application-id": { type: "string" },
    bootstrap: { type: "string" },
    "application-server": { type: "string" },
    "api-listen-host": { type: "string" },
    "state-dir": { type: "string" },
    "log-level": { type: "string" },
  });
  if (typeof parsed === "number") return parsed;
  const { values, positionals } = parsed;
  const [modulePath, ...extra] = positionals;
  if (modulePath === undefined || extra.length > 0) return usageError("run", USAGE, "expected one app module");
  const overrides: Partial<StreamsConfig> = {
    ...(values["application-id"] === undefined ? {} : { applicationId: values["application-id"] }),
    ...(values.bootstrap === undefined ? {} : { bootstrapServers: values.bootstrap }),
    ...(values["application-server"] === undefined ? {} : { applicationServer: values["application-server"] }),
    ...(values["api-listen-host"] === undefined ? {} : { apiListenHost: values["api-listen-host"] }),
    ...(values["state-dir"] === undefined ? {} : { stateDir: values["state-dir"] }),
    ...(values["log-level"] === undefined ? {} : { logLevel: values["log-level"] as StreamsConfig["logLevel"] }),
  };

  let app;
  try {
    app = await loadApp(modulePath, { configFile: values.config, overrides, requireConnection: true });
  } catch (error) {
    if (error instanceof ConfigError || error instanceof AppModuleError) {
      process.stderr.write(`eddy run: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const { topology, commands, config } = app;
  const logger = pino(
    { level: config.logLevel, base: { applicationId: config.applicationId } },
    pino.destination({ dest: 2, sync: true }),
  );
  const streams = new KafkaStreams(topology, config, { logger, api: { commands } });
  let failed: () => void = () => undefined;
  const failure = new Promise<void>((resolve) => (failed = resolve));
  streams.setStateListener((state) => {
    if (state === StreamsState.ERROR) failed();
  });
  try {
    await streams.start();
  } catch (error) {
    process.stderr.write(`eddy run: cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  // Where clients and other instances reach the API (it may listen on 0.0.0.0: apiListenHost).
  const api =
    streams.apiServer === undefined
      ? undefined
      : `http://${config.applicationServer ?? streams.apiServer.url.replace(/^http:\/\//, "")}`;
  process.stdout.write(`eddy run: ${config.applicationId} started${api === undefined ? "" : `, API at ${api}`}\n`);

  const signal = await new Promise<NodeJS.Signals | "error">((resolve) => {
    const stop = (received: NodeJS.Signals | "error") => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve(received);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    void failure.then(() => stop("error"));
  });
  logger.info({ signal }, "shutting down");
  const closed = await streams.close({ timeout: CLOSE_TIMEOUT_MS });
  if (signal === "error") {
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
