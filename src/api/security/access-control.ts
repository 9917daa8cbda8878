// Who may do what, decided once per request in one onRequest hook at the level of the
// API plugin, so that every route registered inside it (now or by a later plugin) is
// covered without declaring anything. In order:
//
//   1. the Host header, when apiAllowedHosts is set (DNS rebinding);
//   2. the bearer token, identified in constant time (bearer-tokens.ts);
//   3. the rate limit of that token (of the client address without one), so that guessing
//      tokens is limited too; other instances' forwarded requests are exempt, since the
//      request they forward was counted where it arrived;
//   4. read-only mode: only GET and HEAD pass;
//   5. public routes (apiPublicRoutes) pass without a token;
//   6. otherwise a known token with the route's scope: `read` for GET and HEAD, `command`
//      for the rest, unless the route says otherwise (config: { eddyScope }); `admin`
//      holds every scope.
//
// It runs before the body is read, so an unauthenticated client cannot make the
// instance parse a megabyte of JSON.
import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ApiScope } from "../../config/api-config.js";
import {
  ForbiddenError,
  HostNotAllowedError,
  RateLimitedError,
  ReadOnlyError,
  UnauthenticatedError,
} from "../errors.js";
import { ANONYMOUS } from "./bearer-tokens.js";
import type { BearerTokens, Identification, Principal } from "./bearer-tokens.js";
import type { HostAllowlist } from "./host-allowlist.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /** The scope a route needs; by default `read` for GET and HEAD and `command` otherwise. */
    eddyScope?: ApiScope;
  }
}

export interface AccessControlOptions {
  readonly tokens: BearerTokens;
  /** Paths (below the API's prefix) served without a token; a path covers the ones below it. */
  readonly publicRoutes: readonly string[];
  readonly readOnly: boolean;
  readonly allowedHosts: HostAllowlist | undefined;
  readonly rateLimit: { readonly max: number; readonly windowMs: number } | undefined;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
/** Rate-limit buckets kept at most (least recently used dropped): memory stays bounded whatever the clients. */
const RATE_LIMIT_KEYS = 10_000;

const principals = new WeakMap<FastifyRequest, Principal>();

/** The principal the access control admitted the request as (anonymous on an open or public route). */
export function principalOf(request: FastifyRequest): Principal {
  return principals.get(request) ?? ANONYMOUS;
}

export function requiredScope(request: FastifyRequest): ApiScope {
  return request.routeOptions.config?.eddyScope ?? (SAFE_METHODS.has(request.method) ? "read" : "command");
}

/**
 * The checks of steps 1, 2, 4, 5 and 6, on a request's plain parts: the onRequest hook
 * runs them, and so does the lean lookup path (lean-lookup.ts), which answers point
 * lookups without fastify's per-request machinery. Every failure is an ApiError.
 */
export class AccessPolicy {
  readonly #tokens: BearerTokens;
  readonly #publicRoutes: readonly string[];
  readonly #readOnly: boolean;
  readonly #allowedHosts: HostAllowlist | undefined;

  constructor(options: Omit<AccessControlOptions, "rateLimit">) {
    this.#tokens = options.tokens;
    this.#publicRoutes = options.publicRoutes;
    this.#readOnly = options.readOnly;
    this.#allowedHosts = options.allowedHosts;
  }

  /** Who asks: the Host header checked first (421), then the bearer token (checked in authorize()). */
  identify(host: string | undefined, authorization: string | undefined): Identification {
    if (this.#allowedHosts !== undefined && !this.#allowedHosts.allows(host)) throw new HostNotAllowedError(host ?? "");
    return this.#tokens.identify(authorization);
  }

  /**
   * Throws unless `identified` may call `method` on `route` (its path below the API's
   * prefix, as the route declares it) with `scope`; `what` names the call in a 403.
   */
  authorize(
    method: string,
    route: string | undefined,
    scope: ApiScope,
    identified: Identification,
    what: string,
  ): void {
    if (this.#readOnly && !SAFE_METHODS.has(method)) throw new ReadOnlyError(method);
    if (this.isPublic(route)) return;
    if (typeof identified !== "object") throw new UnauthenticatedError(identified);
    if (!identified.scopes.has(scope)) throw new ForbiddenError(identified.name, scope, what);
  }

  isPublic(route: string | undefined): boolean {
    return route !== undefined && this.#publicRoutes.some((r) => route === r || route.startsWith(`${r}/`));
  }
}

/** The principal an identification acts as once admitted (anonymous on a public route without a token). */
export function admittedAs(identified: Identification): Principal {
  return typeof identified === "object" ? identified : ANONYMOUS;
}

export async function installAccessControl(app: FastifyInstance, options: AccessControlOptions): Promise<AccessPolicy> {
  const policy = new AccessPolicy(options);
  const prefix = app.prefix;

  let limit: ((request: FastifyRequest) => Promise<RateLimitOutcome>) | undefined;
  const limits = options.rateLimit;
  if (limits !== undefined) {
    await app.register(rateLimit, {
      global: false,
      cache: RATE_LIMIT_KEYS,
      timeWindow: limits.windowMs,
      keyGenerator: (request) => {
        const principal = principals.get(request);
        return principal === undefined || principal.kind === "anonymous"
          ? `ip:${request.ip}`
          : `token:${principal.name}`;
      },
      max: (request) => principals.get(request)?.rateLimit ?? limits.max,
    });
    limit = app.createRateLimit() as (request: FastifyRequest) => Promise<RateLimitOutcome>;
  }

  const identify = (request: FastifyRequest): Identification => {
    const identified = policy.identify(request.headers.host, request.headers.authorization);
    // principalOf answers ANONYMOUS by default: no WeakMap entry per request of an open API.
    if (typeof identified === "object" && identified !== ANONYMOUS) principals.set(request, identified);
    return identified;
  };
  const authorize = (request: FastifyRequest, identified: Identification): void => {
    const route = request.routeOptions.url;
    const path = route?.startsWith(prefix) === true ? route.slice(prefix.length) || "/" : route;
    policy.authorize(
      request.method,
      path,
      requiredScope(request),
      identified,
      `${request.method} ${route ?? request.url}`,
    );
  };

  if (limit === undefined) {
    // Without a rate limit every step is synchronous: no promise per request.
    app.addHook("onRequest", (request, _reply, done) => {
      try {
        authorize(request, identify(request));
      } catch (error) {
        return done(error as Error);
      }
      done();
    });
    return policy;
  }
  const limited = limit;
  app.addHook("onRequest", async (request, reply) => {
    const identified = identify(request);
    const principal = typeof identified === "object" ? identified : undefined;
    if (principal?.kind !== "peer") {
      const outcome = await limited(request);
      if (!outcome.isAllowed) {
        reply.header("x-ratelimit-limit", String(outcome.max));
        reply.header("x-ratelimit-remaining", String(outcome.remaining));
        reply.header("x-ratelimit-reset", String(outcome.ttlInSeconds));
        if (outcome.isExceeded) {
          const who =
            principal === undefined || principal.kind === "anonymous" ? "This client" : `Token "${principal.name}"`;
          throw new RateLimitedError(who, outcome.max, outcome.timeWindow, Math.max(1, outcome.ttlInSeconds));
        }
      }
    }
    authorize(request, identified);
  });
  return policy;
}

type RateLimitOutcome =
  | { isAllowed: true; key: string }
  | {
      isAllowed: false;
      key: string;
      max: number;
      timeWindow: number;
      remaining: number;
      ttlInSeconds: number;
      isExceeded: boolean;
    };
