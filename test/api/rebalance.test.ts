// Queries while the group rebalances (a third instance joins, then leaves): every answer
// is the committed value, a 503 with Retry-After, or (with allowStale) a value marked
// stale (each task has a standby that may answer). Never a fresh-looking wrong one. The
// data does not change during the test, so "wrong" is exact: any other count, or a 404
// for a key that exists.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { partitionForKey } from "../../src/kafka/partitioner.js";
import { eventually, produce } from "../integration/support/kafka.js";
import { PARTITIONS, VISIT_COUNTS, VISITS, getJson, settled, startApiTestCluster } from "./support/cluster.js";
import type { ApiTestCluster, Instance } from "./support/cluster.js";

const TASKS = 2 * PARTITIONS;
const URLS = Array.from({ length: 24 }, (_, i) => `/r/${String(i).padStart(2, "0")}`);
const visitsOf = (url: string): number => (Number(url.slice(-2)) % 4) + 1;

interface Tally {
  exact: number;
  unavailable: number;
  stale: number;
  wrong: string[];
}

/** Queries every key at every instance in a loop until `stop` resolves, checking each answer. */
async function hammer(instances: () => Instance[], stop: Promise<unknown>, allowStale: boolean): Promise<Tally> {
  const tally: Tally = { exact: 0, unavailable: 0, stale: 0, wrong: [] };
  let done = false;
  void stop.finally(() => (done = true));
  while (!done) {
    for (const instance of instances()) {
      for (const url of URLS) {
        const query = allowStale ? "?allowStale=true" : "";
        let answer: { status: number; headers: Headers; body: unknown };
        try {
          answer = await getJson(`${instance.url}/stores/${VISIT_COUNTS}/keys/${encodeURIComponent(url)}${query}`);
        } catch {
          continue; // the instance is closing: no answer is not a wrong answer
        }
        const body = answer.body as { value?: number; stale?: boolean };
        if (answer.status === 503 && answer.headers.get("retry-after") !== null) tally.unavailable += 1;
        else if (answer.status === 200 && body.stale === false && body.value === visitsOf(url)) tally.exact += 1;
        else if (allowStale && body.stale === true && (answer.status === 200 || answer.status === 404))
          tally.stale += 1;
        else tally.wrong.push(`${instance.name} ${url}: ${answer.status} ${JSON.stringify(body)}`);
      }
    }
  }
  return tally;
}

describe("queries during rebalances", () => {
  let env: ApiTestCluster;
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    env = await startApiTestCluster("api-rebalance");
    [a, b] = await Promise.all([env.start("a", { numStandbyReplicas: 1 }), env.start("b", { numStandbyReplicas: 1 })]);
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
    await eventually(async () => {
      for (const url of URLS) {
        const { body } = await getJson(`${a.url}/stores/${VISIT_COUNTS}/keys/${encodeURIComponent(url)}`);
        if ((body as { value?: number }).value !== visitsOf(url)) return undefined;
      }
      return true;
    });
  });

  afterAll(async () => {
    await env?.close();
  });

  it("answers exact values, 503s or stale-marked values while a third instance joins and leaves", async () => {
    let members = [a, b];
    let c: Instance | undefined;
    const scaleOutAndIn = (async () => {
      c = await env.start("c", { numStandbyReplicas: 1 });
      members = [a, b, c];
      await settled(members, TASKS);
      await c.close();
      members = [a, b];
      await settled(members, TASKS);
    })();
    const [strict, lenient] = await Promise.all([
      hammer(() => members, scaleOutAndIn, false),
      hammer(() => members, scaleOutAndIn, true),
      scaleOutAndIn,
    ]);
    expect(strict.wrong).toEqual([]);
    expect(lenient.wrong).toEqual([]);
    expect(strict.exact).toBeGreaterThan(0);
    expect(c?.streams.state()).toBe("NOT_RUNNING");

    // Settled again: everything answers, fresh, from either instance, and a scan sees every key once.
    for (const instance of [a, b]) {
      for (const url of URLS) {
        const { status, body } = await getJson(
          `${instance.url}/stores/${VISIT_COUNTS}/keys/${encodeURIComponent(url)}`,
        );
        expect({ status, body }).toMatchObject({ status: 200, body: { value: visitsOf(url), stale: false } });
      }
    }
    const scan = await getJson(`${a.url}/stores/${VISIT_COUNTS}/keys?limit=1000`);
    expect((scan.body as { entries: { key: string; value: number }[] }).entries).toEqual(
      [...URLS].sort().map((url) => ({ key: url, value: visitsOf(url) })),
    );
  });
});
