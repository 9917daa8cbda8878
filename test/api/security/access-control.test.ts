// Who may call the API: bearer tokens and their scopes on every route (whatever plugin
// added it), public operations routes by config, read-only mode, internal stores, the
// Host allowlist and per-token rate limits. The API is mounted in a fastify server around
// a KafkaStreams that is not started: authorization is decided before any route runs,
// so a request that passes it gets the route's own answer (often 503: not running yet).
import { Writable } from "node:stream";
import fastify from "fastify";
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { apiSecurityFromConfig, eddyApi } from "../../../src/api/index.js";
import type { EddyApiOptions } from "../../../src/api/index.js";
import { KafkaStreams } from "../../../src/index.js";
import type { StreamsConfig } from "../../../src/index.js";
import { silentLogger } from "../../integration/support/kafka.js";
import { ACCOUNT_COMMANDS, ACCOUNTS, VISIT_COUNTS, accountCommand, apiTestTopology } from "../support/cluster.js";

const READER = "reader-token-0123456789abcdef";
const COMMANDER = "commander-token-0123456789abcdef";
const ADMIN = "admin-token-0123456789abcdef";
const PEER = "peer-token-0123456789abcdef";
const apiTokens: NonNullable<StreamsConfig["apiTokens"]> = [
  { name: "reader", token: READER, scopes: ["read"] },
  { name: "commander", token: COMMANDER, scopes: ["command"] },
  { name: "ops", token: ADMIN, scopes: ["admin"] },
];
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

const opened: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((app) => app.close()));
});

interface Mounted {
  readonly app: FastifyInstance;
  /** Every route the API registered, as fastify saw them (method and URL pattern). */
  readonly routes: ReadonlyArray<{ method: string; url: string }>;
}

async function mount(config: Partial<StreamsConfig>, options: Partial<EddyApiOptions> = {}): Promise<Mounted> {
  const topology = apiTestTopology();
  const streams = new KafkaStreams(
    topology,
    { applicationId: "secured", bootstrapServers: "127.0.0.1:9", ...config },
    { logger: silentLogger },
  );
  const app = fastify({ logger: false });
  const routes: Array<{ method: string; url: string }> = [];
  // Inherited by every plugin registered below, the API's and the ones it registers.
  app.addHook("onRoute", (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  await app.register(eddyApi, {
    streams,
    topology,
    // No Kafka connection (commands answer 503): the security settings from the config alone.
    security: apiSecurityFromConfig(streams.config),
    commands: [{ topic: ACCOUNT_COMMANDS, schema: accountCommand }],
    ...options,
  });
  await app.ready();
  opened.push(app);
  return { app, routes };
}

/** A concrete URL for a route pattern: every parameter filled in. */
function concrete(url: string): string {
  return url
    .replace(/:store/g, VISIT_COUNTS)
    .replace(/:topic/g, ACCOUNT_COMMANDS)
    .replace(/:[A-Za-z]+/g, "x");
}

describe("the API's access control", () => {
  it("is open without tokens", async () => {
    const { app } = await mount({});
    expect((await app.inject({ url: "/stores" })).statusCode).toBe(200);
    expect((await app.inject({ url: "/metrics" })).statusCode).toBe(200);
  });

  it("refuses every route without a token, whichever plugin registered it, except the public ones", async () => {
    const { app, routes } = await mount({ apiTokens });
    expect(routes.length).toBeGreaterThanOrEqual(9);
    const open: string[] = [];
    for (const { method, url } of routes) {
      const response = await app.inject({
        method: method as "GET",
        url: concrete(url),
        ...(method === "POST" ? { payload: { type: "open", owner: "x" } } : {}),
      });
      if (response.statusCode !== 401) {
        open.push(`${method} ${url}: ${response.statusCode}`);
        continue;
      }
      if (method !== "HEAD") {
        expect(response.json()).toMatchObject({ statusCode: 401, code: "EDDY_ERR_UNAUTHENTICATED" });
        expect(response.headers["www-authenticate"]).toBe('Bearer realm="eddy"');
      }
    }
    // The default public routes: probes must not need a secret.
    expect(open.sort()).toEqual(["GET /health: 200", "GET /ready: 503", "HEAD /health: 200", "HEAD /ready: 503"]);
  });

  it("answers 401 to an unknown or malformed token, naming neither", async () => {
    const { app } = await mount({ apiTokens });
    const unknown = await app.inject({ url: "/stores", headers: bearer(`${READER}x`) });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.headers["www-authenticate"]).toBe('Bearer realm="eddy", error="invalid_token"');
    expect(unknown.body).not.toContain(READER);
    const basic = await app.inject({ url: "/stores", headers: { authorization: `Basic ${READER}` } });
    expect(basic.statusCode).toBe(401);
    expect(basic.json()).toMatchObject({ code: "EDDY_ERR_UNAUTHENTICATED" });
    // A peer token this instance was not given is no token at all.
    expect((await app.inject({ url: "/stores", headers: bearer(PEER) })).statusCode).toBe(401);
  });

  it("grants each scope its routes: read for GETs, command for POSTs, admin for both", async () => {
    const { app } = await mount({ apiTokens });
    const command = (token: string) =>
      app.inject({
        method: "POST",
        url: `/commands/${ACCOUNT_COMMANDS}?key=acc-1`,
        headers: bearer(token),
        payload: { type: "open", owner: "Ada" },
      });
    expect((await app.inject({ url: "/stores", headers: bearer(READER) })).statusCode).toBe(200);
    expect((await app.inject({ url: "/topology", headers: bearer(READER) })).statusCode).toBe(200);
    const refused = await command(READER);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: "EDDY_ERR_FORBIDDEN", requiredScope: "command" });
    expect(refused.headers["www-authenticate"]).toBe(
      'Bearer realm="eddy", error="insufficient_scope", scope="command"',
    );
    // Past access control: this API has no Kafka connection, so the command endpoint answers 503.
    expect((await command(COMMANDER)).statusCode).toBe(503);
    expect((await app.inject({ url: "/stores", headers: bearer(COMMANDER) })).statusCode).toBe(403);
    expect((await command(ADMIN)).statusCode).toBe(503);
    expect((await app.inject({ url: "/stores", headers: bearer(ADMIN) })).statusCode).toBe(200);
    expect((await app.inject({ url: "/metrics", headers: bearer(READER) })).statusCode).toBe(200);
  });

  it("serves the operations routes the config names without a token, and no others", async () => {
    const { app } = await mount({ apiTokens, apiPublicRoutes: ["/metrics", "/docs"] });
    expect((await app.inject({ url: "/metrics" })).statusCode).toBe(200);
    expect((await app.inject({ url: "/docs" })).statusCode).toBe(200);
    expect((await app.inject({ url: "/health" })).statusCode).toBe(401);
    expect((await app.inject({ url: "/ready" })).statusCode).toBe(401);
    expect((await app.inject({ url: "/stores" })).statusCode).toBe(401);
  });

  it("documents the bearer scheme and the answers access control gives, in the OpenAPI document", async () => {
    const { app } = await mount({ apiTokens, apiRateLimit: { max: 100 } });
    const docs = (await app.inject({ url: "/docs", headers: bearer(READER) })).json<{
      components: { securitySchemes: Record<string, { type: string; scheme: string }> };
      paths: Record<string, Record<string, { security: unknown[]; responses: Record<string, unknown> }>>;
    }>();
    expect(docs.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    const lookup = docs.paths["/stores/{store}/keys/{key}"]?.get;
    expect(lookup?.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(lookup?.responses ?? {})).toEqual(expect.arrayContaining(["401", "403", "429"]));
    const health = docs.paths["/health"]?.get;
    expect(health?.security).toEqual([]);
    expect(Object.keys(health?.responses ?? {})).not.toContain("401");
  });

  it("covers the API under a prefix, in an application's server, and leaves the application's own routes alone", async () => {
    const topology = apiTestTopology();
    const streams = new KafkaStreams(
      topology,
      { applicationId: "secured", bootstrapServers: "127.0.0.1:9", apiTokens },
      { logger: silentLogger },
    );
    const app = fastify({ logger: false });
    opened.push(app);
    app.get("/own", async () => ({ mine: true }));
    await app.register(eddyApi, {
      streams,
      topology,
      security: apiSecurityFromConfig(streams.config),
      prefix: "/eddy",
    });
    expect((await app.inject({ url: "/own" })).statusCode).toBe(200);
    expect((await app.inject({ url: "/eddy/stores" })).statusCode).toBe(401);
    expect((await app.inject({ url: "/eddy/health" })).statusCode).toBe(200);
    expect((await app.inject({ url: "/eddy/stores", headers: bearer(READER) })).statusCode).toBe(200);
  });

  it("refuses anything but reads in read-only mode, whatever the token", async () => {
    const { app } = await mount({ apiTokens, apiReadOnly: true });
    const post = await app.inject({
      method: "POST",
      url: `/commands/${ACCOUNT_COMMANDS}?key=acc-1`,
      headers: bearer(ADMIN),
      payload: { type: "open", owner: "Ada" },
    });
    expect(post.statusCode).toBe(403);
    expect(post.json()).toMatchObject({ code: "EDDY_ERR_READ_ONLY" });
    expect((await app.inject({ url: "/stores", headers: bearer(READER) })).statusCode).toBe(200);
    // Without tokens too.
    const open = await mount({ apiReadOnly: true });
    expect(
      (await open.app.inject({ method: "POST", url: `/commands/${ACCOUNT_COMMANDS}?key=a`, payload: {} })).statusCode,
    ).toBe(403);
  });

  it("keeps internal stores out of reach unless the config lets admin tokens query them", async () => {
    const idempotency = `${ACCOUNTS}-idempotency`;
    const hidden = await mount({ apiTokens });
    const lookup = await hidden.app.inject({ url: `/stores/${idempotency}/keys/acc-1`, headers: bearer(ADMIN) });
    expect(lookup.statusCode).toBe(404);
    expect(lookup.json()).toMatchObject({ code: "EDDY_ERR_STORE_NOT_FOUND" });
    const listed = /queryable stores \(([^)]*)\)/.exec(lookup.json<{ message: string }>().message)?.[1];
    expect(listed?.split(", ").sort()).toEqual([ACCOUNTS, VISIT_COUNTS].sort());
    const scan = await hidden.app.inject({ url: `/stores/${idempotency}/keys`, headers: bearer(ADMIN) });
    expect(scan.statusCode).toBe(404);
    const docs = await hidden.app.inject({ url: "/docs", headers: bearer(ADMIN) });
    expect(docs.body).not.toContain(idempotency);

    const allowed = await mount({ apiTokens, apiInternalStores: true });
    const byReader = await allowed.app.inject({ url: `/stores/${idempotency}/keys/acc-1`, headers: bearer(READER) });
    expect(byReader.statusCode).toBe(403);
    expect(byReader.json()).toMatchObject({ code: "EDDY_ERR_FORBIDDEN", requiredScope: "admin" });
    // Past access control: not running, so 503.
    const byAdmin = await allowed.app.inject({ url: `/stores/${idempotency}/keys/acc-1`, headers: bearer(ADMIN) });
    expect(byAdmin.statusCode).toBe(503);
  });

  it("answers only to the allowed host names, and to its own applicationServer", async () => {
    const { app } = await mount({
      apiTokens,
      applicationServer: "eddy-1.internal:8082",
      apiAllowedHosts: ["api.example.com", ".eddy.example.com"],
    });
    const asked = (host: string) => app.inject({ url: "/health", headers: { host } });
    const rebound = await asked("attacker.example.net");
    expect(rebound.statusCode).toBe(421);
    expect(rebound.json()).toMatchObject({ code: "EDDY_ERR_HOST_NOT_ALLOWED" });
    expect((await asked("api.example.com")).statusCode).toBe(200);
    expect((await asked("api.example.com:443")).statusCode).toBe(200);
    expect((await asked("b.eddy.example.com")).statusCode).toBe(200);
    expect((await asked("eddy.example.com.attacker.net")).statusCode).toBe(421);
    expect((await asked("eddy-1.internal:8082")).statusCode).toBe(200);
    expect((await asked("eddy-1.internal:9999")).statusCode).toBe(421);
  });

  it("limits each token's requests per window, each on its own, and other instances not at all", async () => {
    const { app } = await mount({
      apiTokens: [
        { name: "reader", token: READER, scopes: ["read"] },
        { name: "ops", token: ADMIN, scopes: ["admin"], rateLimit: 5 },
      ],
      apiPeerToken: PEER,
      apiRateLimit: { max: 3, windowMs: 60_000 },
    });
    const statuses = async (headers: Record<string, string>, n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i += 1) out.push((await app.inject({ url: "/stores", headers })).statusCode);
      return out;
    };
    expect(await statuses(bearer(READER), 4)).toEqual([200, 200, 200, 429]);
    const limited = await app.inject({ url: "/stores", headers: bearer(READER) });
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ code: "EDDY_ERR_RATE_LIMITED" });
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    expect(limited.body).not.toContain(READER);
    // Its own limit, its own bucket.
    expect(await statuses(bearer(ADMIN), 6)).toEqual([200, 200, 200, 200, 200, 429]);
    // Forwarded requests were counted where they arrived.
    expect(await statuses(bearer(PEER), 6)).toEqual([200, 200, 200, 200, 200, 200]);
    // Guessing tokens is limited too, per client address.
    expect(await statuses(bearer("not-a-known-token-at-all"), 4)).toEqual([401, 401, 401, 429]);
  });

  it("never logs a token, known or not", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = pino({ level: "trace" }, sink);
    const topology = apiTestTopology();
    const streams = new KafkaStreams(
      topology,
      { applicationId: "secured", bootstrapServers: "127.0.0.1:9", apiTokens },
      { logger: silentLogger },
    );
    const app = fastify({ loggerInstance: logger }) as unknown as FastifyInstance;
    opened.push(app);
    await app.register(eddyApi, { streams, topology, security: apiSecurityFromConfig(streams.config), logger });
    for (const token of [READER, COMMANDER, `${ADMIN}-wrong`]) {
      await app.inject({ url: "/stores", headers: bearer(token) });
      await app.inject({ method: "POST", url: "/commands/nope", headers: bearer(token), payload: "{not json" });
      await app.inject({ url: "/stores/nope/keys/x", headers: bearer(token) });
    }
    const log = lines.join("");
    expect(log.length).toBeGreaterThan(0);
    for (const token of [READER, COMMANDER, ADMIN]) expect(log).not.toContain(token);
  });
});
