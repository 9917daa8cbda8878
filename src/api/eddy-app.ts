// The contract of an application module, as `eddy run` loads it and as the API serves it:
// the module's default export (or a named export `app`) is a Topology, a function
// (config) => Topology, or an EddyApp that also lists the API's command endpoints and
// defaults for the KafkaStreams config. Kept here, below the CLI, so that applications
// type their modules with `eddy-streams/api` alone.
import type { ResolvedStreamsConfig, StreamsConfig } from "../config/streams-config.js";
import type { Topology } from "../topology/topology.js";
import type { CommandEndpoint } from "./command-registry.js";

export type TopologyFactory = (config: ResolvedStreamsConfig) => Topology | Promise<Topology>;

export interface EddyApp {
  readonly topology: Topology | TopologyFactory;
  readonly commands?: readonly CommandEndpoint[];
  readonly config?: Partial<StreamsConfig>;
}
