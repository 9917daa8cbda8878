// GET /docs: the OpenAPI document as JSON for tools and Swagger UI for a browser (content
// negotiation; /docs/json is always JSON, /docs/yaml YAML). The page is checked in a real
// browser (Debian's chromium, headless, driven by playwright-core): every operation of the
// document is in the viewer, each opened shows its parameters and answers; it loads
// nothing from elsewhere, runs under a policy that allows scripts of its own origin only
// (and breaks none of its rules), and a script in a command schema's description never
// runs (Swagger UI renders descriptions as Markdown, markup included: the policy stops it).
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { chromium } from "playwright-core";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { DOCS_PAGE_POLICY } from "../../src/api/docs-routes.js";
import { startApiServer } from "../../src/api/index.js";
import type { RunningApiServer } from "../../src/api/index.js";
import { KafkaStreams } from "../../src/index.js";
import { silentLogger } from "../integration/support/kafka.js";
import { ACCOUNT_COMMANDS, apiTestTopology } from "./support/cluster.js";

/** An element, as far as these checks read it (this file is compiled without the DOM's types). */
type Attributed = { getAttribute(name: string): string | null };

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
    const yaml = await get("/docs/yaml");
    expect(yaml.headers.get("content-type")).toMatch(/^application\/x-yaml/);
    expect(parseYaml(await yaml.text())).toEqual(await (await get("/docs/json")).json());
    const page = await get("/docs", BROWSER_ACCEPT);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.headers.get("vary")).toMatch(/accept/i);
    // Scripts of this origin only: no inline script, no eval, nothing from elsewhere.
    const policy = page.headers.get("content-security-policy") ?? "";
    expect(policy).toBe(DOCS_PAGE_POLICY);
    expect(policy).toMatch(/(^|; )script-src 'self'(;|$)/);
    expect(policy).not.toMatch(/unsafe|https?:|\*/);
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    // The viewer's files come from this server, from npm's copy, behind the same access control.
    const bundle = await get("/docs/static/swagger-ui-bundle.js");
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get("content-type")).toMatch(/^application\/javascript/);
    expect((await get("/docs/static/../../package.json")).status).toBe(404);
    const refused = await get("/docs", "image/png");
    expect(refused.status).toBe(406);
    expect(await refused.json()).toMatchObject({ code: "EDDY_ERR_NOT_ACCEPTABLE" });
  });

  it(
    "shows every operation with its parameters and answers in Swagger UI, in a browser",
    { timeout: 240_000 },
    async () => {
      const document = (await (await get("/docs/json")).json()) as {
        paths: Record<string, Record<string, { parameters?: { name: string }[]; responses: Record<string, unknown> }>>;
      };
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const requested: string[] = [];
      page.on("request", (request) => requested.push(request.url()));
      const failed: string[] = [];
      page.on("response", (response) => {
        if (response.status() >= 400) failed.push(response.url());
      });
      const problems: string[] = [];
      page.on("pageerror", (error) => problems.push(error.message));
      // A policy violation is reported on the console (and a broken viewer logs its errors there).
      page.on("console", (message) => {
        if (message.type() === "error" || /Content Security Policy/i.test(message.text()))
          problems.push(message.text());
      });
      const dialogs: string[] = [];
      page.on("dialog", (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      await page.goto(`${api.url}/docs`);

      const expected = Object.entries(document.paths).flatMap(([path, item]) =>
        Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
      );
      const blocks = page.locator(".opblock");
      await expect.poll(() => blocks.count(), { timeout: 60_000 }).toBe(expected.length);
      const shown = await blocks.evaluateAll((nodes) =>
        nodes.map(
          (n) =>
            `${n.querySelector(".opblock-summary-method")?.textContent ?? ""} ${n.querySelector(".opblock-summary-path")?.getAttribute("data-path") ?? ""}`,
        ),
      );
      expect([...shown].sort()).toEqual([...expected].sort());

      // Each operation, opened: its parameters by name, its answers by status, as the document has them.
      const want = shown.map((entry) => {
        const [method, path] = entry.split(" ") as [string, string];
        const operation = document.paths[path]?.[method.toLowerCase()];
        return {
          codes: Object.keys(operation?.responses ?? {}),
          parameters: (operation?.parameters ?? []).map((p) => p.name),
        };
      });
      for (let i = 0; i < expected.length; i++) await blocks.nth(i).locator(".opblock-summary-control").click();
      const opened = () =>
        blocks.evaluateAll((nodes) =>
          nodes.map((n) => ({
            codes: (Array.from(n.querySelectorAll(".responses-table tr.response")) as Attributed[]).map((r) =>
              r.getAttribute("data-code"),
            ),
            parameters: (Array.from(n.querySelectorAll(".parameters tr[data-param-name]")) as Attributed[]).map((r) =>
              r.getAttribute("data-param-name"),
            ),
          })),
        );
      await expect.poll(opened, { timeout: 60_000 }).toEqual(want);

      // The lookup's parameters, by name; the command body's schema, its description shown as text.
      const lookup = page.locator('.opblock:has(.opblock-summary-path[data-path="/stores/{store}/keys/{key}"])');
      expect(await lookup.locator(".parameter__name").allTextContents()).toEqual(
        expect.arrayContaining([expect.stringMatching(/^store/), expect.stringMatching(/^key/), "allowStale"]),
      );
      const command = page.locator(`.opblock:has(.opblock-summary-path[data-path="/commands/${ACCOUNT_COMMANDS}"])`);
      await command.locator('.opblock-section-request-body button[data-name="model"]').click();
      await command
        .locator(".opblock-section-request-body article.json-schema-2020-12--embedded", {
          has: page.locator(".json-schema-2020-12__title", { hasText: /^amount$/ }),
        })
        .locator(".json-schema-2020-12-expand-deep-button")
        .click();
      await expect.poll(() => command.locator(".opblock-section-request-body").textContent()).toContain("a deposit");
      expect(dialogs).toEqual([]);

      // Swagger UI renders a schema's description as Markdown, markup included: the <img> is made
      // (its src=x asked of this server) and its inline handler is what the page's policy refuses.
      // The policy blocks nothing else, and the viewer reports no other error.
      expect(requested.filter((url) => !url.startsWith(api.url))).toEqual([]);
      // (Relative to the page's URL, which deep links rewrite: /docs/x or /x.)
      expect(failed.filter((url) => url !== `${api.url}/docs/x` && url !== `${api.url}/x`)).toEqual([]);
      const blockedHandler =
        /^Executing inline event handler violates the following Content Security Policy directive 'script-src 'self''/;
      const missingImage = /^Failed to load resource: the server responded with a status of 404/;
      expect(problems.filter((text) => !blockedHandler.test(text) && !missingImage.test(text))).toEqual([]);
      const shots = process.env.EDDY_SCREENSHOT_DIR ?? join(tmpdir(), "eddy-console-screenshots");
      mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: join(shots, "docs.png") });
      await page.close();
    },
  );
});
