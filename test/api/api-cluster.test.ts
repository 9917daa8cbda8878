// Two (then three) KafkaStreams instances over the embedded broker, each serving the API:
// lookups routed to the owner, scans across instances, commands over HTTP, and queries
// during rebalances. at_least_once: exactly-once waits on the broker's transactions.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { partitionForKey } from "../../src/kafka/partitioner.js";
import { eventually, produce } from "../integration/support/kafka.js";
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
} from "./support/cluster.js";
import type { ApiTestCluster, Instance } from "./support/cluster.js";

const TASKS = 2 * PARTITIONS;
// Keys with every partition hit, so each instance owns some of them.
const URLS = Array.from({ length: 40 }, (_, i) => `/page/${String(i).padStart(2, "0")}`);
const visitsOf = (url: string): number => (Number(url.slice(-2)) % 3) + 1;

describe("the API over two instances", () => {
  let env: ApiTestCluster;
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    env = await startApiTestCluster("api-two");
    [a, b] = await Promise.all([env.start("a"), env.start("b")]);
    await settled([a, b], TASKS);
    await produce(
      env.cluster.kafka,
      VISITS,
      URLS.flatMap((url) =>
        Array.from({ length: visitsOf(url) }, () => ({ partition: partitionForKey(Buffer.from(url), PARTITIONS), key: url, value: "v" })),
      ),
    );
    // Counts become queryable once committed (interactive queries read committed state only).
    await eventually(async () => {
      const last = URLS[URLS.length - 1] ?? "";
      const { status, body } = await getJson(`${a.url}/stores/${VISIT_COUNTS}/keys/${encodeURIComponent(last)}`);
      return status === 200 && (body as { value: number }).value === visitsOf(last) ? true : undefined;
    });
  });

  afterAll(async () => {
    await env?.close();
  });

  function ownerOf(store: string, key: string): Instance {
    const meta = a.streams.queryMetadataForKey(store, key);
    const owner = [a, b].find((i) => i.host === meta.activeHost);
    if (owner === undefined) throw new Error(`no owner for ${key}`);
    return owner;
  }

  it("answers a key owned by the other instance with its value, naming who served it", async () => {
    // The assignor balances tasks over both sub-topologies, so one instance may own every
    // visit-count task: query at the other one.
    const url = URLS[0] ?? "";
    const owner = ownerOf(VISIT_COUNTS, url);
    const other = owner === a ? b : a;
    const routed = await getJson(`${other.url}/stores/${VISIT_COUNTS}/keys/${encodeURIComponent(url)}`);
    expect(routed.status).toBe(200);
    expect(routed.headers.get("x-eddy-served-by")).toBe(owner.host);
    expect(routed.body).toMatchObject({ store: VISIT_COUNTS, key: url, value: visitsOf(url), stale: false });
    const here = await getJson(`${owner.url}/stores/${VISIT_COUNTS}/keys/${encodeURIComponent(url)}`);
    expect(here.headers.get("x-eddy-served-by")).toBe(owner.host);
    expect(here.body).toEqual(routed.body);
    // Every key, from either instance, gives the committed count.
    for (const instance of [a, b]) {
      for (const key of URLS) {
        const { body } = await getJson(`${instance.url}/stores/${VISIT_COUNTS}/keys/${encodeURIComponent(key)}`);
        expect((body as { value: number }).value).toBe(visitsOf(key));
      }
    }
  });

  it("answers 404 for a missing key or store, 400 for bad parameters", async () => {
    const missing = await getJson(`${a.url}/stores/${VISIT_COUNTS}/keys/nope`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: "EDDY_ERR_KEY_NOT_FOUND", statusCode: 404 });
    const store = await getJson(`${a.url}/stores/nope/keys/x`);
    expect(store).toMatchObject({ status: 404, body: { code: "EDDY_ERR_STORE_NOT_FOUND" } });
    const param = await getJson(`${a.url}/stores/${VISIT_COUNTS}/keys?limit=0&bogus=1`);
    expect(param.status).toBe(400);
    expect((param.body as { issues: { path: string[] }[] }).issues.map((i) => i.path.join("."))).toEqual(
      expect.arrayContaining(["limit"]),
    );
    const cursor = await getJson(`${a.url}/stores/${VISIT_COUNTS}/keys?cursor=zzz`);
    expect(cursor).toMatchObject({ status: 400, body: { code: "EDDY_ERR_INVALID_CURSOR" } });
  });

  it("never forwards a forwarded request again", async () => {
    const url = URLS[0] ?? "";
    const owner = ownerOf(VISIT_COUNTS, url);
    const other = owner === a ? b : a;
    const refused = await getJson(`${other.url}/stores/${VISIT_COUNTS}/keys/${encodeURIComponent(url)}`, { "x-eddy-forwarded-by": owner.host });
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect(refused.body).toMatchObject({ code: "EDDY_ERR_UNAVAILABLE" });
  });

  it("scans both instances: every key once, in order, page by page", async () => {
    const sorted = [...URLS].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    const seen: Array<{ key: string; value: number }> = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor === null ? "limit=7" : `limit=7&cursor=${cursor}`;
      const { status, body } = await getJson(`${b.url}/stores/${VISIT_COUNTS}/keys?${query}`);
      expect(status).toBe(200);
      const page = body as { entries: Array<{ key: string; value: number }>; nextCursor: string | null; stale: boolean };
      expect(page.stale).toBe(false);
      expect(page.entries.length).toBeLessThanOrEqual(7);
      seen.push(...page.entries);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== null);
    expect(seen.map((e) => e.key)).toEqual(sorted);
    expect(seen.every((e) => e.value === visitsOf(e.key))).toBe(true);
    expect(pages).toBe(Math.ceil(URLS.length / 7));

    const range = await getJson(`${a.url}/stores/${VISIT_COUNTS}/keys?from=${encodeURIComponent("/page/10")}&to=${encodeURIComponent("/page/19")}`);
    expect((range.body as { entries: { key: string }[] }).entries.map((e) => e.key)).toEqual(sorted.slice(10, 20));
    const prefix = await getJson(`${a.url}/stores/${VISIT_COUNTS}/keys?prefix=${encodeURIComponent("/page/3")}`);
    expect((prefix.body as { entries: { key: string }[]; nextCursor: null }).entries.map((e) => e.key)).toEqual(sorted.slice(30, 40));
  });

  it("sends commands and answers with their replies: accepted, rejected (409), invalid (422), bad bodies (400)", async () => {
    const opened = await postJson(`${a.url}/commands/${ACCOUNT_COMMANDS}?key=acc-1`, { type: "open", owner: "Ada" });
    expect(opened.status).toBe(200);
    expect(opened.headers.get("eddy-reply-status")).toBe("accepted");
    expect(opened.body).toMatchObject({ status: "accepted", reply: { balance: 0 }, replayed: false });
    const again = await postJson(`${b.url}/commands/${ACCOUNT_COMMANDS}?key=acc-1`, { type: "open", owner: "Ada" });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ status: "rejected", error: { code: "ACCOUNT_EXISTS" } });
    const overdraw = await postJson(`${b.url}/commands/${ACCOUNT_COMMANDS}?key=acc-1`, { type: "withdraw", amount: 5 });
    expect(overdraw).toMatchObject({ status: 409, body: { error: { code: "INSUFFICIENT_FUNDS" } } });

    const bad = await postJson(`${a.url}/commands/${ACCOUNT_COMMANDS}?key=acc-1`, { type: "deposit", amount: -3 });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: "EDDY_ERR_INVALID_COMMAND_BODY" });
    expect((bad.body as { issues: { path: unknown[] }[] }).issues[0]?.path).toEqual(["amount"]);
    const noKey = await postJson(`${a.url}/commands/${ACCOUNT_COMMANDS}`, { type: "open", owner: "Bo" });
    expect(noKey).toMatchObject({ status: 400, body: { code: "EDDY_ERR_INVALID_REQUEST" } });
    const unknownTopic = await postJson(`${a.url}/commands/nope?key=x`, {});
    expect(unknownTopic).toMatchObject({ status: 404, body: { code: "EDDY_ERR_COMMAND_TOPIC_NOT_FOUND" } });
  });

  it("answers 422 when the handler finds the command invalid", async () => {
    // Registered without a schema, the endpoint passes any JSON on; the handler's schema says no.
    b.api.registerCommand({ topic: ACCOUNT_COMMANDS });
    const invalid = await postJson(`${b.url}/commands/${ACCOUNT_COMMANDS}?key=acc-9`, { type: "teleport" });
    expect(invalid.status).toBe(422);
    expect(invalid.body).toMatchObject({ status: "invalid", error: { code: "EDDY_ERR_INVALID_COMMAND" } });
  });

  it("applies a command retried with the same Idempotency-Key once", async () => {
    await postJson(`${a.url}/commands/${ACCOUNT_COMMANDS}?key=acc-2`, { type: "open", owner: "Grace" });
    const headers = { "idempotency-key": "deposit-42" };
    const first = await postJson(`${a.url}/commands/${ACCOUNT_COMMANDS}?key=acc-2`, { type: "deposit", amount: 42 }, headers);
    const retry = await postJson(`${b.url}/commands/${ACCOUNT_COMMANDS}?key=acc-2`, { type: "deposit", amount: 42 }, headers);
    expect(first.body).toMatchObject({ status: "accepted", reply: { balance: 42 }, replayed: false });
    expect(retry.body).toMatchObject({ status: "accepted", reply: { balance: 42 }, replayed: true });
    const other = await postJson(`${b.url}/commands/${ACCOUNT_COMMANDS}?key=acc-2`, { type: "deposit", amount: 1 }, { "idempotency-key": "deposit-43" });
    expect(other.body).toMatchObject({ reply: { balance: 43 } });
    const state = await eventually(async () => {
      const { status, body } = await getJson(`${a.url}/stores/${ACCOUNTS}/keys/acc-2`);
      return status === 200 && (body as { value: { balance: number } }).value.balance === 43 ? body : undefined;
    });
    expect(state).toMatchObject({ value: { owner: "Grace", balance: 43 } });
  });

  it("answers 504 when no reply comes in time", async () => {
    const slow = await postJson(`${a.url}/commands/${ACCOUNT_COMMANDS}?key=acc-3&timeoutMs=1`, { type: "open", owner: "Linus" });
    expect(slow).toMatchObject({ status: 504, body: { code: "EDDY_ERR_COMMAND_TIMEOUT" } });
  });
});
