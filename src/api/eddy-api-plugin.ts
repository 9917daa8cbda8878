// The Eddy HTTP API as one fastify plugin. It is encapsulated (its error handler and
// hooks stay inside it) and registers each part as its own plugin: queries, commands,
// the topology page, operations, docs. An application mounts it in its own fastify
// instance, under any prefix (every instance must use the same one, since instances
// call each other's API):
//
//   await app.register(eddyApi, { streams, topology, kafka: streams.config, prefix: "/eddy" });
import type { FastifyError, FastifyInstance } from "fastify";
import pino from "pino";
import type { Logger } from "pino";
import type { QueryableStreams } from "../runtime/streams-metadata.js";
import type { Topology } from "../topology/topology.js";
import type { ApiContext } from "./api-context.js";
import { ApiMetrics } from "./api-metrics.js";
import { CommandGateway, defaultReplyTopic } from "./command-gateway.js";
import type { KafkaConnection } from "./command-gateway.js";
import { CommandRegistry } from "./command-registry.js";
import type { CommandEndpoint } from "./command-registry.js";
import { commandRoutes } from "./command-routes.js";
import { consoleRoutes } from "./console-routes.js";
import { docsRoutes } from "./docs-routes.js";
import { DEFAULT_API_PUBLIC_ROUTES, DEFAULT_API_RATE_LIMIT_WINDOW_MS } from "../config/api-config.js";
import { ApiError, ApiErrorCodes, InternalApiError } from "./errors.js";
import type { KeyTextParser } from "./key-text.js";
import { LocalStoreReader } from "./local-store-reader.js";
import { opsRoutes } from "./ops-routes.js";
import { PeerClient } from "./peer-client.js";
import { QueryService } from "./query-service.js";
import { queryRoutes } from "./query-routes.js";
import { WindowQueryService } from "./window-query-service.js";
import { windowQueryRoutes } from "./window-query-routes.js";
import { versionedQueryRoutes } from "./versioned-query-routes.js";
import { VersionedQueryService } from "./versioned-query-service.js";
import { StoreCatalog } from "./store-catalog.js";
import { installAccessControl } from "./security/access-control.js";
import type { AccessPolicy } from "./security/access-control.js";
import { apiSecurityFromConfig, readApiTls } from "./security/api-security.js";
import type { ApiConfigFields, ApiSecurityOptions, ApiTlsMaterial } from "./security/api-security.js";
import { BearerTokens } from "./security/bearer-tokens.js";
import { HostAllowlist } from "./security/host-allowlist.js";
import { installSecurityHeaders } from "./security/security-headers.js";
import { topologyRoutes } from "./topology-routes.js";

export const DEFAULT_FORWARD_TIMEOUT_MS = 5_000;

export interface EddyApiOptions {
  /** The running application (a KafkaStreams). */
  readonly streams: QueryableStreams;
  /** The topology it runs: stores' serdes, command topics, the topology page. */
  readonly topology: Topology;
  /**
   * How to reach Kafka, for the command endpoint (a KafkaStreams' `config` fits). Without it, commands answer 503.
   * Its api* fields (apiTokens, apiTls, ...) set `security` and `peerTls` when those are not given.
   */
  readonly kafka?: KafkaConnection &
    ApiConfigFields & { readonly applicationId?: string; readonly replicationFactor?: number };
  /** Who may call the API and what is public (see ApiSecurityOptions); by default from `kafka`'s api* fields. */
  readonly security?: ApiSecurityOptions;
  /** Security headers (@fastify/helmet) on the API's answers; false when the server around it sets them. */
  readonly securityHeaders?: boolean;
  /** Call other instances over HTTPS with this certificate and CA; by default from `kafka.apiTls`. */
  readonly peerTls?: ApiTlsMaterial;
  /** Command endpoints: schemas and key fields for the topics the topology handles commands on. */
  readonly commands?: readonly CommandEndpoint[];
  /** How the key text of a request becomes a typed key, per store (see key-text.ts for the defaults). */
  readonly keyParsers?: Readonly<Record<string, KeyTextParser>>;
  /** How long a forwarded lookup or scan may take on the other instance (default 5 s). */
  readonly forwardTimeoutMs?: number;
  /** This instance's reply topic; by default `<applicationId>-replies-<applicationServer>`. */
  readonly replyTopic?: string;
  /** Page and document title; by default the application id. */
  readonly title?: string;
  /** For the command gateway's logs; by default fastify's logger. */
  readonly logger?: Logger;
  /**
   * Receives the plugin's context once built, and its access control's checks
   * (startApiServer adds command endpoints through it later, and serves point lookups on
   * its lean path: lean-lookup-path.ts).
   */
  readonly onContext?: (context: ApiContext, policy: AccessPolicy) => void;
}

export async function eddyApi(app: FastifyInstance, options: EddyApiOptions): Promise<void> {
  const { streams, topology } = options;
  const logger = options.logger ?? (app.log as unknown as Logger) ?? pino({ level: "silent" });
  const prefix = app.prefix;
  const security = options.security ?? apiSecurityFromConfig(options.kafka ?? {});
  const peerTls =
    options.peerTls ?? (options.kafka?.apiTls === undefined ? undefined : readApiTls(options.kafka.apiTls));
  if (options.securityHeaders !== false) await installSecurityHeaders(app, { tls: peerTls !== undefined });
  const tokens = new BearerTokens(security.tokens ?? [], security.peerToken);
  const policy = await installAccessControl(app, {
    tokens,
    publicRoutes: security.publicRoutes ?? DEFAULT_API_PUBLIC_ROUTES,
    readOnly: security.readOnly ?? false,
    allowedHosts:
      security.allowedHosts === undefined
        ? undefined
        : new HostAllowlist([
            ...security.allowedHosts,
            // Other instances address this one by its applicationServer.
            ...(streams.applicationServer === undefined ? [] : [streams.applicationServer]),
          ]),
    rateLimit:
      security.rateLimit === undefined
        ? undefined
        : { max: security.rateLimit.max, windowMs: security.rateLimit.windowMs ?? DEFAULT_API_RATE_LIMIT_WINDOW_MS },
  });
  const metrics = new ApiMetrics();
  const catalog = new StoreCatalog(topology, options.keyParsers, {
    internalStores: security.internalStores ?? false,
    applicationId: streams.applicationId,
  });
  const reader = new LocalStoreReader(streams);
  const peers = new PeerClient({
    self: streams.applicationServer,
    prefix,
    timeoutMs: options.forwardTimeoutMs ?? DEFAULT_FORWARD_TIMEOUT_MS,
    token: security.peerToken,
    tls: peerTls,
  });
  const commands = new CommandRegistry(topology, options.commands);
  let gateway: CommandGateway | undefined;
  if (options.kafka !== undefined && commands.topics().length > 0) {
    const applicationId = options.kafka.applicationId ?? streams.applicationId;
    gateway = await CommandGateway.start({
      kafka: options.kafka,
      applicationId,
      replyTopic:
        options.replyTopic ??
        defaultReplyTopic(applicationId, streams.applicationServer ?? `${process.pid}-${Date.now().toString(36)}`),
      logger,
      ...(options.kafka.replicationFactor === undefined ? {} : { replicationFactor: options.kafka.replicationFactor }),
    });
  }
  const versionedQueries = new VersionedQueryService({ streams, catalog, reader, peers, metrics });
  const context: ApiContext = {
    streams,
    topology,
    title: options.title ?? streams.applicationId,
    catalog,
    reader,
    queries: new QueryService({ streams, catalog, reader, peers, metrics, versioned: versionedQueries }),
    windowQueries: new WindowQueryService({ streams, catalog, reader, peers, metrics }),
    versionedQueries,
    commands,
    gateway,
    metrics,
    peers,
    logger,
    prefix,
    access: {
      authenticated: tokens.enabled,
      publicRoutes: security.publicRoutes ?? DEFAULT_API_PUBLIC_ROUTES,
      readOnly: security.readOnly ?? false,
      rateLimited: security.rateLimit !== undefined,
      hostAllowlist: security.allowedHosts !== undefined,
    },
  };
  options.onContext?.(context, policy);

  app.addHook("onClose", async () => {
    peers.close();
    await gateway?.close();
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ApiError)
      return reply.code(error.statusCode).headers(error.responseHeaders()).send(error.toBody());
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // fastify's own request errors (malformed JSON, unsupported media type, body too large).
      return reply.code(status).send({
        statusCode: status,
        code: error.code ?? "EDDY_ERR_INVALID_REQUEST",
        error: httpReason(status),
        message: error.message,
      });
    }
    // Eddy's own server binds no reqId per request (api-server.ts): name it here.
    const bindings = (request.log as Partial<Logger>).bindings?.() ?? {};
    request.log.error({ err: error, ...("reqId" in bindings ? {} : { reqId: request.id }) }, "request failed");
    return reply.code(500).send(new InternalApiError(`The request failed: ${error.message}`).toBody());
  });

  await app.register(queryRoutes(context));
  await app.register(windowQueryRoutes(context));
  await app.register(versionedQueryRoutes(context));
  await app.register(commandRoutes(context));
  await app.register(topologyRoutes(context));
  await app.register(consoleRoutes(context));
  await app.register(opsRoutes(context));
  await app.register(docsRoutes(context));
}

function httpReason(status: number): string {
  for (const { status: s, reason } of Object.values(ApiErrorCodes)) if (s === status) return reason;
  return status === 415 ? "Unsupported Media Type" : status === 413 ? "Payload Too Large" : "Bad Request";
}
