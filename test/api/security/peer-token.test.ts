// Two instances with tokens: a lookup asked at one instance for a key the other owns is
// forwarded with the instance's own peer token, so a client's read token is enough
// anywhere; instances that do not share the peer token cannot forward (503 naming the
// setting); internal stores answer admin tokens when the config allows them, forwarded
// too. Without tokens, an instance listens on loopback only, whatever it advertises.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { partitionForKey } from "../../../src/kafka/partitioner.js";
import type { StreamsConfig } from "../../../src/index.js";
import { eventually } from "../../integration/support/kafka.js";
import {
  ACCOUNT_COMMANDS,
  ACCOUNTS,
  PARTITIONS,
  VISIT_COUNTS,
  VISITS,
  getJson,
  postJson,
  settled,
  startApiTestCluster,
} from "../support/cluster.js";
import type { ApiTestCluster, Instance } from "../support/cluster.js";
import { produce } from "../../integration/support/kafka.js";

const READER = "reader-token-0123456789abcdef";
const ADMIN = "admin-token-0123456789abcdef";
const PEER = "peer-token-0123456789abcdef";
const apiTokens: NonNullable<StreamsConfig["apiTokens"]> = [
  { name: "reader", token: READER, scopes: ["read"] },
  { name: "ops", token: ADMIN, scopes: ["admin"] },
];
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe("instances with tokens", () => {
  let api: ApiTestCluster;
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    api = await startApiTestCluster("api-peers");
    const secured = { apiTokens, apiPeerToken: PEER, apiInternalStores: true };
    a = await api.start("a", secured);
    b = await api.start("b", secured);
    await settled([a, b], 2 * PARTITIONS);
  }, 60_000);

  afterAll(async () => {
    await api?.close();
  });

  /** A key of `store` whose task `instance` does not run. */
  function keyOwnedElsewhere(instance: Instance, store: string): string {
    for (let i = 0; ; i += 1) {
      const key = `key-${i}`;
      const owner = instance.streams.queryMetadataForKey(store, key).activeHost;
      if (owner !== undefined && owner !== instance.host) return key;
    }
  }

  it("forwards lookups and scans with the peer token, so a read token works at any instance", async () => {
    const key = keyOwnedElsewhere(a, VISIT_COUNTS);
    await produce(api.cluster.kafka, VISITS, [
      { partition: partitionForKey(Buffer.from(key), PARTITIONS), key, value: "v" },
    ]);
    const answer = await eventually(
      async () => {
        const response = await getJson(`${a.url}/stores/${VISIT_COUNTS}/keys/${key}`, bearer(READER));
        return response.status === 200 ? response : undefined;
      },
      30_000,
      "the forwarded lookup",
    );
    expect(answer.body).toMatchObject({ key, value: 1 });
    expect(answer.headers.get("x-eddy-served-by")).toBe(b.host);
    expect((await getJson(`${a.url}/stores/${VISIT_COUNTS}/keys/${key}`)).status).toBe(401);
    const scan = await getJson(`${a.url}/stores/${VISIT_COUNTS}/keys`, bearer(READER));
    expect(scan.status).toBe(200);
    const metadata = await getJson(`${a.url}/metadata`, bearer(READER));
    expect((metadata.body as { instances: Array<{ view: unknown }> }).instances.every((i) => i.view !== null)).toBe(
      true,
    );
  });

  it("serves internal stores to admin tokens only, forwarded to the owner as well", async () => {
    const idempotency = `${ACCOUNTS}-idempotency`;
    const account = keyOwnedElsewhere(a, ACCOUNTS);
    const sent = await postJson(
      `${a.url}/commands/${ACCOUNT_COMMANDS}?key=${account}`,
      { type: "open", owner: "Ada" },
      { ...bearer(ADMIN), "idempotency-key": "open-once" },
    );
    expect(sent.status).toBe(200);
    const remembered = await eventually(
      async () => {
        const response = await getJson(`${a.url}/stores/${idempotency}/keys/${account}`, bearer(ADMIN));
        return response.status === 200 ? response : undefined;
      },
      30_000,
      "the idempotency entry",
    );
    expect(JSON.stringify(remembered.body)).toContain("open-once");
    expect(remembered.headers.get("x-eddy-served-by")).toBe(b.host);
    expect((await getJson(`${a.url}/stores/${idempotency}/keys/${account}`, bearer(READER))).status).toBe(403);
    const stores = (await getJson(`${a.url}/stores`, bearer(READER))).body as { stores: Array<{ name: string }> };
    expect(stores.stores.map((s) => s.name)).not.toContain(idempotency);
  });
});

describe("instances that do not share a peer token", () => {
  let api: ApiTestCluster;

  beforeAll(async () => {
    api = await startApiTestCluster("api-peer-mismatch");
  });

  afterAll(async () => {
    await api?.close();
  });

  it("cannot forward, and say which setting to fix", async () => {
    const a = await api.start("a", { apiTokens, apiPeerToken: PEER });
    const b = await api.start("b", { apiTokens, apiPeerToken: `${PEER}-other` });
    await settled([a, b], 2 * PARTITIONS);
    let key = "";
    for (let i = 0; key === ""; i += 1) {
      if (a.streams.queryMetadataForKey(VISIT_COUNTS, `k${i}`).activeHost === b.host) key = `k${i}`;
    }
    const response = await getJson(`${a.url}/stores/${VISIT_COUNTS}/keys/${key}`, bearer(READER));
    expect(response.status).toBe(503);
    expect(JSON.stringify(response.body)).toContain("apiPeerToken");
  });

  it("listens on loopback only without tokens, though it advertises another name", async () => {
    const { freePort } = await import("../../integration/support/ports.js");
    const port = await freePort();
    // An advertised name that is not this machine's: with tokens it would fail to listen there.
    const open = await api.start("open", { applicationServer: `192.0.2.1:${port}` });
    expect(open.api.url).toBe(`http://127.0.0.1:${port}`);
    expect((await getJson(`http://127.0.0.1:${port}/health`)).status).toBe(200);
  });
});
