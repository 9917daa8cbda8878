// Security headers on every answer (@fastify/helmet): nosniff, no framing, no referrer
// leaks, and a Content-Security-Policy. JSON needs nothing from a browser, so the default
// policy allows nothing inline; the API's HTML pages (the topology graph) carry their
// own policy naming the SHA-256 of their inline script (inlinePagePolicy), so that a
// value rendered into a page can never run as a script.
//
// The headers do not depend on the request, so helmet runs once, on a probe request, and
// every answer gets the headers it set from one synchronous hook: helmet's own per-request
// middleware (a dozen setHeader calls through its hook chain) cost a point lookup as much
// as the lookup itself. A route that sets one of them (the topology page's policy) wins.
import { createHash } from "node:crypto";
import helmet from "@fastify/helmet";
import type { FastifyHelmetOptions } from "@fastify/helmet";
import fastify from "fastify";
import type { FastifyInstance } from "fastify";

export async function installSecurityHeaders(app: FastifyInstance, { tls }: { tls: boolean }): Promise<void> {
  const headers = await securityHeaders(tls);
  app.addHook("onRequest", (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}

/** The headers helmet sets on an answer with the API's policy (`tls`: over HTTPS). */
export async function securityHeaders(tls: boolean): Promise<Record<string, string>> {
  const answer = async (withHelmet: boolean) => {
    const probe = fastify({ logger: false });
    if (withHelmet) await probe.register(helmet, helmetOptions(tls));
    probe.get("/", (_request, reply) => {
      reply.send("");
    });
    const response = await probe.inject({ url: "/" });
    await probe.close();
    return response.headers;
  };
  const [secured, plain] = await Promise.all([answer(true), answer(false)]);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(secured)) {
    if (name in plain || typeof value !== "string") continue;
    headers[name] = value;
  }
  return headers;
}

function helmetOptions(tls: boolean): FastifyHelmetOptions {
  return {
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        "frame-ancestors": ["'none'"],
        // Over plain HTTP, upgrading the page's own requests to HTTPS would break them.
        "upgrade-insecure-requests": tls ? [] : null,
      },
    },
    // Strict-Transport-Security means something only over HTTPS.
    strictTransportSecurity: tls ? { maxAge: 31_536_000, includeSubDomains: false } : false,
    frameguard: { action: "deny" },
  };
}

/** The Content-Security-Policy of a page whose only script and styles are inline and fixed. */
export function inlinePagePolicy(scripts: readonly string[]): string {
  const hashes = scripts.map((script) => `'sha256-${createHash("sha256").update(script, "utf8").digest("base64")}'`);
  return [
    "default-src 'none'",
    `script-src ${hashes.join(" ") || "'none'"}`,
    "style-src 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}
