// The HTTP API's part of the KafkaStreams config: who may call it (bearer tokens and
// their scopes), what is public, TLS, and the limits that keep one client from taking
// the instance down. The API layer reads these (src/api/security/); they live in the
// config so that they come from files and EDDY_* variables like every other field.
import { z } from "zod";

export const API_SCOPES = ["read", "command", "admin"] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** Served without a token unless the config says otherwise: probes must not need a secret. */
export const DEFAULT_API_PUBLIC_ROUTES: readonly string[] = ["/health", "/ready"];

/** Shorter secrets can be guessed; `openssl rand -hex 32` makes a good one. */
export const MIN_TOKEN_LENGTH = 16;
// RFC 6750's b64token: what an Authorization: Bearer header can carry.
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const TOKEN_NAME = /^[A-Za-z0-9._-]{1,64}$/;

export const DEFAULT_API_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_API_MAX_CONNECTIONS = 1_024;
export const DEFAULT_API_RATE_LIMIT_WINDOW_MS = 60_000;

const secret = (what: string) =>
  z
    .string({ error: `must be a string (${what})` })
    .min(MIN_TOKEN_LENGTH, { error: `must be at least ${MIN_TOKEN_LENGTH} characters (e.g. openssl rand -hex 32)` })
    .regex(B64TOKEN, { error: "may only contain A-Z, a-z, 0-9 and - . _ ~ + / (then = padding), as a bearer token" });

const rateLimitMax = z
  .number({ error: "must be a number (requests per window)" })
  .int({ error: "must be an integer" })
  .positive({ error: "must be > 0" });

export const apiTokenSchema = z.strictObject({
  /** Names the token in logs and metrics (the token itself is never logged). */
  name: z.string().regex(TOKEN_NAME, { error: "must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_', '-'" }),
  token: secret("the bearer token"),
  scopes: z
    .array(z.enum(API_SCOPES, { error: `must be one of ${API_SCOPES.join(", ")}` }), {
      error: `must be a list of scopes (${API_SCOPES.join(", ")})`,
    })
    .min(1, { error: `must grant at least one scope (${API_SCOPES.join(", ")})` }),
  /** This token's own limit per rate-limit window; apiRateLimit.max by default. */
  rateLimit: rateLimitMax.optional(),
});
export type ApiTokenConfig = z.output<typeof apiTokenSchema>;

const pem = (what: string) =>
  z
    .string({ error: `must be a file path or PEM text (${what})` })
    .min(1, { error: `must not be empty (a file path or PEM text of ${what})` });

export const apiTlsSchema = z.strictObject({
  /** The server's certificate chain: a PEM file, or PEM text. */
  cert: pem("the certificate"),
  /** Its private key: a PEM file, or PEM text. */
  key: pem("the private key"),
  /** Password of an encrypted key. */
  keyPassword: z.string().optional(),
  /** CA certificates: clients must present a certificate they signed (mTLS), and peers' certificates are checked against them. */
  ca: pem("the CA certificates").optional(),
});
export type ApiTlsConfig = z.output<typeof apiTlsSchema>;

export const apiRateLimitSchema = z.strictObject({
  /** Requests per window, per token (per client address without a token). */
  max: rateLimitMax,
  windowMs: z
    .number({ error: "must be a number (milliseconds)" })
    .int({ error: "must be an integer" })
    .min(1_000, { error: "must be >= 1000" })
    .default(DEFAULT_API_RATE_LIMIT_WINDOW_MS),
});

const hostPattern = z
  .string({ error: "must be a host name, optionally with a port" })
  .regex(/^(\.?[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*|\[[0-9a-fA-F:.]+\]|[0-9a-fA-F:]+)(:\d{1,5})?$/, {
    error: "must be a host name or address, optionally with :port; a leading dot matches every subdomain",
  });

/** The API fields, spread into the KafkaStreams config's schema. */
export const apiConfigShape = {
  apiTokens: z
    .array(apiTokenSchema, {
      error: "must be a list of { name, token, scopes } (in a variable: name:token:scope+scope, comma-separated)",
    })
    .superRefine((tokens, ctx) => {
      const names = new Set<string>();
      const secrets = new Set<string>();
      tokens.forEach((token, index) => {
        if (names.has(token.name))
          ctx.addIssue({ code: "custom", path: [index, "name"], message: `"${token.name}" names two tokens` });
        if (secrets.has(token.token))
          ctx.addIssue({ code: "custom", path: [index, "token"], message: "is the same secret as an earlier token" });
        names.add(token.name);
        secrets.add(token.token);
      });
    })
    .default([]),
  apiPeerToken: secret("the token instances forward with").optional(),
  apiPublicRoutes: z
    .array(
      z.string().regex(/^\/[^\s?#]*$/, { error: "must be a path below the API's prefix, e.g. /health or /topology" }),
      { error: "must be a list of paths, e.g. /health, /ready, /metrics, /docs, /topology" },
    )
    .default([...DEFAULT_API_PUBLIC_ROUTES]),
  apiReadOnly: z.boolean({ error: "must be true or false" }).default(false),
  apiInternalStores: z.boolean({ error: "must be true or false" }).default(false),
  apiTls: apiTlsSchema.optional(),
  apiAllowedHosts: z.array(hostPattern, { error: "must be a list of host names" }).optional(),
  apiRateLimit: apiRateLimitSchema.optional(),
  apiRequestTimeoutMs: z
    .number({ error: "must be a number (milliseconds)" })
    .int({ error: "must be an integer" })
    .min(1_000, { error: "must be >= 1000" })
    .default(DEFAULT_API_REQUEST_TIMEOUT_MS),
  apiMaxConnections: z
    .number({ error: "must be a number (connections)" })
    .int({ error: "must be an integer" })
    .positive({ error: "must be > 0" })
    .default(DEFAULT_API_MAX_CONNECTIONS),
};

/**
 * `EDDY_API_TOKENS`: a JSON list of { name, token, scopes }, or the compact form
 * `name:token:scope+scope`, comma- or whitespace-separated (a b64token never holds
 * a comma, a colon or a space). Anything unparseable is returned as is, so that the
 * schema's message names the variable.
 */
export function parseApiTokensText(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed.startsWith("[")) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      return text;
    }
  }
  const entries = trimmed.split(/[\s,]+/).filter((entry) => entry !== "");
  const tokens: unknown[] = [];
  for (const entry of entries) {
    const parts = entry.split(":");
    if (parts.length !== 3) return text;
    const [name, token, scopes] = parts as [string, string, string];
    tokens.push({ name, token, scopes: scopes.split("+").filter((scope) => scope !== "") });
  }
  return tokens;
}
