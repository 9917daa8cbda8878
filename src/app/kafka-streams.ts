// KafkaStreams, the class applications start: the runtime (src/runtime) plus the HTTP API
// it serves when `applicationServer` is set. This is the composition root of the layers:
// the runtime knows nothing of HTTP, the API only sees the runtime's QueryableStreams,
// and this class joins them through the runtime's startServices() hook.
import type { Logger } from "pino";
import type { ApiServerOptions, RunningApiServer } from "../api/api-server.js";
import type { StreamsConfig } from "../config/streams-config.js";
import { StreamsRuntime } from "../runtime/streams-runtime.js";
import type { InstanceService, StreamsRuntimeOptions } from "../runtime/streams-runtime.js";
import type { Topology } from "../topology/topology.js";

/**
 * The HTTP API KafkaStreams serves when `applicationServer` is set: command endpoints,
 * key parsers, the interface to listen on... (see ApiServerOptions). The topology, the
 * Kafka connection and the logger default to the instance's own.
 */
export type StreamsApiOptions = Partial<ApiServerOptions>;

export interface KafkaStreamsOptions extends StreamsRuntimeOptions {
  /**
   * The HTTP API served on `applicationServer` (when set): its options, or false to
   * serve none (an application that mounts the `eddyApi` plugin in its own server).
   */
  api?: StreamsApiOptions | false;
}

export class KafkaStreams extends StreamsRuntime {
  readonly #api: StreamsApiOptions | false;
  #apiServer: RunningApiServer | undefined;

  /** Validates the config at once: a bad field throws a ConfigError naming it. */
  constructor(topology: Topology, config: StreamsConfig, options: KafkaStreamsOptions = {}) {
    super(topology, config, options);
    this.#api = options.api ?? {};
  }

  /** The HTTP API this instance serves (see KafkaStreamsOptions.api), from start() until close(). */
  get apiServer(): RunningApiServer | undefined {
    const server = this.#apiServer;
    return server !== undefined && this.services.includes(server) ? server : undefined;
  }

  protected override async startServices(logger: Logger, register: (service: InstanceService) => void): Promise<void> {
    const options = this.#api;
    if (this.config.applicationServer === undefined || options === false) return;
    // Loaded here, so that applications without an API never load fastify.
    const { startApiServer } = await import("../api/api-server.js");
    const host = options.host ?? this.config.apiListenHost;
    // An ApiListenError (port taken, host not of this machine) fails start().
    const server = await startApiServer(this, {
      topology: this.topology,
      kafka: this.config,
      logger,
      ...options,
      ...(host === undefined ? {} : { host }),
    });
    this.#apiServer = server;
    register(server);
  }
}
