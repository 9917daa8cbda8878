// The contract of an app module for `eddy run` (and `eddy topology --app`): its default
// export (or a named export `app`) is one of
//
//   - a Topology;
//   - a function (config) => Topology | Promise<Topology>, given the resolved config;
//   - an EddyApp: { topology, commands?, config? }, where `topology` is either of the
//     above, `commands` lists the command endpoints of the HTTP API (schemas, key
//     fields) and `config` holds defaults for the KafkaStreams config.
//
// The config is the module's defaults, overridden by the --config JSON file, overridden
// by command-line flags; it is validated by the runtime's schema, naming every bad field.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { CommandEndpoint } from "../api/command-registry.js";
import type { EddyApp, TopologyFactory } from "../api/eddy-app.js";
import { parseStreamsConfig } from "../config/streams-config.js";
import type { ResolvedStreamsConfig, StreamsConfig } from "../config/streams-config.js";
import { Topology } from "../topology/topology.js";

export interface LoadedApp {
  readonly topology: Topology;
  readonly commands: readonly CommandEndpoint[];
  readonly config: ResolvedStreamsConfig;
}

export class AppModuleError extends Error {}

function isTopology(value: unknown): value is Topology {
  return (
    value instanceof Topology ||
    (typeof value === "object" &&
      value !== null &&
      "nodes" in value &&
      typeof (value as Topology).describe === "function")
  );
}

// Placeholders so that `eddy topology --app` can build a topology without a cluster.
const OFFLINE_DEFAULTS = { applicationId: "eddy-app", bootstrapServers: "127.0.0.1:9092" };

export async function loadApp(
  modulePath: string,
  options: { configFile: string | undefined; overrides: Partial<StreamsConfig>; requireConnection: boolean },
): Promise<LoadedApp> {
  const url = pathToFileURL(resolve(modulePath)).href;
  let module: Record<string, unknown>;
  try {
    module = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    throw new AppModuleError(
      `cannot load the app module ${modulePath}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  const exported = module.default ?? module.app;
  let app: EddyApp;
  if (isTopology(exported) || typeof exported === "function")
    app = { topology: exported as Topology | TopologyFactory };
  else if (typeof exported === "object" && exported !== null && "topology" in exported) app = exported as EddyApp;
  else {
    throw new AppModuleError(
      `${modulePath} must export (default, or as "app") a Topology, a function (config) => Topology, or { topology, commands?, config? }`,
    );
  }

  let fileConfig: Partial<StreamsConfig> = {};
  if (options.configFile !== undefined) {
    let text: string;
    try {
      text = await readFile(options.configFile, "utf8");
    } catch (error) {
      throw new AppModuleError(`cannot read the config file ${options.configFile}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    try {
      fileConfig = JSON.parse(text) as Partial<StreamsConfig>;
    } catch (error) {
      throw new AppModuleError(`the config file ${options.configFile} is not JSON: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  const merged = {
    ...(options.requireConnection ? {} : OFFLINE_DEFAULTS),
    ...app.config,
    ...fileConfig,
    ...options.overrides,
  };
  const config = parseStreamsConfig(merged);
  const topology = isTopology(app.topology) ? app.topology : await app.topology(config);
  if (!isTopology(topology))
    throw new AppModuleError(`the topology factory of ${modulePath} did not return a Topology`);
  return { topology, commands: app.commands ?? [], config };
}
