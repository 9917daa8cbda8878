// url-visits' hourly counts: visits of a short link spread over the last day land in their
// hours in the window store visit-counts-hourly (a late one within the 5 min grace too, one
// later than that not), the closed hours' final counts go once to the topic of that name,
// /links/:code/hourly gives the 24 hours with 0 for quiet ones, and the chart page, in
// headless Chromium (Debian's, driven by playwright-core), draws one bar per hour whose
// data and height follow those counts.
import { chromium } from "playwright-core";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Serdes } from "../../src/index.js";
import { KafkaIo } from "../../examples/shared/kafka-io.js";
import { HOUR_MS } from "../../examples/url-visits/topology.js";
import { readCommitted, silentLogger } from "../integration/support/kafka.js";
import { eventually, http, startDemoUnderTest } from "./support/demo-harness.js";
import type { DemoUnderTest } from "./support/demo-harness.js";

const CODE = "charted";
// Pinned, so that the hour does not turn between the visits and the page.
const UNTIL = Date.now();
const THIS_HOUR = Math.floor(UNTIL / HOUR_MS) * HOUR_MS;
const FIRST_HOUR = THIS_HOUR - 23 * HOUR_MS;
/** Hours back from this one -> visits. */
const VISITS = new Map([
  [22, 2],
  [9, 6],
  [4, 3],
  [1, 1],
  [0, 5],
]);

type Hour = { start: number; end: number; visits: number };

describe("url-visits: visits per hour, and their chart", () => {
  let demo: DemoUnderTest;
  let browser: Browser;

  beforeAll(async () => {
    demo = await startDemoUnderTest(["url-visits"]);
    const created = await http("POST", `${demo.web}/links`, { url: "https://kafka.apache.org/", code: CODE });
    expect(created.status).toBe(201);
    const io = new KafkaIo({ bootstrapServers: [demo.bootstrap], clientId: "chart-test", logger: silentLogger });
    const visit = (timestamp: number) =>
      io.publish("visits", {
        key: CODE,
        value: { at: timestamp, userAgent: null, referrer: null },
        keySerde: Serdes.string(),
        valueSerde: Serdes.json<unknown>(),
        timestamp,
      });
    try {
      // In time order, hour by hour, but for the last hour's one visit: it comes after this
      // hour's, late, yet within the 5 min grace. One more for four hours back comes far too
      // late; this hour's last visit comes after it, so that counting it means the late one was seen.
      for (const back of [22, 9, 4, 0]) {
        const count = (VISITS.get(back) ?? 0) - (back === 0 ? 1 : 0);
        for (let i = 0; i < count; i += 1) await visit(THIS_HOUR - back * HOUR_MS + i * 1_000);
      }
      await visit(THIS_HOUR - 60_000);
      await visit(THIS_HOUR - 4 * HOUR_MS + 10_000);
      await visit(THIS_HOUR + 10_000);
    } finally {
      await io.close();
    }
    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  const expected = (): Hour[] =>
    Array.from({ length: 24 }, (_, i) => {
      const start = FIRST_HOUR + i * HOUR_MS;
      return { start, end: start + HOUR_MS, visits: VISITS.get(23 - i) ?? 0 };
    });

  it("answers the last 24 hours of a code, 0 for hours without visits", async () => {
    const hours = await eventually("every visit counted in its hour", async () => {
      const answer = await http<{ code: string; hours: Hour[] }>(
        "GET",
        `${demo.web}/links/${CODE}/hourly?until=${UNTIL}`,
      );
      return JSON.stringify(answer.body.hours) === JSON.stringify(expected()) ? answer.body : undefined;
    });
    expect(hours).toEqual({ code: CODE, hours: expected() });
    // The Eddy API gives the same windows, newest first on asking.
    const windows = await http<{ windows: Array<{ start: number; value: number }> }>(
      "GET",
      `${demo.api("url-visits")}/stores/visit-counts-hourly/keys/${CODE}/windows?order=desc&limit=2`,
      undefined,
      demo.token,
    );
    expect(windows.body.windows).toEqual([
      { start: THIS_HOUR, end: THIS_HOUR + HOUR_MS, value: 5 },
      { start: THIS_HOUR - HOUR_MS, end: THIS_HOUR, value: 1 },
    ]);
    expect((await http("GET", `${demo.web}/links/nobody/hourly`)).status).toBe(404);
    expect((await http("GET", `${demo.web}/links/${CODE}/hourly?until=soon`)).status).toBe(400);
  });

  it("writes each closed hour's final count once to visit-counts-hourly", async () => {
    // Stream time is this hour's: the hours up to four back have closed (end + 5 min grace), the last one has not.
    const windowed = Serdes.timeWindowed(Serdes.string(), HOUR_MS);
    const finals = await eventually("the closed hours' final counts", async () => {
      const records = (await readCommitted(demo.bootstrap, "visit-counts-hourly"))
        .map((r) => ({
          key: windowed.deserialize(r.key ?? Buffer.alloc(0), { topic: "visit-counts-hourly", part: "key" }),
          count: Number(r.value?.readBigInt64BE() ?? -1n),
        }))
        .filter((r) => r.key.key === CODE);
      return records.length >= 3 ? records : undefined;
    });
    // One record per closed hour, oldest first, as Kafka Streams' suppress emits them: every
    // window of a code is on the code's partition (WindowedStreamPartitioner).
    const byStart = finals.map((r) => ({ start: r.key.window.start, end: r.key.window.end, count: r.count }));
    expect(byStart).toEqual(
      [22, 9, 4].map((back) => ({
        start: THIS_HOUR - back * HOUR_MS,
        end: THIS_HOUR - (back - 1) * HOUR_MS,
        count: VISITS.get(back),
      })),
    );
  });

  it("draws one bar per hour, as tall as its visits", async () => {
    const page = await browser.newPage();
    const requested: string[] = [];
    page.on("request", (request) => requested.push(request.url()));
    await page.goto(`${demo.web}/links/${CODE}/chart?until=${UNTIL}`);
    await page.locator('svg#chart[data-drawn="true"]').waitFor({ timeout: 15_000 });
    const bars = await page.locator("svg#chart rect.bar").evaluateAll((rects) =>
      rects.map((r) => ({
        start: Number(r.getAttribute("data-start")),
        visits: Number(r.getAttribute("data-visits")),
        height: Number(r.getAttribute("height")),
        x: Number(r.getAttribute("x")),
      })),
    );
    expect(bars.map(({ start, visits }) => ({ start, visits }))).toEqual(
      expected().map(({ start, visits }) => ({ start, visits })),
    );
    // Left to right in time, heights in proportion to the visits (the busiest hour the tallest).
    expect(bars.map((b) => b.x)).toEqual([...bars.map((b) => b.x)].sort((x, y) => x - y));
    const tallest = Math.max(...bars.map((b) => b.height));
    expect(tallest).toBeGreaterThan(100);
    for (const bar of bars) expect(bar.height).toBeCloseTo((tallest * bar.visits) / 6, 5);
    const busiest = page.locator("svg#chart rect.bar").nth(23 - 9);
    expect(await busiest.locator("title").textContent()).toBe(
      `${new Date(THIS_HOUR - 9 * HOUR_MS).toISOString().slice(11, 16)} UTC: 6 visits`,
    );
    expect((await busiest.boundingBox())?.height).toBeGreaterThan(100);
    expect(await page.locator("#total").textContent()).toBe("17");
    expect(await page.locator("svg#chart text.count").allTextContents()).toEqual(["2", "6", "3", "1", "5"]);
    expect(requested.every((url) => url.startsWith(demo.web))).toBe(true);
    await page.close();
  });
});
