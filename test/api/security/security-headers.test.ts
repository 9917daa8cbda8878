// The API's security headers: helmet's, computed once, on every answer (404s included),
// with a route's own header winning (the topology page's Content-Security-Policy).
import fastify from "fastify";
import { describe, expect, it } from "vitest";
import { installSecurityHeaders, securityHeaders } from "../../../src/api/security/security-headers.js";

describe("security headers", () => {
  it("are helmet's, with no framing, and HSTS and upgrade-insecure-requests only over TLS", async () => {
    const plain = await securityHeaders(false);
    expect(plain).toMatchObject({
      "x-content-type-options": "nosniff",
      "x-frame-options": "DENY",
      "referrer-policy": "no-referrer",
      "cross-origin-resource-policy": "same-origin",
    });
    expect(plain["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(plain["content-security-policy"]).not.toContain("upgrade-insecure-requests");
    expect(plain["strict-transport-security"]).toBeUndefined();
    const tls = await securityHeaders(true);
    expect(tls["strict-transport-security"]).toBe("max-age=31536000");
    expect(tls["content-security-policy"]).toContain("upgrade-insecure-requests");
  });

  it("go on every answer, a 404 included, and a route's own header wins", async () => {
    const app = fastify({ logger: false });
    await installSecurityHeaders(app, { tls: false });
    app.get("/json", async () => ({ value: 1 }));
    app.get("/page", (_request, reply) => {
      reply.header("content-security-policy", "default-src 'none'").type("text/html").send("<p>page</p>");
    });
    const expected = await securityHeaders(false);
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
