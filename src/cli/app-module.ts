// The contract of an app module for `eddy run` (and `eddy topology --app`): its default
// export (or a named export `app`) is one of
//
//   - a Topology;
//   - a function (config) => Topology | Promise<Topology>, given the resolved config;
//   - an EddyApp: { topology, commands?, config? }, where `topology` is either of the
//     above, `commands` lists the command endpoints of the HTTP API (schemas, key
//     fields) and `config` holds defaults for the KafkaStreams config.
//
// The config is the module's defaults, overridden by the --config JSON file, by the EDDY_*
// environment variables, then by command-line flags; it is validated by the runtime's
// schema, naming every bad field and where its value came from.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { CommandEndpoint } from "../api/command-registry.js";
import type { EddyApp, TopologyFactory } from "../api/eddy-app.js";
import { envLayers, readConfigFile, resolveStreamsConfig } from "../config/config-loader.js";
import type { ConfigLayer } from "../config/config-loader.js";
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
  options: {
    configFile: string | undefined;
    overrides: Partial<StreamsConfig>;
    requireConnection: boolean;
    /** The environment to read EDDY_* variables from; process.env by default. */
    env?: Readonly<Record<string, string | undefined>>;
  },
): Promise<LoadedApp> {
  const url = pathToFileURL(resolve(modulePath)).href;
  let module: Record<string, unknown>;
  try {
    module = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    const typescript =
      (error as { code?: unknown }).code === "ERR_UNKNOWN_FILE_EXTENSION" && /\.[mc]?tsx?$/.test(modulePath);
    throw new AppModuleError(
      typescript
        ? `cannot load the app module ${modulePath}: it is TypeScript, and no TypeScript loader is registered: add tsx to the project (npm install --save-dev tsx), or compile the module to JavaScript`
        : `cannot load the app module ${modulePath}: ${error instanceof Error ? error.message : String(error)}`,
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

  // The same layers as loadStreamsConfig() (and so `npm start`): the module's defaults,
  // the --config file, every EDDY_* variable, then the flags. A bad value names its field
  // and where it came from.
  const layers: ConfigLayer[] = [];
  if (!options.requireConnection)
    layers.push({ source: "placeholders for an offline topology", values: OFFLINE_DEFAULTS });
  if (app.config !== undefined) layers.push({ source: `the config of ${modulePath}`, values: app.config });
  if (options.configFile !== undefined) layers.push(await readConfigFile(options.configFile));
  layers.push(...envLayers(options.env ?? process.env));
  layers.push({ source: "command line", values: options.overrides });
  const { config } = resolveStreamsConfig(layers);
  const topology = isTopology(app.topology) ? app.topology : await app.topology(config);
  if (!isTopology(topology))
    throw new AppModuleError(`the topology factory of ${modulePath} did not return a Topology`);
  return { topology, commands: app.commands ?? [], config };
}
