// The topology page in a real browser (Debian's chromium, headless, driven by
// playwright-core): every node of every sub-topology is drawn with its name, the page
// loads nothing from elsewhere, and its script highlights a node's edges. The API runs
// around a KafkaStreams that is not started: the page needs only the topology.
import { chromium } from "playwright-core";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiServer } from "../../src/api/index.js";
import type { RunningApiServer } from "../../src/api/index.js";
import { KafkaStreams } from "../../src/index.js";
import { silentLogger } from "../integration/support/kafka.js";
import { bankTopology } from "../topology/apps/bank.js";

describe("GET /topology in a browser", () => {
  const topology = bankTopology();
  let api: RunningApiServer;
  let browser: Browser;

  beforeAll(async () => {
    const streams = new KafkaStreams(
      topology,
      { applicationId: "bank", bootstrapServers: "127.0.0.1:9" },
      { logger: silentLogger },
    );
    api = await startApiServer(streams, { topology, port: 0 });
    // launch() gives the browser a fresh temporary profile (a fresh --user-data-dir) and removes it on close.
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
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it("draws every sub-topology with every node name, from the app alone", async () => {
    const page = await browser.newPage();
    const requested: string[] = [];
    page.on("request", (request) => requested.push(request.url()));
    const response = await page.goto(`${api.url}/topology`);
    expect(response?.headers()["content-type"]).toMatch(/^text\/html/);
    // Its inline script runs because the page's policy names its hash, and nothing else may.
    expect(response?.headers()["content-security-policy"]).toMatch(/script-src 'sha256-[A-Za-z0-9+/]+=*'(;|$)/);
    expect(requested.every((url) => url.startsWith(api.url))).toBe(true);

    const sections = await page.locator("section h2").allTextContents();
    expect(sections).toEqual(topology.subtopologies.map((s) => `Sub-topology: ${s.id}`));
    const drawn = await page.locator("svg g.node text.name").allTextContents();
    const expected = [...topology.nodes.keys(), ...topology.stores.keys()];
    expect([...drawn].sort()).toEqual([...expected].sort());
    for (const name of [...topology.nodes.keys()]) {
      const label = page.locator("svg g.node text.name", { hasText: new RegExp(`^${name}$`) }).first();
      const box = await label.boundingBox();
      expect(box?.width ?? 0, `${name} is visible`).toBeGreaterThan(0);
    }

    // Nodes in one sub-topology sit in distinct places (the layout did not stack them).
    for (const section of await page.locator("section svg").all()) {
      const boxes = await section
        .locator("g.node rect")
        .evaluateAll((rects) => rects.map((r) => `${r.getAttribute("x") ?? ""},${r.getAttribute("y") ?? ""}`));
      expect(new Set(boxes).size).toBe(boxes.length);
    }

    // The script: hovering a processor highlights its edges.
    const processor = [...topology.nodes.values()].find((n) => n.kind === "processor" && n.successors.length > 0);
    await page.locator(`g.node[data-id="${processor?.name ?? ""}"]`).hover();
    expect(await page.locator("path.edge.highlight").count()).toBeGreaterThan(0);
    await page.close();
  });
});
