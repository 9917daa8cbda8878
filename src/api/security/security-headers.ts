// Security headers on every answer (@fastify/helmet): nosniff, no framing, no referrer
// leaks, and a Content-Security-Policy. JSON needs nothing from a browser, so the default
// policy allows nothing inline; the API's HTML pages (the topology graph) carry their
// own policy naming the SHA-256 of their inline script (inlinePagePolicy), so that a
// value rendered into a page can never run as a script.
import { createHash } from "node:crypto";
import helmet from "@fastify/helmet";
import type { FastifyInstance } from "fastify";

export async function installSecurityHeaders(app: FastifyInstance, { tls }: { tls: boolean }): Promise<void> {
  await app.register(helmet, {
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
  });
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
