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
        Array.from({ length: visitsOf(url) }, () => ({
          partition: partitionForKey(Buffer.from(url), PARTITIONS),
          key: url,
          value: "v",
        })),
      ),
    );
    // Counts become queryable once committed (interactive queries read committed state
    // only), and every task commits on its own: wait for every key.
    await eventually(async () => {
      for (const url of URLS) {
        const { status, body } = await getJson(`${a.url}/stores/${VISIT_COUNTS}/keys/${encodeURIComponent(url)}`);
        if (status !== 200 || (body as { value: number }).value !== visitsOf(url)) return undefined;
      }
      return true;
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
    // Query at the instance that does not own the key, so that the lookup is forwarded.
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
    const refused = await getJson(`${other.url}/stores/${VISIT_COUNTS}/keys/${encodeURIComponent(url)}`, {
      "x-eddy-forwarded-by": owner.host,
    });
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
      const page = body as {
        entries: Array<{ key: string; value: number }>;
        nextCursor: string | null;
        stale: boolean;
      };
      expect(page.stale).toBe(false);
      expect(page.entries.length).toBeLessThanOrEqual(7);
      seen.push(...page.entries);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== null);
    expect(seen.map((e) => e.key)).toEqual(sorted);
    expect(seen.every((e) => e.value === visitsOf(e.key))).toBe(true);
    expect(pages).toBe(Math.ceil(URLS.length / 7));

    const range = await getJson(
      `${a.url}/stores/${VISIT_COUNTS}/keys?from=${encodeURIComponent("/page/10")}&to=${encodeURIComponent("/page/19")}`,
    );
    expect((range.body as { entries: { key: string }[] }).entries.map((e) => e.key)).toEqual(sorted.slice(10, 20));
    const prefix = await getJson(`${a.url}/stores/${VISIT_COUNTS}/keys?prefix=${encodeURIComponent("/page/3")}`);
    expect((prefix.body as { entries: { key: string }[]; nextCursor: null }).entries.map((e) => e.key)).toEqual(
      sorted.slice(30, 40),
    );
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
    // With schema: false the endpoint passes any JSON on; the handler's own schema says no.
    b.api.registerCommand({ topic: ACCOUNT_COMMANDS, schema: false });
    const invalid = await postJson(`${b.url}/commands/${ACCOUNT_COMMANDS}?key=acc-9`, { type: "teleport" });
    expect(invalid.status).toBe(422);
    expect(invalid.body).toMatchObject({ status: "invalid", error: { code: "EDDY_ERR_INVALID_COMMAND" } });
  });

  it("applies a command retried with the same Idempotency-Key once", async () => {
    await postJson(`${a.url}/commands/${ACCOUNT_COMMANDS}?key=acc-2`, { type: "open", owner: "Grace" });
    const headers = { "idempotency-key": "deposit-42" };
    const first = await postJson(
      `${a.url}/commands/${ACCOUNT_COMMANDS}?key=acc-2`,
      { type: "deposit", amount: 42 },
      headers,
    );
    const retry = await postJson(
      `${b.url}/commands/${ACCOUNT_COMMANDS}?key=acc-2`,
      { type: "deposit", amount: 42 },
      headers,
    );
    expect(first.body).toMatchObject({ status: "accepted", reply: { balance: 42 }, replayed: false });
    expect(retry.body).toMatchObject({ status: "accepted", reply: { balance: 42 }, replayed: true });
    // The key with another body: 422 with the reason, nothing applied, the first reply not passed off as its own.
    const reused = await postJson(
      `${b.url}/commands/${ACCOUNT_COMMANDS}?key=acc-2`,
      { type: "deposit", amount: 4200 },
      headers,
    );
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({
      status: "invalid",
      replayed: false,
      error: { code: "EDDY_ERR_IDEMPOTENCY_KEY_REUSED", message: expect.stringContaining("deposit-42") },
    });
    const other = await postJson(
      `${b.url}/commands/${ACCOUNT_COMMANDS}?key=acc-2`,
      { type: "deposit", amount: 1 },
      { "idempotency-key": "deposit-43" },
    );
    expect(other.body).toMatchObject({ reply: { balance: 43 } });
    const state = await eventually(async () => {
      const { status, body } = await getJson(`${a.url}/stores/${ACCOUNTS}/keys/acc-2`);
      return status === 200 && (body as { value: { balance: number } }).value.balance === 43 ? body : undefined;
    });
    expect(state).toMatchObject({ value: { owner: "Grace", balance: 43 } });
  });

  it("lists the stores with their serdes and the instance hosting each task", async () => {
    const { status, body } = await getJson(`${b.url}/stores`);
    expect(status).toBe(200);
    const stores = (
      body as {
        stores: Array<{ name: string; keySerde: string; valueSerde: string; tasks: Array<{ activeHost: string }> }>;
      }
    ).stores;
    // The command handler's idempotency store is Eddy's bookkeeping: not served (apiInternalStores).
    expect(stores.map((s) => s.name).sort()).toEqual([ACCOUNTS, VISIT_COUNTS].sort());
    const counts = stores.find((s) => s.name === VISIT_COUNTS);
    expect(counts).toMatchObject({
      keySerde: "string",
      valueSerde: "long",
      partitions: PARTITIONS,
      changelogTopic: "api-two-visit-counts-changelog",
    });
    expect(counts?.tasks.map((t) => t.activeHost).every((h) => h === a.host || h === b.host)).toBe(true);
  });

  it("serves metadata of both instances, health, readiness and Prometheus metrics", async () => {
    const { body } = await getJson(`${a.url}/metadata`);
    const metadata = body as {
      self: string;
      state: string;
      instances: Array<{
        host: string;
        active: string[];
        view: { state: string; tasks: Array<{ taskId: string; kind: string; state: string; lag: number }> };
      }>;
    };
    expect(metadata).toMatchObject({ applicationId: "api-two", self: a.host, state: "RUNNING", ready: true });
    expect(metadata.instances.map((i) => i.host).sort()).toEqual([a.host, b.host].sort());
    for (const instance of metadata.instances) {
      // Each instance reports (through its own /metadata) the tasks the leader assigned it, running.
      expect(instance.view.state).toBe("RUNNING");
      expect(
        instance.view.tasks
          .filter((t) => t.kind === "active")
          .map((t) => t.taskId)
          .sort(),
      ).toEqual([...instance.active].sort());
      expect(instance.view.tasks.every((t) => t.state === "running" && t.lag >= 0)).toBe(true);
    }
    expect(await getJson(`${a.url}/health`)).toMatchObject({ status: 200, body: { status: "UP", state: "RUNNING" } });
    expect(await getJson(`${b.url}/ready`)).toMatchObject({ status: 200, body: { ready: true } });

    const response = await fetch(`${a.url}/metrics`);
    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = await response.text();
    const value = (line: string): number =>
      Number(
        text
          .split("\n")
          .find((l) => l.startsWith(`${line} `))
          ?.slice(line.length + 1),
      );
    expect(value("eddy_ready")).toBe(1);
    expect(value('eddy_state{state="RUNNING"}')).toBe(1);
    // a processed some of the visits and commands; both together processed all of them.
    const processed = value("eddy_records_processed_total");
    expect(processed).toBeGreaterThan(0);
    for (const family of [
      "eddy_commit_latency_seconds",
      "eddy_transaction_aborts_total",
      "eddy_task_lag_records",
      "eddy_restore_records_total",
      "eddy_query_duration_seconds",
      "eddy_command_duration_seconds",
    ]) {
      expect(text).toContain(`# TYPE ${family} `);
    }
    // Lookups answered here were counted in the query histogram, bucket by bucket.
    const count =
      value(`eddy_query_duration_seconds_count{store="${VISIT_COUNTS}",operation="get",outcome="local"}`) || 0;
    const forwarded =
      value(`eddy_query_duration_seconds_count{store="${VISIT_COUNTS}",operation="get",outcome="forwarded"}`) || 0;
    expect(count + forwarded).toBeGreaterThan(0);
    expect(text).toMatch(
      /eddy_query_duration_seconds_bucket\{store="visit-counts",operation="get",outcome="[a-z_]+",le="\+Inf"\} \d+/,
    );
    // Kafka Streams' per-node metrics, under its names: a series per node of every active task here,
    // its process-total the app's own count; and a lag series per input partition.
    const nodes = a.streams.metrics().processorNodes;
    const active = metadata.instances.find((i) => i.host === a.host)?.active ?? [];
    expect(Object.keys(nodes).sort()).toEqual([...active].sort());
    for (const task of active) {
      const sub = Number(task.split("_")[0]);
      for (const node of env.topology.subtopology(sub).nodes) {
        const series = `{task_id="${task}",processor_node_id="${node}"}`;
        expect(value(`kafka_streams_stream_processor_node_metrics_process_total${series}`)).toBeGreaterThanOrEqual(
          nodes[task]?.[node]?.processTotal ?? Infinity,
        );
        expect(value(`kafka_streams_stream_processor_node_metrics_process_rate${series}`)).toBeGreaterThanOrEqual(0);
      }
    }
    expect(
      text.match(/^eddy_partition_lag_records\{task_id="\d+_\d+",kind="active",topic="[^"]+",partition="\d+"\} \d+$/gm)
        ?.length,
    ).toBe(active.length);
  });

  it("serves the topology as Kafka Streams text, JSON or a page, by Accept", async () => {
    const text = await fetch(`${a.url}/topology`, { headers: { accept: "*/*" } });
    expect(text.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await text.text()).toBe(env.topology.describe().toString());
    const json = await getJson(`${a.url}/topology`);
    expect(json.body).toEqual(JSON.parse(JSON.stringify(env.topology.describe().toJSON())));
    const html = await fetch(`${a.url}/topology`, { headers: { accept: "text/html,application/xhtml+xml,*/*;q=0.8" } });
    expect(html.headers.get("content-type")).toMatch(/^text\/html/);
    const refused = await getJson(`${a.url}/topology`, { accept: "image/png" });
    expect(refused).toMatchObject({ status: 406, body: { code: "EDDY_ERR_NOT_ACCEPTABLE" } });
  });

  it("documents the API in OpenAPI 3.1, with the command schemas", async () => {
    const { body } = await getJson(`${a.url}/docs`);
    const doc = body as {
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          { parameters: { name: string; in: string }[]; requestBody?: { content: Record<string, { schema: unknown }> } }
        >
      >;
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/stores",
        "/stores/{store}/keys/{key}",
        "/stores/{store}/keys",
        `/commands/${ACCOUNT_COMMANDS}`,
        "/topology",
        "/metadata",
        "/health",
        "/ready",
        "/metrics",
        "/docs",
      ]),
    );
    const lookup = doc.paths["/stores/{store}/keys/{key}"]?.get;
    expect(lookup?.parameters.map((p) => `${p.in}:${p.name}`)).toEqual([
      "path:store",
      "path:key",
      "query:allowStale",
      "query:position",
      "query:positionTimeoutMs",
      "query:asOf",
      "header:x-eddy-position",
    ]);
    expect(doc.paths["/stores/{store}/keys/{key}/versions"]?.get).toBeDefined();
    const command = doc.paths[`/commands/${ACCOUNT_COMMANDS}`]?.post;
    const schema = JSON.stringify(command?.requestBody?.content["application/json"]?.schema);
    for (const type of ["open", "deposit", "withdraw"]) expect(schema).toContain(`"const":"${type}"`);
    expect(command?.parameters.map((p) => p.name)).toEqual(["key", "timeoutMs", "Idempotency-Key"]);
  });

  it("answers 504 when no reply comes in time", async () => {
    const slow = await postJson(`${a.url}/commands/${ACCOUNT_COMMANDS}?key=acc-3&timeoutMs=1`, {
      type: "open",
      owner: "Linus",
    });
    expect(slow).toMatchObject({ status: 504, body: { code: "EDDY_ERR_COMMAND_TIMEOUT" } });
  });
});
