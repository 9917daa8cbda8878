// Security headers. A JSON answer needs few: nosniff (a browser never runs it as a
// script or renders it as a page), no framing, a policy that allows the document
// nothing, no referrer, same-origin embedding only, no caching of answers that may
// hold private state, and HSTS over HTTPS (OWASP's REST Security set). Those go on
// every answer from one synchronous hook, precomputed: a point lookup costs about as
// much as fastify's bare route, and helmet's eleven headers (~600 bytes, each checked
// by Node as it writes them) cost a lookup as much as the lookup itself. What only
// protects documents (cross-origin opener isolation, origin-keyed agent clusters, DNS
// prefetch, IE8's download option, Flash and Acrobat's cross-domain policies, the
// obsolete X-XSS-Protection) goes with the HTML pages (the topology graph): helmet's
// own set, computed once, beside the page's own Content-Security-Policy naming the
// SHA-256 of its inline script (inlinePagePolicy), so that a value rendered into a
// page can never run as a script. A route that sets one of the headers wins.
import { createHash } from "node:crypto";
import helmet from "@fastify/helmet";
import type { FastifyHelmetOptions } from "@fastify/helmet";
import fastify from "fastify";
import type { FastifyInstance } from "fastify";

/** Puts apiSecurityHeaders(tls) on every answer of `app` (and of what it registers after). */
export async function installSecurityHeaders(app: FastifyInstance, { tls }: { tls: boolean }): Promise<void> {
  const headers = apiSecurityHeaders(tls);
  app.addHook("onRequest", (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}

/** What every answer carries (JSON, errors, 404s); `tls`: served over HTTPS. */
export function apiSecurityHeaders(tls: boolean): Readonly<Record<string, string>> {
  return tls ? TLS_HEADERS : PLAIN_HEADERS;
}

const PLAIN_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  // A JSON answer loads nothing and may not be framed; pages set their own policy.
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "referrer-policy": "no-referrer",
  "cross-origin-resource-policy": "same-origin",
  "cache-control": "no-store",
});

const TLS_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  ...PLAIN_HEADERS,
  // Strict-Transport-Security means something only over HTTPS.
  "strict-transport-security": "max-age=31536000",
});

let documentHeaders: Promise<Readonly<Record<string, string>>> | undefined;

/**
 * The headers an HTML page adds to apiSecurityHeaders: helmet's, without its
 * Content-Security-Policy (a page names its own, inlinePagePolicy) and HSTS (every
 * answer over HTTPS carries it). Computed once, on a probe request.
 */
export function documentSecurityHeaders(): Promise<Readonly<Record<string, string>>> {
  documentHeaders ??= helmetHeaders().then((headers) => {
    const own = new Set(["content-security-policy", "strict-transport-security"]);
    return Object.freeze(Object.fromEntries(Object.entries(headers).filter(([name]) => !own.has(name))));
  });
  return documentHeaders;
}

/** The headers helmet sets on an answer with the API's policy. */
async function helmetHeaders(): Promise<Record<string, string>> {
  const answer = async (withHelmet: boolean) => {
    const probe = fastify({ logger: false });
    if (withHelmet) await probe.register(helmet, HELMET_OPTIONS);
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

const HELMET_OPTIONS: FastifyHelmetOptions = {
  contentSecurityPolicy: false,
  strictTransportSecurity: false,
  frameguard: { action: "deny" },
};

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
