// One example application running: its KafkaStreams, which serves the example's Eddy API
// (with its command endpoints) on its applicationServer.
import type { Logger } from "pino";
import { KafkaStreams, StreamsState, Topology } from "eddy-streams";
import type { ResolvedStreamsConfig } from "eddy-streams";
import type { RunningApiServer } from "eddy-streams/api";
import type { ExampleDefinition } from "./examples.js";

export interface RunningExample {
  readonly example: ExampleDefinition;
  readonly streams: KafkaStreams;
  readonly api: RunningApiServer;
  /** http://<applicationServer>: where other instances and clients reach this API. */
  readonly url: string;
  /** Resolves with the error if the application fails (state ERROR). */
  readonly failed: Promise<Error>;
  close(): Promise<void>;
}

const CLOSE_TIMEOUT_MS = 30_000;

export async function startExample(
  example: ExampleDefinition,
  config: ResolvedStreamsConfig,
  options: { listenHost: string; logger: Logger },
): Promise<RunningExample> {
  const topology = example.app.topology instanceof Topology ? example.app.topology : await example.app.topology(config);
  const logger = options.logger.child({ app: example.name });
  // The advertised host (config.applicationServer) may be a name other machines use for
  // this one (a container's); the API listens on the demo's --host, unless the config
  // says where (apiListenHost).
  const streams = new KafkaStreams(topology, config, {
    logger,
    api: { commands: example.app.commands ?? [], host: config.apiListenHost ?? options.listenHost },
  });
  let fail: (error: Error) => void = () => undefined;
  const failed = new Promise<Error>((resolve) => (fail = resolve));
  streams.setStateListener((state) => {
    if (state === StreamsState.ERROR) fail(streams.fatalError ?? new Error(`${example.name} failed`));
  });
  try {
    await streams.start();
  } catch (error) {
    throw new Error(`${example.name}: ${(error as Error).message}`, { cause: error });
  }
  const api = streams.apiServer;
  if (api === undefined) {
    await streams.close({ timeout: CLOSE_TIMEOUT_MS });
    throw new Error(`${example.name} serves no Eddy API: it needs an applicationServer`);
  }
  let closing: Promise<void> | undefined;
  return {
    example,
    streams,
    api,
    url: `http://${config.applicationServer ?? api.url.replace(/^http:\/\//, "")}`,
    failed,
    close: () => {
      // Closing the streams closes its API first.
      closing ??= streams.close({ timeout: CLOSE_TIMEOUT_MS }).then(() => undefined);
      return closing;
    },
  };
}
