// `eddy query <store> <key>` of window and session stores, against two running instances:
// the key's windows or sessions as JSON lines, bounded by --from/--to (ISO or ms), newest
// first with --desc, page by page with --all; a bad range is the API's 400 reason.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lines, query } from "./support/eddy-here.js";
import { eventually } from "../integration/support/kafka.js";
import { PARTITIONS, getJson, settled, startApiTestCluster } from "../api/support/cluster.js";
import type { ApiTestCluster, Instance } from "../api/support/cluster.js";
import {
  BASE,
  CLICKS,
  HOUR,
  HOURLY,
  SESSIONS,
  USERS,
  clicksTopology,
  expectedSessions,
  expectedWindows,
  produceClicks,
} from "../api/support/clicks.js";

describe("eddy query of window and session stores", () => {
  let env: ApiTestCluster;
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    env = await startApiTestCluster("cli-windows", { topology: clicksTopology(), topics: [CLICKS] });
    [a, b] = await Promise.all([env.start("a"), env.start("b")]);
    await settled([a, b], PARTITIONS);
    await produceClicks(env.cluster.kafka);
    await eventually(async () => {
      for (const user of USERS) {
        const { body } = await getJson(`${a.url}/stores/${SESSIONS}/keys/${user}/sessions`);
        if (JSON.stringify((body as { sessions?: unknown }).sessions) !== JSON.stringify(expectedSessions(user)))
          return undefined;
      }
      return true;
    });
  });

  afterAll(async () => {
    await env?.close();
  });

  it("prints a key's windows in a range, in either order, following the pages", async () => {
    const user = "user-2";
    const all = await query(HOURLY, user, "--url", b.url);
    expect(all).toMatchObject({ code: 0, stderr: "" });
    expect(lines(all.stdout)).toEqual(expectedWindows(user));

    const ranged = await query(
      HOURLY,
      user,
      "--url",
      a.url,
      "--from",
      "2026-12-04T01:00:00Z",
      "--to",
      String(BASE + 2 * HOUR),
    );
    expect(lines(ranged.stdout)).toEqual(expectedWindows(user).slice(1, 3));

    const paged = await query(HOURLY, user, "--url", a.url, "--desc", "--limit", "4");
    expect(lines(paged.stdout)).toEqual([...expectedWindows(user)].reverse().slice(0, 4));
    expect(paged.stderr).toMatch(/more windows: --all/);
    const followed = await query(HOURLY, user, "--url", a.url, "--desc", "--limit", "4", "--all");
    expect(lines(followed.stdout)).toEqual([...expectedWindows(user)].reverse());
  });

  it("prints a key's sessions, with or without a range", async () => {
    const user = "user-1";
    expect(lines((await query(SESSIONS, user, "--url", a.url)).stdout)).toEqual(expectedSessions(user));
    const ranged = await query(
      SESSIONS,
      user,
      "--url",
      b.url,
      "--from",
      String(BASE + 3 * HOUR),
      "--limit",
      "1",
      "--all",
    );
    expect(lines(ranged.stdout)).toEqual(expectedSessions(user).slice(3));
  });

  it("prints whole pages with --full, and refuses --desc for sessions", async () => {
    const user = "user-0";
    const full = await query(HOURLY, user, "--url", a.url, "--full", "--limit", "2", "--all");
    const pages = lines(full.stdout) as Array<{ windows: unknown[]; nextCursor: string | null; taskId: string }>;
    expect(pages.flatMap((p) => p.windows)).toEqual(expectedWindows(user));
    expect(pages.map((p) => p.nextCursor === null)).toEqual([false, true]);
    const desc = await query(SESSIONS, user, "--url", a.url, "--desc");
    expect(desc.code).toBe(2);
    expect(desc.stderr).toMatch(/--desc orders windows and versions; sessions come by end/);
  });

  it("exits 1 with the API's reason for a bad range", async () => {
    const bad = await query(HOURLY, "user-0", "--url", a.url, "--from", String(BASE + HOUR), "--to", String(BASE));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/400: The time range cannot query store "hourly-clicks": from .* is after to/);
    const notTime = await query(SESSIONS, "user-0", "--url", a.url, "--to", "noon");
    expect(notTime.code).toBe(1);
    expect(notTime.stderr).toMatch(/"noon" is not a time/);
  });
});
