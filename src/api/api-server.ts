// The API on its own fastify server: what KafkaStreams.start() runs when
// `applicationServer` is set, listening on that host:port. Starting it twice for the
// same streams returns the running server (adding any command endpoints given the
// second time), so an application may start it itself and the runtime may too.
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import fastify, { LogController } from "fastify";
import type { FastifyBaseLogger, FastifyInstance } from "fastify";
import pino from "pino";
import type { Logger } from "pino";
import { DEFAULT_API_MAX_CONNECTIONS, DEFAULT_API_REQUEST_TIMEOUT_MS } from "../config/api-config.js";
import type { QueryableStreams } from "../runtime/streams-metadata.js";
import type { ApiContext } from "./api-context.js";
import type { CommandEndpoint } from "./command-registry.js";
import { eddyApi } from "./eddy-api-plugin.js";
import type { EddyApiOptions } from "./eddy-api-plugin.js";
import { ApiError, ApiListenError, UnavailableError } from "./errors.js";
import { LeanLookupPath } from "./lean-lookup-path.js";
import { splitHostPort } from "./peer-client.js";
import { RETRY_AFTER_SECONDS } from "./query-service.js";
import { apiSecurityFromConfig, readApiTls } from "./security/api-security.js";
import type { ApiConfigFields, ApiTlsOptions } from "./security/api-security.js";
import { apiSecurityHeaders, installSecurityHeaders } from "./security/security-headers.js";

export interface ApiServerOptions extends Omit<EddyApiOptions, "streams" | "onContext" | "securityHeaders"> {
  /**
   * Interface to listen on; by default the host of `applicationServer` (else 127.0.0.1),
   * and 127.0.0.1 when the API has no tokens: an open API is not served to the network
   * unless asked for explicitly (and then a warning says so).
   */
  readonly host?: string;
  /** Port to listen on; by default the port of `applicationServer` (else 0: any free port). */
  readonly port?: number;
  /** Mount the API under this path prefix (the same on every instance). */
  readonly prefix?: string;
  /** Request logs go here at debug level; by default nowhere. */
  readonly logger?: Logger;
  /** Serve HTTPS (mutual TLS with `ca`); by default `kafka.apiTls`. */
  readonly tls?: ApiTlsOptions;
  /** How long a client may take to send a whole request; by default `kafka.apiRequestTimeoutMs` (30 s). */
  readonly requestTimeoutMs?: number;
  /** Connections served at once, more are closed; by default `kafka.apiMaxConnections` (1024). */
  readonly maxConnections?: number;
}

export interface RunningApiServer {
  readonly fastify: FastifyInstance;
  /** http(s)://host:port of the listening socket. */
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
  const config: ApiConfigFields = options.kafka ?? {};
  const tlsOptions = options.tls ?? config.apiTls;
  const tls = tlsOptions === undefined ? undefined : readApiTls(tlsOptions);
  const requestTimeoutMs = options.requestTimeoutMs ?? config.apiRequestTimeoutMs ?? DEFAULT_API_REQUEST_TIMEOUT_MS;
  const security = options.security ?? apiSecurityFromConfig(config);
  const authenticated = (security.tokens ?? []).length > 0;
  const logger = options.logger ?? pino({ level: "silent" });
  const serverOptions = {
    // Node checks requestTimeout (slow senders) this often; its default is 30 s.
    connectionsCheckingInterval: Math.min(CONNECTIONS_CHECK_MS, requestTimeoutMs),
    headersTimeout: requestTimeoutMs,
  };
  const app = fastify({
    ...(options.logger === undefined
      ? { logger: false }
      : {
          loggerInstance: options.logger.child({ component: "api" }),
          // fastify makes a child logger per request (to bind its reqId), which costs a
          // lookup more than its LevelDB read; requests are not logged, and an error's
          // log line names its reqId itself (eddy-api-plugin.ts).
          childLoggerFactory: (logger: FastifyBaseLogger) => logger,
        }),
    ...(tls === undefined
      ? { http: serverOptions }
      : {
          https: {
            ...serverOptions,
            ...tls,
            // With a CA, clients must present a certificate it signed (mutual TLS).
            requestCert: tls.ca !== undefined,
            rejectUnauthorized: tls.ca !== undefined,
          },
        }),
    requestTimeout: requestTimeoutMs,
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
  // Synchronous (done), as every hook on the lookup path: an async hook costs a promise
  // and a microtask per request.
  app.addHook("onRequest", (_request, reply, done) => {
    if (closing === undefined) return done();
    const error = new UnavailableError(
      "This instance is shutting down; its tasks move to another instance after the rebalance",
      RETRY_AFTER_SECONDS,
    );
    reply
      .code(503)
      .header("connection", "close")
      .header("retry-after", String(RETRY_AFTER_SECONDS))
      .send(error.toBody());
  });
  let context: ApiContext | undefined;
  // Point lookups take the lean path (lean-lookup-path.ts) once the API is registered,
  // unless a rate limit is configured (it is counted in fastify's hooks); every other
  // request, and every lookup the lean path does not take, goes to fastify's handler.
  let lean: LeanLookupPath | undefined;
  const fastifyHandler = app.server.listeners("request")[0] as RequestListener | undefined;
  if (fastifyHandler !== undefined) {
    app.server.removeListener("request", fastifyHandler);
    app.server.on("request", (request: IncomingMessage, response: ServerResponse) => {
      if (lean === undefined || closing !== undefined || !lean.serve(request, response))
        fastifyHandler(request, response);
    });
  }
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
  // At the root, so that answers outside the API's routes (404s) carry them too.
  await installSecurityHeaders(app as unknown as FastifyInstance, { tls: tls !== undefined });
  const { host, port, prefix, tls: _tls, requestTimeoutMs: _timeout, maxConnections, ...apiOptions } = options;
  await app.register(eddyApi, {
    ...apiOptions,
    security,
    securityHeaders: false,
    ...(tls === undefined ? {} : { peerTls: tls }),
    streams,
    onContext: (c, policy) => {
      context = c;
      if (!c.access.rateLimited) {
        lean = new LeanLookupPath({
          prefix: c.prefix,
          policy,
          catalog: c.catalog,
          queries: c.queries,
          securityHeaders: apiSecurityHeaders(tls !== undefined),
          log: app.log,
        });
      }
    },
    ...(prefix === undefined ? {} : { prefix }),
  });
  const listenHost = chooseListenHost(host, advertised?.hostname, authenticated, logger);
  const listenPort = port ?? advertised?.port ?? 0;
  app.server.maxConnections = maxConnections ?? config.apiMaxConnections ?? DEFAULT_API_MAX_CONNECTIONS;
  try {
    await app.listen({ host: listenHost, port: listenPort });
  } catch (error) {
    await app.close().catch(() => undefined);
    const errno = (error as NodeJS.ErrnoException).code;
    const where = { host: listenHost, port: listenPort, ...(errno === undefined ? {} : { errno }) };
    if (errno === "EADDRINUSE") {
      throw new ApiListenError(
        `Port ${listenPort} is taken on ${listenHost}, so the Eddy API cannot serve there: stop what runs there, or give this instance another port in applicationServer (EDDY_APPLICATION_SERVER)`,
        where,
        { cause: error },
      );
    }
    const hint =
      host === undefined && advertised !== undefined
        ? "; if that name is not an address of this machine (a container's advertised name), listen on another interface: apiListenHost (e.g. 0.0.0.0)"
        : "";
    throw new ApiListenError(
      `Cannot serve the Eddy API${streams.applicationServer === undefined ? "" : ` (applicationServer ${streams.applicationServer})`} on ${listenHost}:${listenPort}: ${(error as Error).message}${hint}`,
      where,
      { cause: error },
    );
  }
  const address = app.server.address();
  const boundPort = typeof address === "object" && address !== null ? address.port : (port ?? 0);
  const boundHost = listenHost;
  return {
    fastify: app as unknown as FastifyInstance,
    url: `${tls === undefined ? "http" : "https"}://${boundHost.includes(":") ? `[${boundHost}]` : boundHost}:${boundPort}`,
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

const CONNECTIONS_CHECK_MS = 1_000;
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i;
let warnedOpenApi = false;

/**
 * Where the API listens. Without tokens it listens on loopback unless told otherwise,
 * whatever name it advertises; told to listen elsewhere, it does, and warns once per
 * process that anyone who reaches it may use it.
 */
function chooseListenHost(
  host: string | undefined,
  advertisedHost: string | undefined,
  authenticated: boolean,
  logger: Logger,
): string {
  if (authenticated) return host ?? advertisedHost ?? "127.0.0.1";
  if (host === undefined) {
    if (advertisedHost !== undefined && !LOOPBACK.test(advertisedHost)) {
      logger.warn(
        { applicationServerHost: advertisedHost },
        "the Eddy API has no apiTokens, so it listens on 127.0.0.1 only: other instances cannot forward to it. Set apiTokens (or apiListenHost to serve it unauthenticated)",
      );
    }
    return "127.0.0.1";
  }
  if (!LOOPBACK.test(host) && !warnedOpenApi) {
    warnedOpenApi = true;
    logger.warn(
      { host },
      "the Eddy API listens beyond loopback with no apiTokens: anyone who reaches it can read every store and send commands. Set apiTokens",
    );
  }
  return host;
}
