// One example application running: its KafkaStreams and its Eddy API.
import type { Logger } from "pino";
import { KafkaStreams, StreamsState, Topology } from "eddy-streams";
import type { ResolvedStreamsConfig } from "eddy-streams";
import { startApiServer } from "eddy-streams/api";
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
  const streams = new KafkaStreams(topology, config, { logger });
  let fail: (error: Error) => void = () => undefined;
  const failed = new Promise<Error>((resolve) => (fail = resolve));
  streams.setStateListener((state) => {
    if (state === StreamsState.ERROR) fail(streams.fatalError ?? new Error(`${example.name} failed`));
  });
  await streams.start();
  let api: RunningApiServer;
  try {
    // KafkaStreams serves the API itself when applicationServer is set; asking again
    // returns that server and adds the command endpoints with their schemas.
    api = await startApiServer(streams, { topology, kafka: streams.config, commands: example.app.commands ?? [], host: options.listenHost, logger });
  } catch (error) {
    await streams.close({ timeout: CLOSE_TIMEOUT_MS });
    throw new Error(`${example.name}: cannot serve the Eddy API on ${config.applicationServer ?? "?"}: ${(error as Error).message}`, { cause: error });
  }
  let closing: Promise<void> | undefined;
  return {
    example,
    streams,
    api,
    url: `http://${config.applicationServer ?? api.url.replace(/^http:\/\//, "")}`,
    failed,
    close: () => {
      closing ??= (async () => {
        await api.close().catch((error: unknown) => logger.warn({ err: error }, "closing the API failed"));
        await streams.close({ timeout: CLOSE_TIMEOUT_MS });
      })();
      return closing;
    },
  };
}
