// GET /docs: the OpenAPI document as JSON for tools and as a reference page for a
// browser (content negotiation; /docs/json is always JSON). The page is checked in a
// real browser (Debian's chromium, headless, driven by playwright-core): every operation
// of the document is on it with its parameters and answers, the table of contents leads
// to each, it loads nothing from elsewhere and runs no script, and text from a command
// schema is shown, never interpreted.
import { chromium } from "playwright-core";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { startApiServer } from "../../src/api/index.js";
import type { RunningApiServer } from "../../src/api/index.js";
import { KafkaStreams } from "../../src/index.js";
import { silentLogger } from "../integration/support/kafka.js";
import { ACCOUNT_COMMANDS, apiTestTopology } from "./support/cluster.js";

const BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";
const hostile = "<img src=x onerror=alert(1)> a deposit";

describe("GET /docs", () => {
  const topology = apiTestTopology();
  let api: RunningApiServer;
  let browser: Browser;

  beforeAll(async () => {
    const streams = new KafkaStreams(
      topology,
      { applicationId: "bank", bootstrapServers: "127.0.0.1:9" },
      { logger: silentLogger },
    );
    const command = z.object({ type: z.literal("deposit"), amount: z.number().int().positive().describe(hostile) });
    api = await startApiServer(streams, {
      topology,
      port: 0,
      commands: [{ topic: ACCOUNT_COMMANDS, schema: command }],
    });
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

  const get = (path: string, accept?: string) =>
    fetch(`${api.url}${path}`, { headers: accept === undefined ? {} : { accept } });

  it("gives tools the JSON document and browsers the page", async () => {
    for (const [path, accept] of [
      ["/docs", undefined],
      ["/docs", "*/*"],
      ["/docs", "application/json"],
      ["/docs/json", BROWSER_ACCEPT],
      ["/docs/json", undefined],
    ] as const) {
      const response = await get(path, accept);
      expect(response.status, `${path} ${accept ?? ""}`).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      const document = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
      expect(document.openapi).toBe("3.1.0");
      expect(Object.keys(document.paths)).toContain("/docs/json");
    }
    const page = await get("/docs", BROWSER_ACCEPT);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.headers.get("vary")).toMatch(/accept/i);
    expect(page.headers.get("content-security-policy")).toMatch(/script-src 'none'/);
    const refused = await get("/docs", "image/png");
    expect(refused.status).toBe(406);
    expect(await refused.json()).toMatchObject({ code: "EDDY_ERR_NOT_ACCEPTABLE" });
  });

  it("shows every operation with its parameters and answers, in a browser", async () => {
    const document = (await (await get("/docs/json")).json()) as {
      paths: Record<string, Record<string, { parameters?: { name: string }[]; responses: Record<string, unknown> }>>;
    };
    const page = await browser.newPage();
    const requested: string[] = [];
    page.on("request", (request) => requested.push(request.url()));
    const dialogs: string[] = [];
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(`${api.url}/docs`);
    expect(requested.every((url) => url.startsWith(api.url))).toBe(true);

    const expected = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const shown = await page
      .locator("article.operation h3")
      .evaluateAll((headings) =>
        headings.map(
          (h) => `${h.querySelector(".method")?.textContent ?? ""} ${h.querySelector(".path")?.textContent ?? ""}`,
        ),
      );
    expect([...shown].sort()).toEqual([...expected].sort());

    // The lookup, with its parameters and each answer's status.
    const lookup = page.locator("article#get-stores-store-keys-key");
    expect(await lookup.locator("table td code").allTextContents()).toEqual(
      expect.arrayContaining(["store", "key", "allowStale"]),
    );
    const statuses = await lookup.locator(".status").allTextContents();
    expect(statuses).toEqual(Object.keys(document.paths["/stores/{store}/keys/{key}"]?.get?.responses ?? {}));
    // An answer's type, opened.
    await lookup.locator("details summary").first().click();
    expect(await lookup.locator("details pre.type").first().textContent()).toMatch(/stale: boolean;/);

    // The command body, its schema's description shown as text.
    const command = page.locator(`article#post-commands-${ACCOUNT_COMMANDS}`);
    expect(await command.locator("pre.type").first().textContent()).toContain(`// ${hostile}`);
    expect(await page.locator("img").count()).toBe(0);

    // The table of contents leads to the operation.
    await page.locator('nav a[href="#get-stores-store-keys-key"]').click();
    expect(page.url()).toMatch(/#get-stores-store-keys-key$/);
    expect(await lookup.isVisible()).toBe(true);
    expect(dialogs).toEqual([]);
    await page.close();
  });
});
