// Read-your-writes: once POST /commands/... answered 200, a lookup of the command's key at
// any instance reflects the command. The reply becomes readable when the task's
// transaction commits, a moment before the task writes its state to LevelDB; lookups at
// the owner wait for that write (and for a position a client passes along).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ACCOUNT_COMMANDS,
  ACCOUNTS,
  PARTITIONS,
  getJson,
  postJson,
  settled,
  startApiTestCluster,
} from "./support/cluster.js";
import type { ApiTestCluster, Instance } from "./support/cluster.js";

const TASKS = 2 * PARTITIONS;
const CLIENTS = 20;
const PAIRS_PER_CLIENT = 50;

describe.each(["exactly_once", "at_least_once"] as const)("read-your-writes under %s", (guarantee) => {
  let env: ApiTestCluster;
  let instances: Instance[];

  beforeAll(async () => {
    env = await startApiTestCluster(`ryw-${guarantee.replace(/_/g, "-")}`);
    instances = await Promise.all(
      ["a", "b", "c"].map((name) => env.start(name, { processingGuarantee: guarantee, commitIntervalMs: 100 })),
    );
    await settled(instances, TASKS);
  }, 60_000);

  afterAll(async () => {
    await env?.close();
  });

  const pick = (): Instance => instances[Math.floor(Math.random() * instances.length)] as Instance;
  /**
   * A command as a careful client sends it: with an Idempotency-Key, retried with the same
   * key when no reply came in time (504, as a loaded machine may answer), so that it is
   * applied once and its reply is the one of that one application.
   */
  const command = async (account: string, body: unknown, idempotencyKey = randomUUID()) => {
    for (let attempt = 1; ; attempt += 1) {
      const answer = await postJson(`${pick().url}/commands/${ACCOUNT_COMMANDS}?key=${account}`, body, {
        "idempotency-key": idempotencyKey,
      });
      if (answer.status !== 504 || attempt === 5) return answer;
    }
  };

  it(`answers ${CLIENTS * PAIRS_PER_CLIENT} command-then-query pairs at random instances with the command applied`, async () => {
    const stale: string[] = [];
    let pairs = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        const account = `ryw-${guarantee}-${client}`;
        const opened = await command(account, { type: "open", owner: `client ${client}` });
        expect(opened.status).toBe(200);
        for (let i = 1; i <= PAIRS_PER_CLIENT; i += 1) {
          const deposited = await command(account, { type: "deposit", amount: 1 });
          expect(deposited.status).toBe(200);
          const balance = (deposited.body as { reply: { balance: number } }).reply.balance;
          expect(balance).toBe(i);
          const read = await getJson(`${pick().url}/stores/${ACCOUNTS}/keys/${account}`);
          pairs += 1;
          const value = (read.body as { value?: { balance: number } }).value;
          if (read.status !== 200 || value?.balance !== balance) {
            stale.push(`${account}: status ${read.status}, balance ${value?.balance} after a reply of ${balance}`);
          }
        }
      }),
    );
    expect(pairs).toBe(CLIENTS * PAIRS_PER_CLIENT);
    expect(stale).toEqual([]);
  }, 180_000);
});

describe("lookups bounded by a command's position", () => {
  let env: ApiTestCluster;
  let instance: Instance;

  beforeAll(async () => {
    env = await startApiTestCluster("ryw-position");
    instance = await env.start("a", { processingGuarantee: "exactly_once" });
    await settled([instance], TASKS);
  }, 60_000);

  afterAll(async () => {
    await env?.close();
  });

  it("carries where the command landed, and a lookup passed that position reflects it", async () => {
    const account = "positioned";
    const opened = await postJson(`${instance.url}/commands/${ACCOUNT_COMMANDS}?key=${account}`, {
      type: "open",
      owner: "Ada",
    });
    expect(opened.status).toBe(200);
    const position = (opened.body as { position: string }).position;
    const partition = instance.streams.queryMetadataForKey(ACCOUNTS, account).partition;
    expect(position).toMatch(new RegExp(`^${ACCOUNT_COMMANDS}:${partition}:\\d+$`));
    expect(opened.headers.get("x-eddy-position")).toBe(position);

    const byQuery = await getJson(`${instance.url}/stores/${ACCOUNTS}/keys/${account}?position=${position}`);
    expect(byQuery.status).toBe(200);
    expect(byQuery.body).toMatchObject({ value: { owner: "Ada", balance: 0 }, stale: false });
    const byHeader = await getJson(`${instance.url}/stores/${ACCOUNTS}/keys/${account}`, {
      "x-eddy-position": position,
    });
    expect(byHeader.status).toBe(200);
  });

  it("answers 503 when the store does not reach the position in time", async () => {
    const account = "ahead";
    const partition = instance.streams.queryMetadataForKey(ACCOUNTS, account).partition;
    const started = Date.now();
    const read = await getJson(
      `${instance.url}/stores/${ACCOUNTS}/keys/${account}?position=${ACCOUNT_COMMANDS}:${partition}:1000000&positionTimeoutMs=300`,
    );
    expect(read.status).toBe(503);
    expect(read.headers.get("retry-after")).toBe("1");
    expect((read.body as { message: string }).message).toMatch(/did not reach the position within 300 ms/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it("refuses a position on a topic the store is not fed by, and a malformed one", async () => {
    const key = "/some/page";
    const partition = instance.streams.queryMetadataForKey("visit-counts", key).partition;
    const wrong = await getJson(
      `${instance.url}/stores/visit-counts/keys/${encodeURIComponent(key)}?position=${ACCOUNT_COMMANDS}:${partition}:0`,
    );
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ code: "EDDY_ERR_INVALID_POSITION" });
    expect((wrong.body as { message: string }).message).toMatch(/reads visits, not "account-commands"/);
    const malformed = await getJson(`${instance.url}/stores/${ACCOUNTS}/keys/x?position=nonsense`);
    expect(malformed.status).toBe(400);
    expect((malformed.body as { message: string }).message).toMatch(/is not topic:partition:offset/);
  });
});
