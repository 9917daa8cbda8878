// TLS and SASL settings of the Kafka clients, from the config's shape (file paths or PEM
// text, a SASL mechanism and its credentials) to what kafkajs takes: tls options with
// the files read, and for OAUTHBEARER a token provider. kafkajs asks the provider at
// every connection's login, so tokens are cached until shortly before they expire.
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { ConnectionOptions } from "node:tls";
import type { SASLOptions } from "kafkajs";
import { KafkaSecurityError } from "./errors.js";

/** TLS to the brokers: `true` (the system's CAs), or files (paths or PEM text). */
export interface KafkaTlsSettings {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly keyPassword?: string;
  readonly rejectUnauthorized?: boolean;
  readonly servername?: string;
}

export interface KafkaSaslSettings {
  readonly mechanism: "plain" | "scram-sha-256" | "scram-sha-512" | "oauthbearer";
  readonly username?: string;
  readonly password?: string;
  readonly token?: string;
  readonly tokenFile?: string;
  readonly tokenEndpointUrl?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly scope?: string;
}

/** A token is renewed once this share of its lifetime has passed. */
const RENEW_AT = 0.8;
const TOKEN_REQUEST_TIMEOUT_MS = 10_000;

/** PEM text as is; anything else is a file to read. */
export function pemOrFile(value: string, field: string): string {
  if (value.includes("-----BEGIN")) return value;
  try {
    return readFileSync(value, "utf8");
  } catch (error) {
    throw new KafkaSecurityError(`${field}: cannot read ${value}: ${(error as Error).message}`, { cause: error });
  }
}

export function kafkajsTls(ssl: boolean | KafkaTlsSettings | undefined): ConnectionOptions | true | undefined {
  if (ssl === undefined || ssl === false) return undefined;
  if (ssl === true) return true;
  const options: ConnectionOptions = { rejectUnauthorized: ssl.rejectUnauthorized ?? true };
  if (ssl.ca !== undefined) options.ca = pemOrFile(ssl.ca, "ssl.ca");
  if (ssl.cert !== undefined) options.cert = pemOrFile(ssl.cert, "ssl.cert");
  if (ssl.key !== undefined) options.key = pemOrFile(ssl.key, "ssl.key");
  if (ssl.keyPassword !== undefined) options.passphrase = ssl.keyPassword;
  if (ssl.servername !== undefined) options.servername = ssl.servername;
  return options;
}

export function kafkajsSasl(sasl: KafkaSaslSettings | undefined): SASLOptions | undefined {
  if (sasl === undefined) return undefined;
  if (sasl.mechanism !== "oauthbearer") {
    return { mechanism: sasl.mechanism, username: sasl.username ?? "", password: sasl.password ?? "" } as SASLOptions;
  }
  return { mechanism: "oauthbearer", oauthBearerProvider: oauthBearerProvider(sasl) };
}

function oauthBearerProvider(sasl: KafkaSaslSettings): () => Promise<{ value: string }> {
  const { token, tokenFile, tokenEndpointUrl } = sasl;
  if (token !== undefined) return () => Promise.resolve({ value: token });
  if (tokenFile !== undefined) {
    return async () => {
      const text = await readFile(tokenFile, "utf8").catch((error: unknown) => {
        throw new KafkaSecurityError(`sasl.tokenFile: cannot read ${tokenFile}: ${(error as Error).message}`, {
          cause: error,
        });
      });
      return { value: text.trim() };
    };
  }
  if (tokenEndpointUrl === undefined)
    throw new KafkaSecurityError("sasl: oauthbearer needs one of token, tokenFile or tokenEndpointUrl");
  let cached: { value: string; renewAt: number } | undefined;
  let pending: Promise<{ value: string }> | undefined;
  return () => {
    if (cached !== undefined && Date.now() < cached.renewAt) return Promise.resolve({ value: cached.value });
    pending ??= clientCredentialsToken(sasl, tokenEndpointUrl)
      .then(({ value, expiresInSeconds }) => {
        cached = { value, renewAt: Date.now() + expiresInSeconds * 1000 * RENEW_AT };
        return { value };
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
}

/** RFC 6749 section 4.4: client credentials, sent as HTTP Basic authentication. */
async function clientCredentialsToken(
  sasl: KafkaSaslSettings,
  url: string,
): Promise<{ value: string; expiresInSeconds: number }> {
  const form = new URLSearchParams({ grant_type: "client_credentials" });
  if (sasl.scope !== undefined) form.set("scope", sasl.scope);
  const basic = Buffer.from(
    `${encodeURIComponent(sasl.clientId ?? "")}:${encodeURIComponent(sasl.clientSecret ?? "")}`,
  ).toString("base64");
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: {
        authorization: `Basic ${basic}`,
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
      },
      body: form.toString(),
      signal: AbortSignal.timeout(TOKEN_REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    throw new KafkaSecurityError(`sasl.tokenEndpointUrl: cannot reach ${url}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const text = await response.text();
  if (!response.ok)
    throw new KafkaSecurityError(`sasl.tokenEndpointUrl: ${url} answered ${response.status} to the token request`);
  let body: { access_token?: unknown; expires_in?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new KafkaSecurityError(`sasl.tokenEndpointUrl: ${url} answered something other than JSON`);
  }
  if (typeof body.access_token !== "string" || body.access_token === "")
    throw new KafkaSecurityError(`sasl.tokenEndpointUrl: ${url} answered no access_token`);
  const expires = Number(body.expires_in);
  return { value: body.access_token, expiresInSeconds: Number.isFinite(expires) && expires > 0 ? expires : 300 };
}
