// The live console (GET /console) in a real browser (Debian's chromium, headless, driven
// by playwright-core), against a running instance on the embedded broker: a click through
// every panel. Instances and their tasks with lag sparklines and restore bars, records per
// second per sub-topology, each partition's lag with its sparkline, each processor node's
// records and records/s (on the topology graph and in a table), checked against the app's
// own figures; the store browser (a lookup, a paged scan), a command sent from the form
// built from its schema; the page loads nothing from elsewhere, and a screenshot of it is
// checked for layout sanity (nothing wider than the window, the panels in order, not
// blank). The screenshots of every panel are left in EDDY_SCREENSHOT_DIR (by default a
// directory under the system's temporary directory), never in the repository.
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { produce } from "../integration/support/kafka.js";
import { partitionForKey } from "../../src/kafka/partitioner.js";
import { ACCOUNTS, PARTITIONS, VISIT_COUNTS, VISITS, settled, startApiTestCluster } from "./support/cluster.js";
import type { ApiTestCluster, Instance } from "./support/cluster.js";

const SCREENSHOTS = process.env.EDDY_SCREENSHOT_DIR ?? join(tmpdir(), "eddy-console-screenshots");

describe("GET /console in a browser", () => {
  let env: ApiTestCluster;
  let a: Instance;
  let browser: Browser;
  let page: Page;
  const requested: string[] = [];
  const errors: string[] = [];

  const visit = (urls: string[]) =>
    produce(
      env.cluster.kafka,
      VISITS,
      urls.map((url) => ({ key: url, value: "v", partition: partitionForKey(Buffer.from(url), PARTITIONS) })),
    );

  beforeAll(async () => {
    env = await startApiTestCluster("console");
    a = await env.start("a");
    await settled([a], 8);
    await visit(["/home", "/home", "/about"]);
    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on("request", (request) => requested.push(request.url()));
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${a.url}/console`);
  }, 120_000);

  /** A full-page screenshot of the panel on show, left for people to look at. */
  const shoot = async (name: string) => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, `console-${name}.png`), fullPage: true });
  };

  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  it(
    "shows the instance, its tasks, their lag and restores, and the rates per sub-topology",
    { timeout: 60_000 },
    async () => {
      await page.locator("#state", { hasText: "RUNNING" }).waitFor();
      expect(await page.locator("#health").textContent()).toBe("health UP");
      expect(await page.locator("#ready").textContent()).toBe("ready");
      const card = page.locator(`.instance[data-host="${a.host}"]`);
      await card.locator("tr[data-task]").nth(7).waitFor();
      expect(await card.locator("tr[data-task]").count()).toBe(8);
      expect((await card.locator("tr[data-task] td:first-child").allTextContents()).sort()).toEqual([
        "0_0",
        "0_1",
        "0_2",
        "0_3",
        "1_0",
        "1_1",
        "1_2",
        "1_3",
      ]);
      expect(await card.locator("svg.spark polyline").count()).toBe(8);
      expect(await card.locator(".lag").allTextContents()).toEqual(Array(8).fill("0"));
      // Every task has stores here: each restored (nothing to restore on a fresh start).
      expect(await card.locator(".restore", { hasText: "done" }).count()).toBe(8);

      // Rates need two polls; records arriving between them show up in sub-topology 0.
      await page.locator("#rates .sub-rate").first().filter({ hasText: /^\d/ }).waitFor();
      await visit(Array.from({ length: 200 }, (_, i) => `/page-${i % 7}`));
      await expect
        .poll(async () => Number(await page.locator('#rates tr[data-subtopology="0"] .sub-rate').textContent()), {
          timeout: 20_000,
        })
        .toBeGreaterThan(0);
      expect(await page.locator("#rates tbody tr").count()).toBe(2);
    },
  );

  it("shows each partition's lag with its sparkline, as the app reports it", async () => {
    await page.locator('#tabs button[data-panel="lag"]').click();
    expect(await page.locator("#lag").isVisible()).toBe(true);
    expect(await page.locator("#overview").isVisible()).toBe(false);
    // The app's own figures: every input partition of its active tasks (no standbys on one instance).
    const tasks = await a.streams.localTasks();
    const expected = tasks
      .flatMap((t) => t.partitions.map((p) => [p.topic, String(p.partition), t.taskId, t.kind, String(p.lag)]))
      .sort();
    expect(expected).toHaveLength(2 * PARTITIONS);
    const rows = page.locator("#partitions tbody tr");
    await expect
      .poll(async () =>
        (
          await rows.evaluateAll((trs) =>
            trs.map((tr) =>
              (Array.from(tr.querySelectorAll("td")) as Array<{ textContent: string | null }>)
                .slice(0, 6)
                .map((td) => td.textContent ?? ""),
            ),
          )
        )
          .map(([topic, partition, task, kind, , lag]) => [topic, partition, task, kind, lag])
          .sort(),
      )
      .toEqual(expected);
    expect(await rows.locator("td:nth-child(5)").allTextContents()).toEqual(Array(2 * PARTITIONS).fill(a.host));
    expect(await rows.locator("svg.spark polyline").count()).toBe(2 * PARTITIONS);
    // The line grows by a point a poll (bounded by the page's history).
    const points = () =>
      rows
        .first()
        .locator("polyline")
        .getAttribute("points")
        .then((p) => (p ?? "").split(" ").length);
    const before = await points();
    await expect.poll(points, { timeout: 10_000 }).toBeGreaterThan(before);
    await shoot("partitions");
  });

  it("draws the topology with each sub-topology's and each node's rate, and each node's records as the app counts them", async () => {
    await page.locator('#tabs button[data-panel="topology"]').click();
    expect(await page.locator("#topology").isVisible()).toBe(true);
    expect(await page.locator("#lag").isVisible()).toBe(false);
    expect(await page.locator("#topology section.graph").count()).toBe(env.topology.subtopologies.length);
    expect(await page.locator("#topology svg g.node").count()).toBe(env.topology.nodes.size + env.topology.stores.size);
    expect(await page.locator("[data-rate]").allTextContents()).toEqual([
      expect.stringMatching(/^\d+\.\d records\/s$/) as string,
      expect.stringMatching(/^\d+\.\d records\/s$/) as string,
    ]);
    // A badge per source, processor and sink on the graph, with its records/s.
    const badges = page.locator("#topology svg text.node-rate");
    expect(await badges.count()).toBe(env.topology.nodes.size);
    await expect
      .poll(async () => (await badges.allTextContents()).every((text) => /^\d+\.\d\/s$/.test(text)))
      .toBe(true);

    // The table's records per node are the app's process-total of each node, summed over its tasks.
    const appTotals = () => {
      const totals: Record<string, number> = {};
      for (const nodes of Object.values(a.streams.metrics().processorNodes))
        for (const [node, m] of Object.entries(nodes)) totals[node] = (totals[node] ?? 0) + m.processTotal;
      return totals;
    };
    const pageTotals = async () =>
      Object.fromEntries(
        await page
          .locator("#node-rates tbody tr")
          .evaluateAll((trs) =>
            trs.map((tr) => [
              tr.getAttribute("data-node-row") ?? "",
              Number(tr.querySelector(".node-total")?.textContent),
            ]),
          ),
      ) as Record<string, number>;
    await expect.poll(pageTotals, { timeout: 10_000 }).toEqual(appTotals());
    const totals = appTotals();
    // Sub-topology 0 read every visit: 3, then 200.
    const visitsSource = [...env.topology.nodes.values()].find((n) => n.kind === "source" && n.topics.includes(VISITS));
    expect(totals[visitsSource?.name ?? ""]).toBe(203);
    expect(Object.keys(totals).sort()).toEqual([...env.topology.nodes.keys()].sort());

    // New records show as a rate on their nodes, on the graph and in the table.
    const rateOf = () =>
      page.locator(`#node-rates tr[data-node-row="${visitsSource?.name ?? ""}"] .node-rate`).textContent();
    await visit(Array.from({ length: 100 }, (_, i) => `/burst-${i % 5}`));
    await expect.poll(async () => Number(await rateOf()), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect.poll(pageTotals, { timeout: 10_000 }).toEqual(appTotals());
    expect(appTotals()[visitsSource?.name ?? ""]).toBe(303);
    await shoot("topology");
  });

  it("browses stores: a lookup and a paged scan", async () => {
    await page.locator('#tabs button[data-panel="stores"]').click();
    const options = await page
      .locator("#store option")
      .evaluateAll((nodes) => nodes.map((n) => n.getAttribute("value") ?? ""));
    expect(options.sort()).toEqual([ACCOUNTS, VISIT_COUNTS].sort());
    await page.locator("#store").selectOption(VISIT_COUNTS);
    await page.locator("#key").fill("/home");
    await page.locator("#lookup").click();
    await expect.poll(() => page.locator("#store-result pre.value").textContent()).toBe("2");
    await page.locator("#key").fill("/nowhere");
    await page.locator("#lookup").click();
    await expect.poll(() => page.locator("#store-result .problem").textContent()).toMatch(/^404: /);

    await page.locator("#prefix").fill("/");
    await page.locator("#scan").click();
    await expect.poll(() => page.locator("#store-result tr.entry").count()).toBe(14);
    expect(await page.locator("#next-page").isVisible()).toBe(false);
    await page.locator("#prefix").fill("/page-");
    await page.locator("#scan").click();
    await expect.poll(() => page.locator("#store-result tr.entry").count()).toBe(7);
    expect(await page.locator("#store-result tr.entry td:first-child").allTextContents()).toEqual(
      Array.from({ length: 7 }, (_, i) => JSON.stringify(`/page-${i}`)),
    );
    await shoot("stores");
  });

  it("sends a command from the form built from its schema", async () => {
    await page.locator('#tabs button[data-panel="commands"]').click();
    const form = page.locator("form.command");
    expect(await form.count()).toBe(1);
    expect(await form.getAttribute("data-path")).toBe("/commands/account-commands");
    expect(await form.locator("select option").allTextContents()).toEqual([
      'type: "open"',
      'type: "deposit"',
      'type: "withdraw"',
    ]);
    expect(JSON.parse(await form.locator("textarea").inputValue())).toEqual({ type: "open", owner: "" });
    await form.locator("input[name=key]").fill("acc-console");
    await form.locator("textarea").fill(JSON.stringify({ type: "open", owner: "Ada" }));
    await form.locator("button[type=submit]").click();
    await expect.poll(() => form.locator("pre.reply").getAttribute("data-status"), { timeout: 20_000 }).toBe("200");
    await form.locator("select").selectOption({ label: 'type: "deposit"' });
    expect(JSON.parse(await form.locator("textarea").inputValue())).toEqual({ type: "deposit", amount: 1 });
    await form.locator("button[type=submit]").click();
    await expect
      .poll(() => form.locator("pre.reply").textContent(), { timeout: 20_000 })
      .toMatch(/^200\n[\s\S]*"balance": 1/);
    // A body that fails the schema: the API's 400, shown.
    await form.locator("textarea").fill(JSON.stringify({ type: "deposit", amount: -5 }));
    await form.locator("button[type=submit]").click();
    await expect.poll(() => form.locator("pre.reply").getAttribute("data-status")).toBe("400");
    await shoot("commands");
  });

  it("loads nothing from elsewhere, runs without errors, and lays out sanely", async () => {
    expect(requested.length).toBeGreaterThan(5);
    expect(requested.filter((url) => !url.startsWith(a.url))).toEqual([]);
    expect(errors).toEqual([]);
    await page.locator('#tabs button[data-panel="overview"]').click();
    const shot = await page.screenshot({ fullPage: true });
    await shoot("instances");
    expect(shot.subarray(1, 4).toString()).toBe("PNG");
    expect(shot.length).toBeGreaterThan(20_000);
    // (A string: this file is compiled without the DOM's types.)
    type Box = { top: number; bottom: number; height: number } | undefined;
    const layout = (await page.evaluate(`(() => {
      const box = (selector) => document.querySelector(selector)?.getBoundingClientRect().toJSON();
      return {
        overflow: document.documentElement.scrollWidth - window.innerWidth,
        header: box("header"),
        tabs: box("#tabs"),
        panel: box("#overview"),
      };
    })()`)) as { overflow: number; header: Box; tabs: Box; panel: Box };
    expect(layout.overflow).toBeLessThanOrEqual(0);
    expect(layout.header?.bottom ?? Infinity).toBeLessThanOrEqual(layout.tabs?.top ?? 0);
    expect(layout.tabs?.bottom ?? Infinity).toBeLessThanOrEqual((layout.panel?.top ?? 0) + 1);
    expect(layout.panel?.height ?? 0).toBeGreaterThan(200);
  });
});
