// Window and session queries over HTTP on two instances of the embedded broker: a key's
// hourly counts and sessions, answered by its owner from either instance, in order,
// paginated, bounded by ISO or millisecond times; bad ranges and queries of the wrong
// store type answered 400 with the reason; the local typed queries they rest on.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { partitionForKey } from "../../src/kafka/partitioner.js";
import { taskId } from "../../src/engine/task-id.js";
import { eventually } from "../integration/support/kafka.js";
import {
  BASE,
  CLICKS,
  DAY,
  HOUR,
  HOURLY,
  MINUTE,
  SESSIONS,
  TOTALS,
  USERS,
  clicksTopology,
  expectedSessions,
  expectedWindows,
  produceClicks,
} from "./support/clicks.js";
import { PARTITIONS, getJson, settled, startApiTestCluster } from "./support/cluster.js";
import type { ApiTestCluster, Instance } from "./support/cluster.js";

type Page = { windows?: unknown[]; sessions?: unknown[]; nextCursor: string | null; stale: boolean };

describe("window and session queries over HTTP", () => {
  let env: ApiTestCluster;
  let a: Instance;
  let b: Instance;
  const windowsUrl = (at: Instance, user: string, query = "") =>
    `${at.url}/stores/${HOURLY}/keys/${user}/windows${query === "" ? "" : `?${query}`}`;
  const sessionsUrl = (at: Instance, user: string, query = "") =>
    `${at.url}/stores/${SESSIONS}/keys/${user}/sessions${query === "" ? "" : `?${query}`}`;

  beforeAll(async () => {
    env = await startApiTestCluster("window-queries", { topology: clicksTopology(), topics: [CLICKS] });
    [a, b] = await Promise.all([env.start("a"), env.start("b")]);
    await settled([a, b], PARTITIONS);
    await produceClicks(env.cluster.kafka);
    await eventually(async () => {
      for (const user of USERS) {
        const { status, body } = await getJson(windowsUrl(a, user));
        if (status !== 200 || JSON.stringify((body as Page).windows) !== JSON.stringify(expectedWindows(user)))
          return undefined;
      }
      return true;
    });
  });

  afterAll(async () => {
    await env?.close();
  });

  function ownerOf(user: string): Instance {
    const host = a.streams.queryMetadataForKey(HOURLY, user).activeHost;
    const owner = [a, b].find((i) => i.host === host);
    if (owner === undefined) throw new Error(`no owner for ${user}`);
    return owner;
  }

  it("answers a key's windows from either instance, forwarded to the owner", async () => {
    const owners = new Set(USERS.map((user) => ownerOf(user).name));
    expect(owners.size, "the keys are spread over both instances").toBe(2);
    for (const user of USERS) {
      const owner = ownerOf(user);
      for (const at of [a, b]) {
        const { status, headers, body } = await getJson(windowsUrl(at, user));
        expect(status).toBe(200);
        expect(headers.get("x-eddy-served-by")).toBe(owner.host);
        const meta = a.streams.queryMetadataForKey(HOURLY, user);
        expect(body).toEqual({
          store: HOURLY,
          key: user,
          windows: expectedWindows(user),
          partition: meta.partition,
          taskId: meta.taskId,
          stale: false,
          nextCursor: null,
        });
      }
    }
  });

  it("bounds windows by start, in ISO 8601 or milliseconds, newest first on asking, page by page", async () => {
    const user = "user-2"; // six hours
    const ranged = await getJson(
      windowsUrl(a, user, `from=${new Date(BASE + HOUR).toISOString()}&to=${BASE + 3 * HOUR}`),
    );
    expect((ranged.body as Page).windows).toEqual(expectedWindows(user).slice(1, 4));
    // A window is found by its start: a range inside an hour names no window.
    const inside = await getJson(windowsUrl(a, user, `from=${BASE + 1}&to=${BASE + HOUR - 1}`));
    expect((inside.body as Page).windows).toEqual([]);
    // A cursor at the range's edge leaves nothing to read: an empty last page.
    const past = await getJson(windowsUrl(b, user, `order=desc&to=${BASE + HOUR}&cursor=${BASE}`));
    expect(past.body).toMatchObject({ windows: [], nextCursor: null });

    for (const [order, expected] of [
      ["asc", expectedWindows(user)],
      ["desc", [...expectedWindows(user)].reverse()],
    ] as const) {
      const seen: unknown[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = `order=${order}&limit=4${cursor === null ? "" : `&cursor=${cursor}`}`;
        const page = (await getJson(windowsUrl(b, user, query))).body as Page;
        seen.push(...(page.windows ?? []));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor !== null);
      expect(pages).toBe(2);
      expect(seen).toEqual(expected);
    }
  });

  it("answers a key's sessions, bounded by end and start, page by page", async () => {
    const user = "user-1"; // five hours, one session each
    for (const at of [a, b]) {
      const { status, body } = await getJson(sessionsUrl(at, user));
      expect(status).toBe(200);
      expect(body).toMatchObject({ store: SESSIONS, key: user, sessions: expectedSessions(user), nextCursor: null });
    }
    // Sessions that end at or after 01:01 and start at or before 03:00: hours 1 (ends 01:01), 2, 3.
    const ranged = await getJson(sessionsUrl(a, user, `from=${BASE + HOUR + MINUTE}&to=2026-12-04T03:00:00Z`));
    expect((ranged.body as Page).sessions).toEqual(expectedSessions(user).slice(1, 4));
    const seen: unknown[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `limit=2${cursor === null ? "" : `&cursor=${cursor}`}`;
      const page = (await getJson(sessionsUrl(b, user, query))).body as Page;
      seen.push(...(page.sessions ?? []));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(expectedSessions(user));
  });

  it("answers a bad range, a bad time or the wrong store type with a 400 that says why", async () => {
    const cases: Array<[string, string, RegExp]> = [
      [windowsUrl(a, "user-0", `from=${BASE + HOUR}&to=${BASE}`), "EDDY_ERR_INVALID_TIME_RANGE", /from .* is after to/],
      [windowsUrl(a, "user-0", "from=yesterday"), "EDDY_ERR_INVALID_TIME_RANGE", /"yesterday" is not a time/],
      [windowsUrl(a, "user-0", "to=2026-12-04T10:00:00"), "EDDY_ERR_INVALID_TIME_RANGE", /with a zone/],
      [windowsUrl(a, "user-0", "from=99999999999999999"), "EDDY_ERR_INVALID_TIME_RANGE", /not a time/],
      [windowsUrl(a, "user-0", "cursor=abc"), "EDDY_ERR_INVALID_TIME_RANGE", /cursor/],
      [windowsUrl(a, "user-0", "limit=0"), "EDDY_ERR_INVALID_REQUEST", /limit/],
      [windowsUrl(a, "user-0", "order=sideways"), "EDDY_ERR_INVALID_REQUEST", /order/],
      [`${a.url}/stores/${HOURLY}/keys/user-0`, "EDDY_ERR_WRONG_STORE_TYPE", /window store.*\/windows/],
      [`${a.url}/stores/${HOURLY}/keys`, "EDDY_ERR_WRONG_STORE_TYPE", /window store/],
      [`${a.url}/stores/${SESSIONS}/keys/user-0/windows`, "EDDY_ERR_WRONG_STORE_TYPE", /session store.*\/sessions/],
      [`${a.url}/stores/${TOTALS}/keys/user-0/sessions`, "EDDY_ERR_WRONG_STORE_TYPE", /keyValue store/],
    ];
    for (const [url, code, message] of cases) {
      const { status, body } = await getJson(url);
      expect(status, url).toBe(400);
      expect((body as { code: string }).code, url).toBe(code);
      expect((body as { message: string }).message, url).toMatch(message);
    }
    const missing = await getJson(`${a.url}/stores/nope/keys/user-0/windows`);
    expect(missing.status).toBe(404);
  });

  it("lists each store's type and documents both routes", async () => {
    const stores = (await getJson(`${a.url}/stores`)).body as { stores: Array<{ name: string; type: string }> };
    expect(Object.fromEntries(stores.stores.map((s) => [s.name, s.type]))).toMatchObject({
      [HOURLY]: "window",
      [SESSIONS]: "session",
      [TOTALS]: "keyValue",
    });
    const doc = (await getJson(`${a.url}/docs`)).body as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/stores/{store}/keys/{key}/windows", "/stores/{store}/keys/{key}/sessions"]),
    );
  });

  it("reads the same windows and sessions through the owner's typed stores", async () => {
    const user = "user-5";
    const owner = ownerOf(user);
    const task = taskId(0, partitionForKey(Buffer.from(user), PARTITIONS));
    const windows = owner.streams.windowStore<string, number>(HOURLY, task);
    const forward: Array<{ key: number; value: number }> = [];
    for await (const entry of windows.fetch(user, BASE, BASE + DAY)) forward.push(entry);
    expect(forward).toEqual(expectedWindows(user).map((w) => ({ key: w.start, value: w.value })));
    const backward: number[] = [];
    for await (const entry of windows.backwardFetch(user, BASE, BASE + DAY)) backward.push(entry.key);
    expect(backward).toEqual(forward.map((e) => e.key).reverse());
    expect(await windows.fetch(user, BASE + 2 * HOUR)).toBe(3);
    const sessions = owner.streams.sessionStore<string, number>(SESSIONS, task);
    const found: Array<{ start: number; end: number; value: number }> = [];
    for await (const { key, value } of sessions.findSessions(user, 0, Number.MAX_SAFE_INTEGER))
      found.push({ ...key.window, value });
    expect(found).toEqual(expectedSessions(user));
  });
});
