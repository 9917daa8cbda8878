// The security fields of the config, from files and EDDY_* variables: the API's tokens
// (JSON or name:token:scope+scope), its public routes and limits; Kafka's TLS (a flag, or
// the CA, certificate and key, which turn it on) and SASL, with the combinations each
// mechanism needs. A bad value names the field and the variable, never the secret.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadKafkaConnection, loadStreamsConfig } from "../../src/config/config-loader.js";
import { ConfigError } from "../../src/config/errors.js";
import { parseStreamsConfig } from "../../src/config/streams-config.js";

const BASE = { EDDY_APPLICATION_ID: "app", EDDY_BOOTSTRAP_SERVERS: "kafka:9092" };
const PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "eddy-security-config-"));
  await writeFile(join(dir, "ca.pem"), PEM);
  await writeFile(join(dir, "not-pem.txt"), "hello");
  await writeFile(join(dir, "tls-on.json"), JSON.stringify({ ssl: true }));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function load(env: Record<string, string>, files: string[] = []) {
  return (await loadStreamsConfig({ env: { ...BASE, ...env }, files: files.map((f) => join(dir, f)) })).config;
}

async function issues(env: Record<string, string>): Promise<string> {
  const error = await load(env).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return (error as Error).message;
}

describe("the API's security settings", () => {
  it("read tokens from EDDY_API_TOKENS, compact or as JSON", async () => {
    const compact = await load({
      EDDY_API_TOKENS: "ops:0123456789abcdef0123:admin, app:abcdefghij0123456789:read+command",
    });
    expect(compact.apiTokens).toEqual([
      { name: "ops", token: "0123456789abcdef0123", scopes: ["admin"] },
      { name: "app", token: "abcdefghij0123456789", scopes: ["read", "command"] },
    ]);
    const json = await load({
      EDDY_API_TOKENS: JSON.stringify([
        { name: "metrics", token: "ZXhhbXBsZS10b2tlbi0x==", scopes: ["read"], rateLimit: 10 },
      ]),
      EDDY_API_PEER_TOKEN: "peer-token-0123456789",
    });
    expect(json.apiTokens).toEqual([
      { name: "metrics", token: "ZXhhbXBsZS10b2tlbi0x==", scopes: ["read"], rateLimit: 10 },
    ]);
    expect(json.apiPeerToken).toBe("peer-token-0123456789");
    expect((await load({})).apiTokens).toEqual([]);
  });

  it("refuse weak, repeated or scopeless tokens, naming the field and the variable but never the secret", async () => {
    const short = await issues({ EDDY_API_TOKENS: "ops:short-secret:admin" });
    expect(short).toMatch(
      /apiTokens\[0\]\.token: must be at least 16 characters .*\(from environment variable EDDY_API_TOKENS\)/,
    );
    expect(short).not.toContain("short-secret");
    const scope = await issues({ EDDY_API_TOKENS: "ops:0123456789abcdef0123:root" });
    expect(scope).toMatch(/apiTokens\[0\]\.scopes\[0\]: must be one of read, command, admin/);
    const twice = await issues({ EDDY_API_TOKENS: "a:0123456789abcdef0123:read,b:0123456789abcdef0123:read" });
    expect(twice).toMatch(/apiTokens\[1\]\.token: is the same secret as an earlier token/);
    expect(twice).not.toContain("0123456789abcdef0123");
    const shape = await issues({ EDDY_API_TOKENS: "just-a-token-without-scopes" });
    expect(shape).toMatch(/apiTokens: must be a list of \{ name, token, scopes \}.*EDDY_API_TOKENS/);
    expect(shape).not.toContain("just-a-token");
  });

  it("read the public routes, rate limit, allowed hosts, limits and TLS files", async () => {
    const config = await load({
      EDDY_API_PUBLIC_ROUTES: "/health,/ready,/metrics",
      EDDY_API_RATE_LIMIT_MAX: "50",
      EDDY_API_ALLOWED_HOSTS: "api.example.com .eddy.example.com",
      EDDY_API_REQUEST_TIMEOUT_MS: "5000",
      EDDY_API_MAX_CONNECTIONS: "10",
      EDDY_API_READ_ONLY: "true",
      EDDY_API_TLS_CERT: join(dir, "ca.pem"),
      EDDY_API_TLS_KEY: PEM,
    });
    expect(config).toMatchObject({
      apiPublicRoutes: ["/health", "/ready", "/metrics"],
      apiRateLimit: { max: 50, windowMs: 60_000 },
      apiAllowedHosts: ["api.example.com", ".eddy.example.com"],
      apiRequestTimeoutMs: 5000,
      apiMaxConnections: 10,
      apiReadOnly: true,
      apiTls: { cert: join(dir, "ca.pem"), key: PEM.trim() },
    });
    expect(await issues({ EDDY_API_TLS_CERT: join(dir, "not-pem.txt"), EDDY_API_TLS_KEY: PEM })).toMatch(
      /apiTls\.cert: the file .*not-pem\.txt holds no PEM block .*\(from environment variable EDDY_API_TLS_CERT\)/,
    );
    expect(await issues({ EDDY_API_PUBLIC_ROUTES: "health" })).toMatch(/apiPublicRoutes\[0\]: must be a path/);
  });
});

describe("Kafka's TLS and SASL settings", () => {
  it("turn TLS on with EDDY_SSL, or with any of its files, and off with EDDY_SSL=false", async () => {
    expect((await load({})).ssl).toBe(false);
    expect((await load({ EDDY_SSL: "true" })).ssl).toEqual({ rejectUnauthorized: true });
    expect((await load({ EDDY_SSL_CA: join(dir, "ca.pem") })).ssl).toEqual({
      ca: join(dir, "ca.pem"),
      rejectUnauthorized: true,
    });
    expect((await load({ EDDY_SSL_CA: join(dir, "ca.pem") }, ["tls-on.json"])).ssl).toMatchObject({
      ca: join(dir, "ca.pem"),
    });
    expect((await load({ EDDY_SSL: "false", EDDY_SSL_CA: join(dir, "ca.pem") })).ssl).toBe(false);
    expect(parseStreamsConfig({ applicationId: "a", bootstrapServers: "k:1", ssl: true }).ssl).toEqual({
      rejectUnauthorized: true,
    });
    expect(await issues({ EDDY_SSL_CERT: join(dir, "ca.pem") })).toMatch(/ssl\.key: is required with ssl\.cert/);
  });

  it("ask each SASL mechanism for what it needs", async () => {
    expect(
      (await load({ EDDY_SASL_MECHANISM: "scram-sha-512", EDDY_SASL_USERNAME: "u", EDDY_SASL_PASSWORD: "p" })).sasl,
    ).toEqual({
      mechanism: "scram-sha-512",
      username: "u",
      password: "p",
    });
    expect(await issues({ EDDY_SASL_MECHANISM: "plain", EDDY_SASL_USERNAME: "u" })).toMatch(
      /sasl\.password: is required with sasl\.mechanism plain/,
    );
    expect((await load({ EDDY_SASL_MECHANISM: "oauthbearer", EDDY_SASL_TOKEN: "t" })).sasl).toEqual({
      mechanism: "oauthbearer",
      token: "t",
    });
    expect(await issues({ EDDY_SASL_MECHANISM: "oauthbearer" })).toMatch(
      /sasl\.token: is required with sasl\.mechanism oauthbearer: give one of token, tokenFile or tokenEndpointUrl/,
    );
    expect(
      await issues({
        EDDY_SASL_MECHANISM: "oauthbearer",
        EDDY_SASL_TOKEN_ENDPOINT_URL: "https://idp.example.com/token",
      }),
    ).toMatch(/sasl\.clientId: is required with sasl\.tokenEndpointUrl/);
    expect(await issues({ EDDY_SASL_MECHANISM: "oauthbearer", EDDY_SASL_TOKEN: "t", EDDY_SASL_USERNAME: "u" })).toMatch(
      /sasl\.username: is for plain and scram mechanisms/,
    );
    expect(await issues({ EDDY_SASL_MECHANISM: "oauthbearer", EDDY_SASL_TOKEN_FILE: join(dir, "missing") })).toMatch(
      /sasl\.tokenFile: cannot read the file .*missing \(ENOENT\) \(from environment variable EDDY_SASL_TOKEN_FILE\)/,
    );
  });

  it("are what a client without an application reads too (eddy produce)", () => {
    const connection = loadKafkaConnection({
      env: {
        EDDY_SSL_CA: join(dir, "ca.pem"),
        EDDY_APPLICATION_ID: "ignored",
        EDDY_SASL_MECHANISM: "plain",
        EDDY_SASL_USERNAME: "u",
        EDDY_SASL_PASSWORD: "p",
      },
      overrides: { bootstrapServers: "kafka:9093" },
    });
    expect(connection).toMatchObject({
      bootstrapServers: ["kafka:9093"],
      ssl: { ca: join(dir, "ca.pem") },
      sasl: { mechanism: "plain", username: "u" },
    });
    expect(() =>
      loadKafkaConnection({ env: { EDDY_SASL_MECHANISM: "gssapi" }, overrides: { bootstrapServers: "k:1" } }),
    ).toThrow(/sasl\.mechanism: .*\(from environment variable EDDY_SASL_MECHANISM\)/);
  });
});
