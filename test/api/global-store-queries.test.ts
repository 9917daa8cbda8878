// Global stores over HTTP: every instance holds the whole GlobalKTable, so a lookup or a
// scan is answered by the instance asked (no routing, no 503 for a store without tasks),
// under the same scopes as any store; GET /stores and the OpenAPI document say so, and
// `eddy query` reads it like any store.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { commands } from "../../src/cli/commands.js";
import { KafkaStreams, Serdes, StreamsBuilder } from "../../src/index.js";
import type { StreamsConfig } from "../../src/index.js";
import {
  createTopic,
  eventually,
  produce,
  silentLogger,
  startTestCluster,
  testStreamsConfig,
} from "../integration/support/kafka.js";
import type { TestCluster } from "../integration/support/kafka.js";
import { freePort } from "../integration/support/ports.js";
import { getJson } from "./support/cluster.js";

const READER = "reader-token-0123456789abcdef";
const COMMANDER = "commander-token-0123456789abcdef";
const apiTokens: NonNullable<StreamsConfig["apiTokens"]> = [
  { name: "reader", token: READER, scopes: ["read"] },
  { name: "commander", token: COMMANDER, scopes: ["command"] },
];

function topology() {
  const builder = new StreamsBuilder();
  const strings = { key: Serdes.string(), value: Serdes.string() };
  const catalog = builder.globalTable("catalog", {
    key: Serdes.string(),
    value: Serdes.json<{ name: string }>(),
    store: "catalog",
  });
  builder
    .stream("orders", strings)
    .join(
      catalog,
      (_id, product) => product,
      (product, item) => `${product}:${item.name}`,
    )
    .to("orders-named", strings);
  return builder.build();
}

describe("global stores over HTTP", () => {
  let cluster: TestCluster;
  let stateDir: string;
  const instances: KafkaStreams[] = [];
  const urls: string[] = [];
  const reader = { authorization: `Bearer ${READER}` };

  beforeAll(async () => {
    cluster = await startTestCluster();
    stateDir = await mkdtemp(join(tmpdir(), "eddy-global-api-"));
    await createTopic(cluster.kafka, "catalog", 3);
    await createTopic(cluster.kafka, "orders", 2);
    await createTopic(cluster.kafka, "orders-named", 2);
    await produce(
      cluster.kafka,
      "catalog",
      Array.from({ length: 12 }, (_, i) => ({
        key: `p${String(i).padStart(2, "0")}`,
        value: JSON.stringify({ name: `product ${i}` }),
        partition: i % 3,
      })),
    );
    for (const name of ["a", "b"]) {
      const port = await freePort();
      const streams = new KafkaStreams(
        topology(),
        testStreamsConfig(cluster.bootstrap, join(stateDir, name), {
          applicationId: "global-api",
          applicationServer: `127.0.0.1:${port}`,
          processingGuarantee: "at_least_once",
          apiTokens,
        }),
        { logger: silentLogger },
      );
      instances.push(streams);
      await streams.start();
      urls.push(streams.apiServer?.url as string);
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all(instances.map((streams) => streams.close()));
    await cluster?.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  it("answers a lookup on every instance, locally, with the same scopes as any store", async () => {
    for (const url of urls) {
      const found = await getJson(`${url}/stores/catalog/keys/p07`, reader);
      expect(found.status).toBe(200);
      expect(found.body).toEqual({
        store: "catalog",
        key: "p07",
        value: { name: "product 7" },
        global: true,
        stale: false,
      });
      // Served by the instance asked: nothing is routed.
      expect(found.headers.get("x-eddy-served-by")).toBe(new URL(url).host);
      const missing = await getJson(`${url}/stores/catalog/keys/nope`, reader);
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ code: "EDDY_ERR_KEY_NOT_FOUND" });
    }
    expect((await getJson(`${urls[0]}/stores/catalog/keys/p07`)).status).toBe(401);
    expect((await getJson(`${urls[0]}/stores/catalog/keys/p07`, { authorization: `Bearer ${COMMANDER}` })).status).toBe(
      403,
    );
  });

  it("follows the topic: an update is visible on every instance", async () => {
    await produce(cluster.kafka, "catalog", [{ key: "p01", value: JSON.stringify({ name: "renamed" }), partition: 1 }]);
    for (const url of urls) {
      await eventually(
        async () => {
          const answer = await getJson(`${url}/stores/catalog/keys/p01`, reader);
          return (answer.body as { value?: { name: string } }).value?.name === "renamed" ? true : undefined;
        },
        20_000,
        "the update on every instance",
      );
    }
  });

  it("scans the whole store in key order, paged, on the instance asked", async () => {
    const keys: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await getJson(
        `${urls[1]}/stores/catalog/keys?limit=5${cursor === null ? "" : `&cursor=${cursor}`}`,
        reader,
      );
      expect(page.status).toBe(200);
      const body = page.body as { entries: { key: string }[]; nextCursor: string | null; global: boolean };
      expect(body.global).toBe(true);
      keys.push(...body.entries.map((e) => e.key));
      cursor = body.nextCursor;
    } while (cursor !== null);
    expect(keys).toEqual(Array.from({ length: 12 }, (_, i) => `p${String(i).padStart(2, "0")}`));
    const prefix = await getJson(`${urls[0]}/stores/catalog/keys?prefix=p1`, reader);
    expect((prefix.body as { entries: { key: string }[] }).entries.map((e) => e.key)).toEqual(["p10", "p11"]);
  });

  it("lists the store as global, without tasks, and documents it", async () => {
    const stores = await getJson(`${urls[0]}/stores`, reader);
    const catalog = (stores.body as { stores: Record<string, unknown>[] }).stores.find((s) => s.name === "catalog");
    expect(catalog).toMatchObject({ global: true, tasks: [], partitions: 3, changelogTopic: "catalog" });
    const docs = await getJson(`${urls[0]}/docs`, reader);
    expect(JSON.stringify(docs.body)).toContain("A global store (GlobalKTable) is answered by the instance asked");
  });

  it("eddy query reads a global store as any store", async () => {
    const query = commands.find((c) => c.name === "query");
    let stdout = "";
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      stdout += String(chunk);
      return true;
    });
    try {
      expect(await query?.run(["catalog", "p03", "--url", urls[1] as string, "--token", READER])).toBe(0);
      expect(
        await query?.run(["catalog", "--prefix", "p0", "--limit", "2", "--url", urls[0] as string, "--token", READER]),
      ).toBe(0);
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
    const lines = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as unknown);
    expect(lines).toEqual([
      { name: "product 3" },
      { key: "p00", value: { name: "product 0" } },
      { key: "p01", value: { name: "renamed" } },
    ]);
  });
});
