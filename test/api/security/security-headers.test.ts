// The API's security headers: a lean set on every answer (404s included), helmet's
// document headers on HTML pages, a route's own header winning (the topology page's
// Content-Security-Policy).
import fastify from "fastify";
import { describe, expect, it } from "vitest";
import {
  apiSecurityHeaders,
  documentSecurityHeaders,
  installSecurityHeaders,
} from "../../../src/api/security/security-headers.js";

describe("security headers", () => {
  it("on every answer: nosniff, no framing, a policy allowing nothing, no referrer, no caching; HSTS only over TLS", () => {
    const plain = apiSecurityHeaders(false);
    expect(plain).toEqual({
      "x-content-type-options": "nosniff",
      "x-frame-options": "DENY",
      "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
      "referrer-policy": "no-referrer",
      "cross-origin-resource-policy": "same-origin",
      "cache-control": "no-store",
    });
    expect(apiSecurityHeaders(true)).toEqual({ ...plain, "strict-transport-security": "max-age=31536000" });
  });

  it("on pages, helmet's document headers too, and neither its policy nor HSTS (the page and every answer set those)", async () => {
    const page = await documentSecurityHeaders();
    expect(page).toMatchObject({
      "cross-origin-opener-policy": "same-origin",
      "origin-agent-cluster": "?1",
      "x-dns-prefetch-control": "off",
      "x-permitted-cross-domain-policies": "none",
      "x-frame-options": "DENY",
    });
    expect(page["content-security-policy"]).toBeUndefined();
    expect(page["strict-transport-security"]).toBeUndefined();
  });

  it("go on every answer, a 404 included, and a route's own header wins", async () => {
    const app = fastify({ logger: false });
    await installSecurityHeaders(app, { tls: false });
    app.get("/json", async () => ({ value: 1 }));
    app.get("/page", (_request, reply) => {
      reply.header("content-security-policy", "default-src 'none'").type("text/html").send("<p>page</p>");
    });
    const expected = apiSecurityHeaders(false);
    for (const url of ["/json", "/missing"]) {
      const response = await app.inject({ url });
      for (const [name, value] of Object.entries(expected))
        expect(response.headers[name], `${url} ${name}`).toBe(value);
    }
    const page = await app.inject({ url: "/page" });
    expect(page.headers["content-security-policy"]).toBe("default-src 'none'");
    expect(page.headers["x-frame-options"]).toBe("DENY");
    await app.close();
  });
});
