// The API's security settings as the plugin and the server take them, and how they are
// read off a KafkaStreams config (apiTokens, apiPeerToken, apiTls, ...; see
// src/config/api-config.ts). An application that mounts the plugin in its own server
// and passes `kafka: streams.config` gets the same protection as KafkaStreams' own server.
import { readFileSync } from "node:fs";
import type { ApiScope } from "../../config/api-config.js";
import { DEFAULT_API_PUBLIC_ROUTES, DEFAULT_API_RATE_LIMIT_WINDOW_MS } from "../../config/api-config.js";
import { ApiConfigError } from "../errors.js";
import type { BearerToken } from "./bearer-tokens.js";

export interface ApiSecurityOptions {
  /** Bearer tokens and their scopes; none (the default) leaves the API open. */
  readonly tokens?: readonly BearerToken[];
  /** What this instance sends when it forwards to another, and accepts from them for reads. */
  readonly peerToken?: string;
  /** Routes served without a token (default /health and /ready). */
  readonly publicRoutes?: readonly string[];
  /** Refuse everything but GET and HEAD. */
  readonly readOnly?: boolean;
  /** Let admin tokens (and other instances) query internal stores, such as idempotency stores. */
  readonly internalStores?: boolean;
  /** Host names the API answers to; any when unset. */
  readonly allowedHosts?: readonly string[];
  /** Requests per window per token (per client address without one). */
  readonly rateLimit?: { readonly max: number; readonly windowMs?: number };
}

/** TLS of the API: file paths or PEM text. */
export interface ApiTlsOptions {
  readonly cert: string;
  readonly key: string;
  readonly keyPassword?: string;
  /** Clients must present a certificate signed by these CAs; other instances' certificates are checked against them. */
  readonly ca?: string;
}

/** The PEM material, read. */
export interface ApiTlsMaterial {
  readonly cert: string;
  readonly key: string;
  readonly passphrase?: string;
  readonly ca?: string;
}

/** The config fields the API reads (all optional: a plain KafkaConnection has none). */
export interface ApiConfigFields {
  readonly apiTokens?: ReadonlyArray<{
    name: string;
    token: string;
    scopes: readonly ApiScope[];
    rateLimit?: number | undefined;
  }>;
  readonly apiPeerToken?: string | undefined;
  readonly apiPublicRoutes?: readonly string[];
  readonly apiReadOnly?: boolean;
  readonly apiInternalStores?: boolean;
  readonly apiAllowedHosts?: readonly string[] | undefined;
  readonly apiRateLimit?: { max: number; windowMs?: number | undefined } | undefined;
  readonly apiTls?: ApiTlsOptions | undefined;
  readonly apiRequestTimeoutMs?: number;
  readonly apiMaxConnections?: number;
}

export function apiSecurityFromConfig(config: ApiConfigFields): ApiSecurityOptions {
  return {
    tokens: (config.apiTokens ?? []).map((token) => ({
      name: token.name,
      token: token.token,
      scopes: token.scopes,
      ...(token.rateLimit === undefined ? {} : { rateLimit: token.rateLimit }),
    })),
    ...(config.apiPeerToken === undefined ? {} : { peerToken: config.apiPeerToken }),
    publicRoutes: config.apiPublicRoutes ?? DEFAULT_API_PUBLIC_ROUTES,
    readOnly: config.apiReadOnly ?? false,
    internalStores: config.apiInternalStores ?? false,
    ...(config.apiAllowedHosts === undefined ? {} : { allowedHosts: config.apiAllowedHosts }),
    ...(config.apiRateLimit === undefined
      ? {}
      : {
          rateLimit: {
            max: config.apiRateLimit.max,
            windowMs: config.apiRateLimit.windowMs ?? DEFAULT_API_RATE_LIMIT_WINDOW_MS,
          },
        }),
  };
}

function pemOrFile(value: string, field: string): string {
  if (value.includes("-----BEGIN")) return value;
  try {
    return readFileSync(value, "utf8");
  } catch (error) {
    throw new ApiConfigError(`${field}: cannot read ${value}: ${(error as Error).message}`);
  }
}

export function readApiTls(tls: ApiTlsOptions): ApiTlsMaterial {
  return {
    cert: pemOrFile(tls.cert, "apiTls.cert"),
    key: pemOrFile(tls.key, "apiTls.key"),
    ...(tls.keyPassword === undefined ? {} : { passphrase: tls.keyPassword }),
    ...(tls.ca === undefined ? {} : { ca: pemOrFile(tls.ca, "apiTls.ca") }),
  };
}
