// The API on its own fastify server: what KafkaStreams.start() runs when
// `applicationServer` is set, listening on that host:port. Starting it twice for the
// same streams returns the running server (adding any command endpoints given the
// second time), so an application may start it itself and the runtime may too.
import fastify, { LogController } from "fastify";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { QueryableStreams } from "../runtime/streams-metadata.js";
import type { ApiContext } from "./api-context.js";
import type { CommandEndpoint } from "./command-registry.js";
import { eddyApi } from "./eddy-api-plugin.js";
import type { EddyApiOptions } from "./eddy-api-plugin.js";
import { ApiError, ApiListenError, UnavailableError } from "./errors.js";
import { splitHostPort } from "./peer-client.js";
import { RETRY_AFTER_SECONDS } from "./query-service.js";

export interface ApiServerOptions extends Omit<EddyApiOptions, "streams" | "onContext"> {
  /** Interface to listen on; by default the host of `applicationServer` (else 127.0.0.1). */
  readonly host?: string;
  /** Port to listen on; by default the port of `applicationServer` (else 0: any free port). */
  readonly port?: number;
  /** Mount the API under this path prefix (the same on every instance). */
  readonly prefix?: string;
  /** Request logs go here at debug level; by default nowhere. */
  readonly logger?: Logger;
}

export interface RunningApiServer {
  readonly fastify: FastifyInstance;
  /** http://host:port of the listening socket. */
  readonly url: string;
  readonly port: number;
  /** Adds (or replaces) a command endpoint while running. */
  registerCommand(endpoint: CommandEndpoint): void;
  close(): Promise<void>;
}

const running = new WeakMap<QueryableStreams, Promise<RunningApiServer>>();

export function startApiServer(streams: QueryableStreams, options: ApiServerOptions): Promise<RunningApiServer> {
  const existing = running.get(streams);
  if (existing !== undefined) {
    return existing.then((server) => {
      for (const endpoint of options.commands ?? []) server.registerCommand(endpoint);
      return server;
    });
  }
  const started = listen(streams, options);
  running.set(streams, started);
  started.catch(() => running.delete(streams));
  return started;
}

async function listen(streams: QueryableStreams, options: ApiServerOptions): Promise<RunningApiServer> {
  const advertised = streams.applicationServer === undefined ? undefined : splitHostPort(streams.applicationServer);
  const app = fastify({
    ...(options.logger === undefined
      ? { logger: false }
      : { loggerInstance: options.logger.child({ component: "api" }) }),
    // A log line per request would cost more than a lookup; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    // Keys and topic names may legitimately contain characters fastify would otherwise reject in params.
    routerOptions: { maxParamLength: 2048 },
    // Replaced by the hook below: fastify's own 503 while closing has no Retry-After.
    return503OnClosing: false,
  });
  let closing: Promise<void> | undefined;
  // While closing, as fastify would, answer 503 and drop the connection (so that close()
  // does not wait on a client's keep-alive connection), but in the API's terms: a
  // Retry-After, and an error body saying why. Another instance takes over this one's
  // tasks after the rebalance.
  app.addHook("onRequest", async (_request, reply) => {
    if (closing === undefined) return;
    const error = new UnavailableError(
      "This instance is shutting down; its tasks move to another instance after the rebalance",
      RETRY_AFTER_SECONDS,
    );
    return reply
      .code(503)
      .header("connection", "close")
      .header("retry-after", String(RETRY_AFTER_SECONDS))
      .send(error.toBody());
  });
  let context: ApiContext | undefined;
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send(
        new ApiError(
          "EDDY_ERR_ROUTE_NOT_FOUND",
          `No route ${request.method} ${request.url}; GET ${options.prefix ?? ""}/docs lists the routes.`,
        ).toBody(),
      ),
  );
  const { host, port, prefix, ...apiOptions } = options;
  await app.register(eddyApi, {
    ...apiOptions,
    streams,
    onContext: (c) => (context = c),
    ...(prefix === undefined ? {} : { prefix }),
  });
  const listenHost = host ?? advertised?.hostname ?? "127.0.0.1";
  const listenPort = port ?? advertised?.port ?? 0;
  try {
    await app.listen({ host: listenHost, port: listenPort });
  } catch (error) {
    await app.close().catch(() => undefined);
    const hint =
      host === undefined && advertised !== undefined
        ? "; if that name is not an address of this machine (a container's advertised name), listen on another interface: apiListenHost (e.g. 0.0.0.0)"
        : "";
    throw new ApiListenError(
      `Cannot serve the Eddy API${streams.applicationServer === undefined ? "" : ` (applicationServer ${streams.applicationServer})`} on ${listenHost}:${listenPort}: ${(error as Error).message}${hint}`,
      { cause: error },
    );
  }
  const address = app.server.address();
  const boundPort = typeof address === "object" && address !== null ? address.port : (port ?? 0);
  const boundHost = listenHost;
  return {
    fastify: app as unknown as FastifyInstance,
    url: `http://${boundHost.includes(":") ? `[${boundHost}]` : boundHost}:${boundPort}`,
    port: boundPort,
    registerCommand: (endpoint) => context?.commands.register(endpoint),
    close: () => {
      closing ??= app.close().then(() => {
        running.delete(streams);
      });
      return closing;
    },
  };
}
