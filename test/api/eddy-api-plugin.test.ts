// The API mounted as a plugin in an application's own fastify server, under a prefix,
// around a KafkaStreams that has not started: it answers what it can (topology, docs,
// health) and 503 with Retry-After for what needs a running instance.
import fastify from "fastify";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eddyApi } from "../../src/api/index.js";
import { KafkaStreams } from "../../src/index.js";
import { silentLogger } from "../integration/support/kafka.js";
import { ACCOUNT_COMMANDS, VISIT_COUNTS, accountCommand, apiTestTopology } from "./support/cluster.js";

describe("eddyApi mounted in an application's server", () => {
  const topology = apiTestTopology();
  let app: FastifyInstance;

  beforeAll(async () => {
    const streams = new KafkaStreams(
      topology,
      { applicationId: "mounted", bootstrapServers: "127.0.0.1:9" },
      { logger: silentLogger },
    );
    app = fastify({ logger: false });
    app.get("/own-route", async () => ({ mine: true }));
    await app.register(eddyApi, {
      streams,
      topology,
      commands: [{ topic: ACCOUNT_COMMANDS, schema: accountCommand }],
      prefix: "/eddy",
    });
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
  });

  it("serves under its prefix, beside the application's own routes", async () => {
    expect((await app.inject({ url: "/own-route" })).json()).toEqual({ mine: true });
    const text = await app.inject({ url: "/eddy/topology", headers: { accept: "text/plain" } });
    expect(text.body).toBe(topology.describe().toString());
    const docs = (await app.inject({ url: "/eddy/docs" })).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(docs.paths)).toContain("/eddy/stores/{store}/keys/{key}");
    expect(Object.keys(docs.paths)).toContain("/eddy/commands/account-commands");
  });

  it("answers 503 with Retry-After until the instance runs, and stays live", async () => {
    const lookup = await app.inject({ url: `/eddy/stores/${VISIT_COUNTS}/keys/a` });
    expect(lookup.statusCode).toBe(503);
    expect(lookup.headers["retry-after"]).toBe("1");
    expect(lookup.json()).toMatchObject({
      code: "EDDY_ERR_UNAVAILABLE",
      statusCode: 503,
      error: "Service Unavailable",
    });
    const scan = await app.inject({ url: `/eddy/stores/${VISIT_COUNTS}/keys` });
    expect(scan.statusCode).toBe(503);
    const ready = await app.inject({ url: "/eddy/ready" });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ ready: false, state: "CREATED" });
    expect((await app.inject({ url: "/eddy/health" })).json()).toEqual({ status: "UP", state: "CREATED", stalled: [] });
    // Without Kafka settings the command endpoint cannot send, but still validates first.
    const bad = await app.inject({
      method: "POST",
      url: "/eddy/commands/account-commands?key=a",
      payload: { type: "nope" },
    });
    expect(bad.json()).toMatchObject({ statusCode: 400, code: "EDDY_ERR_INVALID_COMMAND_BODY" });
    const good = await app.inject({
      method: "POST",
      url: "/eddy/commands/account-commands?key=a",
      payload: { type: "open", owner: "x" },
    });
    expect(good.statusCode).toBe(503);
    const notJson = await app.inject({
      method: "POST",
      url: "/eddy/commands/account-commands?key=a",
      headers: { "content-type": "application/json" },
      payload: "{",
    });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json()).toMatchObject({ statusCode: 400, code: "FST_ERR_CTP_INVALID_JSON_BODY" });
  });
});
