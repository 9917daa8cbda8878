// The lean lookup path (src/api/lean-lookup-path.ts): point lookups answered from the
// server's request event, before fastify. Over HTTP its answers must be the route's,
// byte for byte (status, JSON, headers), whatever the request: each request below is
// sent over HTTP (the lean path where it applies) and through fastify's inject (always
// the route), and the two answers compared. A server that calls only the lean path shows
// which requests it takes itself, and that it leaves the rest to fastify untouched.
import { createServer, request as httpRequest } from "node:http";
import type { IncomingHttpHeaders, Server } from "node:http";
import fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiSecurityFromConfig, eddyApi } from "../../src/api/index.js";
import type { ApiContext } from "../../src/api/api-context.js";
import { LeanLookupPath } from "../../src/api/lean-lookup-path.js";
import type { AccessPolicy } from "../../src/api/security/access-control.js";
import { apiSecurityHeaders } from "../../src/api/security/security-headers.js";
import { partitionForKey } from "../../src/kafka/partitioner.js";
import { eventually, produce } from "../integration/support/kafka.js";
import {
  ACCOUNTS,
  PARTITIONS,
  VISIT_COUNTS,
  VISITS,
  getJson,
  settled,
  startApiTestCluster,
} from "./support/cluster.js";
import type { ApiTestCluster, Instance } from "./support/cluster.js";

const TASKS = 2 * PARTITIONS;
const KEYS = ["/home", "/a b", "/päge", "100%", "a+b;c", "é/ü?x#y", ...Array.from({ length: 12 }, (_, i) => `/k/${i}`)];
const READER = "reader-token-0123456789abcdef";
/** Headers the connection sets, which inject does not imitate. */
const CONNECTION_HEADERS = new Set(["date", "connection", "keep-alive", "transfer-encoding"]);

function comparable(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    if (!CONNECTION_HEADERS.has(name.toLowerCase())) out[name.toLowerCase()] = String(value);
  return out;
}

describe("the lean lookup path", () => {
  let env: ApiTestCluster;
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    env = await startApiTestCluster("lean-lookups");
    [a, b] = await Promise.all([env.start("a"), env.start("b")]);
    await settled([a, b], TASKS);
    await produce(
      env.cluster.kafka,
      VISITS,
      KEYS.map((key) => ({ partition: partitionForKey(Buffer.from(key), PARTITIONS), key, value: "v" })),
    );
    await eventually(async () => {
      for (const key of KEYS) {
        const { status } = await getJson(`${a.url}/stores/${VISIT_COUNTS}/keys/${encodeURIComponent(key)}`);
        if (status !== 200) return undefined;
      }
      return true;
    });
  });

  afterAll(async () => {
    await env?.close();
  });

  it("answers every lookup over HTTP as the fastify route does: values, routing, errors, headers", async () => {
    const paths = [
      ...KEYS.map((key) => `/stores/${VISIT_COUNTS}/keys/${encodeURIComponent(key)}`),
      `/stores/${VISIT_COUNTS}/keys/%2Fmissing`,
      `/stores/no-such-store/keys/x`,
      `/stores/${ACCOUNTS}/keys/nobody`,
      // The route's own parsing: bad encodings, long keys, query strings, deeper paths.
      `/stores/${VISIT_COUNTS}/keys/%zz`,
      `/stores/${VISIT_COUNTS}/keys/%C3`,
      `/stores/${VISIT_COUNTS}/keys/${"k".repeat(2100)}`,
      `/stores/${VISIT_COUNTS}/keys/%2Fhome?allowStale=true`,
      `/stores/${VISIT_COUNTS}/keys/%2Fhome?position=nonsense`,
      `/stores/${VISIT_COUNTS}/keys/%2Fhome?unknown=1`,
      `/stores/${VISIT_COUNTS}/keys/a/b`,
      `/stores/${VISIT_COUNTS}/keys/`,
      `/stores//keys/x`,
    ];
    let routed = 0;
    for (const instance of [a, b]) {
      for (const path of paths) {
        const overHttp = await fetch(`${instance.url}${path}`);
        const body = await overHttp.text();
        const injected = await instance.api.fastify.inject({ url: path, headers: { host: instance.host } });
        expect({ path, status: overHttp.status, body }).toEqual({
          path,
          status: injected.statusCode,
          body: injected.body,
        });
        expect(comparable(Object.fromEntries(overHttp.headers))).toEqual(comparable(injected.headers));
        if (
          overHttp.headers.get("x-eddy-served-by") !== null &&
          overHttp.headers.get("x-eddy-served-by") !== instance.host
        )
          routed += 1;
      }
    }
    // Both instances answered keys the other owns, relaying its answer.
    expect(routed).toBeGreaterThan(0);
  });

  it("answers a forwarded lookup from local tasks only, and the position header as the route does", async () => {
    for (const key of KEYS) {
      const path = `/stores/${VISIT_COUNTS}/keys/${encodeURIComponent(key)}`;
      const variants: Array<Record<string, string>> = [
        { "x-eddy-forwarded-by": "elsewhere:1" },
        { "x-eddy-position": "nonsense" },
      ];
      for (const headers of variants) {
        const overHttp = await fetch(`${a.url}${path}`, { headers });
        const injected = await a.api.fastify.inject({ url: path, headers: { host: a.host, ...headers } });
        expect({ key, status: overHttp.status, body: await overHttp.text() }).toEqual({
          key,
          status: injected.statusCode,
          body: injected.body,
        });
      }
    }
    const foreign = KEYS.find((key) => a.streams.queryMetadataForKey(VISIT_COUNTS, key).activeHost === b.host);
    const answer = await getJson(`${a.url}/stores/${VISIT_COUNTS}/keys/${encodeURIComponent(foreign ?? "")}`, {
      "x-eddy-forwarded-by": b.host,
    });
    expect(answer).toMatchObject({ status: 503, body: { code: "EDDY_ERR_UNAVAILABLE" } });
  });

  const ownedFirst = (instance: Instance) =>
    KEYS.find((key) => a.streams.queryMetadataForKey(VISIT_COUNTS, key).activeHost === instance.host);

  it("gives an answer it kept only while the store is unchanged: each new visit shows in the next lookups", async () => {
    // The last key a owns: the tests below read the first one, visited once.
    const key = [...KEYS].reverse().find((k) => a.streams.queryMetadataForKey(VISIT_COUNTS, k).activeHost === a.host);
    if (key === undefined || key === ownedFirst(a)) throw new Error("instance a owns fewer than two of the keys");
    const path = `${a.url}/stores/${VISIT_COUNTS}/keys/${encodeURIComponent(key)}`;
    const count = async () => ((await getJson(path)).body as { value: number }).value;
    const base = await count();
    expect(await count()).toBe(base);
    let seen = base;
    for (let visit = 1; visit <= 3; visit += 1) {
      await produce(env.cluster.kafka, VISITS, [
        { partition: partitionForKey(Buffer.from(key), PARTITIONS), key, value: "v" },
      ]);
      // Never an older count than one already seen, and the new one once it is committed.
      await eventually(async () => {
        const now = await count();
        expect(now).toBeGreaterThanOrEqual(seen);
        seen = now;
        return now === base + visit ? true : undefined;
      });
      expect(await count()).toBe(base + visit);
    }
  });

  describe("which requests it takes", () => {
    let server: Server;
    let url: string;
    const closers: Array<() => Promise<unknown>> = [];
    /** Whether the lean path had answered a request by the time serve() returned, by URL. */
    const answeredAtOnce = new Map<string, boolean>();

    beforeAll(async () => {
      // The API mounted once more around instance a's streams, with tokens and a Host
      // allowlist; a server in front of it calls only the lean path, and answers 599
      // ("fastify's") to whatever the lean path leaves alone.
      const app = fastify({ logger: false });
      let context: ApiContext | undefined;
      let policy: AccessPolicy | undefined;
      await app.register(eddyApi, {
        streams: a.streams,
        topology: env.topology,
        security: apiSecurityFromConfig({
          apiTokens: [{ name: "reader", token: READER, scopes: ["read"] }],
          apiAllowedHosts: ["allowed.example"],
        }),
        onContext: (c, p) => {
          context = c;
          policy = p;
        },
      });
      await app.ready();
      closers.push(() => app.close());
      if (context === undefined || policy === undefined) throw new Error("the API gave no context");
      const lean = new LeanLookupPath({
        prefix: "",
        policy,
        catalog: context.catalog,
        queries: context.queries,
        securityHeaders: apiSecurityHeaders(false),
        log: app.log,
      });
      server = createServer((request, response) => {
        if (!lean.serve(request, response)) response.writeHead(599).end("fastify's");
        else answeredAtOnce.set(request.url ?? "", response.writableEnded);
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const address = server.address();
      url = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
      closers.push(() => new Promise((resolve) => server.close(resolve)));
    });

    afterAll(async () => {
      for (const close of closers.reverse()) await close();
    });

    const admitted = { host: "allowed.example", authorization: `Bearer ${READER}` };
    // node:http, not fetch: fetch does not send the Host header it is given.
    const send = (path: string, init: { method?: string; headers?: Record<string, string> } = {}) =>
      new Promise<{ status: number; body: string; headers: IncomingHttpHeaders }>((resolve, reject) => {
        const request = httpRequest(`${url}${path}`, {
          method: init.method ?? "GET",
          headers: init.headers ?? admitted,
        });
        request.on("response", (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () =>
            resolve({
              status: response.statusCode ?? 0,
              body: Buffer.concat(chunks).toString("utf8"),
              headers: response.headers,
            }),
          );
        });
        request.on("error", reject);
        request.end();
      });
    const ownedBy = (instance: Instance) =>
      KEYS.find((key) => a.streams.queryMetadataForKey(VISIT_COUNTS, key).activeHost === instance.host) ?? "";
    const plainPath = () => `/stores/${VISIT_COUNTS}/keys/${encodeURIComponent(ownedBy(a))}`;

    it("takes plain GET lookups an admitted caller may make, and answers them in full", async () => {
      const answer = await send(plainPath());
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toMatchObject({ store: VISIT_COUNTS, key: ownedBy(a), value: 1, stale: false });
      expect(answer.headers["content-type"]).toBe("application/json; charset=utf-8");
      expect(answer.headers["x-eddy-served-by"]).toBe(a.host);
      for (const [name, value] of Object.entries(apiSecurityHeaders(false))) expect(answer.headers[name]).toBe(value);
      // Missing keys and stores, and a task another instance runs, are answered here too, as the route would.
      expect(await send(`/stores/${VISIT_COUNTS}/keys/nothing-here`)).toMatchObject({ status: 404 });
      const unknown = await send(`/stores/no-such-store/keys/x`);
      expect(unknown.status).toBe(404);
      expect(JSON.parse(unknown.body)).toMatchObject({ code: "EDDY_ERR_STORE_NOT_FOUND", store: "no-such-store" });
      const routed = await send(`/stores/${VISIT_COUNTS}/keys/${encodeURIComponent(ownedBy(b))}`);
      expect(routed.status).toBe(200);
      expect(routed.headers["x-eddy-served-by"]).toBe(b.host);
    });

    it("answers a key whose task runs here before serve() returns, and a routed one when its owner answers", async () => {
      const here = plainPath();
      const there = `/stores/${VISIT_COUNTS}/keys/${encodeURIComponent(ownedBy(b))}`;
      const missing = `/stores/${VISIT_COUNTS}/keys/not-counted-here`;
      const bad = `/stores/no-such-store/keys/x`;
      for (const path of [here, there, missing, bad]) expect((await send(path)).status).not.toBe(599);
      // Read, answered and written in the request's own turn of the event loop: no promise on the way.
      expect(answeredAtOnce.get(here)).toBe(true);
      expect(answeredAtOnce.get(bad)).toBe(true);
      // A missing key is answered at once too when its task runs here, else by its owner.
      const missingHere = a.streams.queryMetadataForKey(VISIT_COUNTS, "not-counted-here").activeHost === a.host;
      expect(answeredAtOnce.get(missing)).toBe(missingHere);
      expect(answeredAtOnce.get(there)).toBe(false);
    });

    it("leaves everything else to fastify: refusals, other methods, query strings, positions, odd paths", async () => {
      const plain = plainPath();
      const refused = [
        send(plain, { headers: { host: "allowed.example" } }),
        send(plain, { headers: { host: "allowed.example", authorization: "Bearer wrong-token-0123456789" } }),
        send(plain, { headers: { host: "evil.example", authorization: `Bearer ${READER}` } }),
        send(plain, { method: "HEAD" }),
        send(plain, { method: "POST" }),
        send(`${plain}?allowStale=true`),
        send(plain, { headers: { ...admitted, "x-eddy-position": `${VISITS}:0:0` } }),
        send(`/stores/${VISIT_COUNTS}/keys/%zz`),
        send(`/stores/${VISIT_COUNTS}/keys/${"k".repeat(2100)}`),
        send(`/stores/${VISIT_COUNTS}/keys/a/b`),
        send(`/stores/${VISIT_COUNTS}/keys/`),
        send(`/stores/${VISIT_COUNTS}/keys`),
        send(`/stores`),
      ];
      for (const answer of await Promise.all(refused)) expect(answer.status).toBe(599);
    });
  });
});
