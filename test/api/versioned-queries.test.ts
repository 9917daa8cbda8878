// Versioned store queries over HTTP on two instances of the embedded broker (Kafka
// Streams' VersionedKeyQuery and MultiVersionedKeyQuery): a price table kept in a
// versioned store answers a key's latest version, the version valid at a time (?asOf=),
// and its versions in a range, page by page, from either instance (forwarded to the
// owner); deletions end a version; reads older than the history answer as the store
// does; queries that do not fit a store's type answer 400 with the route to use.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { partitionForKey } from "../../src/kafka/partitioner.js";
import { Serdes, Stores, StreamsBuilder } from "../../src/index.js";
import { eventually, produce } from "../integration/support/kafka.js";
import { lines, query } from "../cli/support/eddy-here.js";
import { PARTITIONS, getJson, settled, startApiTestCluster } from "./support/cluster.js";
import type { ApiTestCluster, Instance } from "./support/cluster.js";

const PRICES = "vq-prices";
const STORE = "prices";
const TICKS = "vq-ticks";
const TICK_COUNTS = "tick-counts";
const HISTORY = 60_000;
const strings = { key: Serdes.string(), value: Serdes.string() };
// Recent times: the changelog keeps versions for the history retention plus a day.
const T0 = Math.floor((Date.now() - 10 * 60_000) / 1000) * 1000;
const ITEMS = Array.from({ length: 6 }, (_, i) => `item-${i}`);

type Version = { value: unknown; timestamp: number; validTo: number | null };
type Page = { versions: Version[]; nextCursor: string | null; stale: boolean };

/** Every item: 1.00 at T0, 1.10 at T0+10s, deleted at T0+20s, 1.30 at T0+30s (prices in cents differ per item). */
const price = (item: string, step: number) => `${ITEMS.indexOf(item) + 1}.${step}0`;
const history = (item: string): Version[] => [
  { value: price(item, 0), timestamp: T0, validTo: T0 + 10_000 },
  { value: price(item, 1), timestamp: T0 + 10_000, validTo: T0 + 20_000 },
  { value: price(item, 3), timestamp: T0 + 30_000, validTo: null },
];

function pricesTopology() {
  const builder = new StreamsBuilder();
  builder.table(PRICES, { ...strings, ...Stores.persistentVersionedKeyValueStore(STORE, HISTORY) });
  builder.stream(TICKS, strings).groupByKey().count({ store: TICK_COUNTS });
  return builder.build();
}

describe("versioned store queries over HTTP", () => {
  let env: ApiTestCluster;
  let a: Instance;
  let b: Instance;
  const keyUrl = (at: Instance, item: string, query = "") =>
    `${at.url}/stores/${STORE}/keys/${item}${query === "" ? "" : `?${query}`}`;
  const versionsUrl = (at: Instance, item: string, query = "") =>
    `${at.url}/stores/${STORE}/keys/${item}/versions${query === "" ? "" : `?${query}`}`;

  beforeAll(async () => {
    env = await startApiTestCluster("versioned-queries", { topology: pricesTopology(), topics: [PRICES, TICKS] });
    [a, b] = await Promise.all([env.start("a"), env.start("b")]);
    await settled([a, b], 2 * PARTITIONS);
    const steps: Array<[number, number | null]> = [
      [0, 0],
      [10_000, 1],
      [20_000, null],
      [30_000, 3],
    ];
    await produce(
      env.cluster.kafka,
      PRICES,
      steps.flatMap(([at, step]) =>
        ITEMS.map((item) => ({
          partition: partitionForKey(Buffer.from(item), PARTITIONS),
          key: item,
          value: step === null ? null : price(item, step),
          timestamp: String(T0 + at),
        })),
      ),
    );
    await eventually(async () => {
      for (const item of ITEMS) {
        const { status, body } = await getJson(versionsUrl(a, item));
        if (status !== 200 || JSON.stringify((body as Page).versions) !== JSON.stringify([...history(item)].reverse()))
          return undefined;
      }
      return true;
    });
  });

  afterAll(async () => {
    await env?.close();
  });

  function ownerOf(item: string): Instance {
    const host = a.streams.queryMetadataForKey(STORE, item).activeHost;
    const owner = [a, b].find((i) => i.host === host);
    if (owner === undefined) throw new Error(`no owner for ${item}`);
    return owner;
  }

  it("answers a key's latest version from either instance, forwarded to the owner", async () => {
    expect(new Set(ITEMS.map((item) => ownerOf(item).name)).size, "the keys are spread over both").toBe(2);
    for (const item of ITEMS) {
      const meta = a.streams.queryMetadataForKey(STORE, item);
      for (const at of [a, b]) {
        const { status, headers, body } = await getJson(keyUrl(at, item));
        expect(status).toBe(200);
        expect(headers.get("x-eddy-served-by")).toBe(ownerOf(item).host);
        expect(body).toEqual({
          store: STORE,
          key: item,
          value: price(item, 3),
          timestamp: T0 + 30_000,
          validTo: null,
          partition: meta.partition,
          taskId: meta.taskId,
          stale: false,
        });
      }
    }
  });

  it("answers the version valid at a time, in milliseconds or ISO 8601, and 404 where none was", async () => {
    const item = ITEMS[1]!;
    for (const at of [a, b]) {
      const first = await getJson(keyUrl(at, item, `asOf=${T0 + 5_000}`));
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ value: price(item, 0), timestamp: T0, validTo: T0 + 10_000 });
      const iso = await getJson(keyUrl(at, item, `asOf=${new Date(T0 + 10_000).toISOString()}`));
      expect(iso.body).toMatchObject({ value: price(item, 1), timestamp: T0 + 10_000, validTo: T0 + 20_000 });
      const latest = await getJson(keyUrl(at, item, `asOf=${T0 + 60_000}`));
      expect(latest.body).toMatchObject({ value: price(item, 3), timestamp: T0 + 30_000, validTo: null });
      // Deleted at T0+20s, and nothing before T0.
      for (const when of [T0 + 25_000, T0 - 1]) {
        const none = await getJson(keyUrl(at, item, `asOf=${when}`));
        expect(none.status).toBe(404);
        expect(none.body).toMatchObject({ code: "EDDY_ERR_KEY_NOT_FOUND", stale: false });
      }
    }
    const missing = await getJson(keyUrl(a, "no-such-item"));
    expect(missing.status).toBe(404);
  });

  it("lists a key's versions in a range, newest or oldest first, page by page", async () => {
    const item = ITEMS[2]!;
    const all = history(item);
    const ranged = await getJson(versionsUrl(b, item, `from=${T0 + 15_000}&to=${T0 + 35_000}&order=asc`));
    expect(ranged.status).toBe(200);
    // 1.10 was still valid at T0+15s; the deletion is not a version.
    expect((ranged.body as Page).versions).toEqual(all.slice(1));
    const before = await getJson(versionsUrl(a, item, `to=${T0 - 1}`));
    expect((before.body as Page).versions).toEqual([]);

    for (const [order, expected] of [
      ["asc", all],
      ["desc", [...all].reverse()],
    ] as const) {
      for (const at of [a, b]) {
        const seen: Version[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const query: string = `order=${order}&limit=2${cursor === null ? "" : `&cursor=${cursor}`}`;
          const page = (await getJson(versionsUrl(at, item, query))).body as Page;
          seen.push(...page.versions);
          cursor = page.nextCursor;
          pages += 1;
        } while (cursor !== null);
        expect(pages).toBe(2);
        expect(seen).toEqual(expected);
      }
    }
  });

  it("answers 400 with the route to use when a query does not fit the store, or a time is not one", async () => {
    const asOfOnCount = await getJson(`${a.url}/stores/${TICK_COUNTS}/keys/x?asOf=${T0}`);
    expect(asOfOnCount.status).toBe(400);
    expect(asOfOnCount.body).toMatchObject({ code: "EDDY_ERR_WRONG_STORE_TYPE" });
    const versionsOfCount = await getJson(`${a.url}/stores/${TICK_COUNTS}/keys/x/versions`);
    expect(versionsOfCount.status).toBe(400);
    const windowsOfPrices = await getJson(`${a.url}/stores/${STORE}/keys/x/windows`);
    expect(windowsOfPrices.status).toBe(400);
    expect((windowsOfPrices.body as { message: string }).message).toContain(`/stores/${STORE}/keys/{key}/versions`);
    const badTime = await getJson(keyUrl(a, ITEMS[0]!, "asOf=yesterday"));
    expect(badTime.status).toBe(400);
    expect(badTime.body).toMatchObject({ code: "EDDY_ERR_INVALID_TIME_RANGE" });
    const backwards = await getJson(versionsUrl(a, ITEMS[0]!, `from=${T0 + 1}&to=${T0}`));
    expect(backwards.status).toBe(400);
    const badCursor = await getJson(versionsUrl(a, ITEMS[0]!, "cursor=x"));
    expect(badCursor.status).toBe(400);
  });

  it("eddy query prints the latest version, the one as of a time, and the versions in a range", async () => {
    const item = ITEMS[4]!;
    const latest = await query(STORE, item, "--url", a.url);
    expect(latest).toMatchObject({ code: 0, stdout: `${JSON.stringify(price(item, 3))}\n` });
    const asOf = await query(STORE, item, "--url", b.url, "--as-of", new Date(T0 + 15_000).toISOString(), "--full");
    expect(asOf.code).toBe(0);
    expect(JSON.parse(asOf.stdout)).toMatchObject({
      value: price(item, 1),
      timestamp: T0 + 10_000,
      validTo: T0 + 20_000,
    });
    const deleted = await query(STORE, item, "--url", a.url, "--as-of", String(T0 + 25_000));
    expect(deleted.code).toBe(1);
    expect(deleted.stderr).toContain("has no value");
    // Oldest first unless --desc, as windows are listed; a range alone finds the versions too.
    const all = await query(STORE, item, "--url", a.url, "--versions", "--limit", "1", "--all");
    expect(lines(all.stdout)).toEqual(history(item));
    const newest = await query(STORE, item, "--url", b.url, "--from", String(T0 + 15_000), "--desc");
    expect(lines(newest.stdout)).toEqual([...history(item).slice(1)].reverse());
    const both = await query(STORE, item, "--url", a.url, "--versions", "--as-of", String(T0));
    expect(both.code).toBe(2);
    const noKey = await query(STORE, "--url", a.url, "--versions");
    expect(noKey.code).toBe(2);
  });

  it("reads older than the history answer as the store does: only the latest version", async () => {
    const item = ITEMS[3]!;
    // Another key of the same partition moves its store's stream time 5 minutes on: the history starts at T0+4min.
    const partition = partitionForKey(Buffer.from(item), PARTITIONS);
    const other = Array.from({ length: 200 }, (_, i) => `other-${i}`).find(
      (key) => partitionForKey(Buffer.from(key), PARTITIONS) === partition,
    )!;
    await produce(env.cluster.kafka, PRICES, [
      { partition, key: other, value: "9.99", timestamp: String(T0 + 5 * 60_000) },
    ]);
    await eventually(async () => ((await getJson(keyUrl(a, other))).status === 200 ? true : undefined));
    const old = await getJson(keyUrl(b, item, `asOf=${T0 + 5_000}`));
    expect(old.status).toBe(404);
    const latest = await getJson(keyUrl(b, item, `asOf=${T0 + 4 * 60_000}`));
    expect(latest.body).toMatchObject({ value: price(item, 3), timestamp: T0 + 30_000, validTo: null });
    const versions = await getJson(versionsUrl(a, item, `to=${T0 + 60_000}`));
    expect((versions.body as Page).versions).toEqual([history(item)[2]]);
    // A key of another partition keeps its whole history: each task has its own stream time.
    const elsewhere = ITEMS.find((key) => partitionForKey(Buffer.from(key), PARTITIONS) !== partition)!;
    const kept = await getJson(keyUrl(a, elsewhere, `asOf=${T0 + 5_000}`));
    expect(kept.body).toMatchObject({ value: price(elsewhere, 0), timestamp: T0 });
  });
});
