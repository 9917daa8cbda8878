// The demo's web server: the routes each example puts in front of its Eddy application
// (redirects, the bank's queries, the order lists), and an index page linking it all.
import fastify, { LogController } from "fastify";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { EddyHttpClient } from "../shared/eddy-http-client.js";
import type { RecordPublisher } from "../shared/record-publisher.js";
import type { RunningExample } from "./running-example.js";

export interface WebServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startWebServer(
  examples: readonly RunningExample[],
  options: { host: string; port: number; publisher: RecordPublisher; logger: Logger; token?: string },
): Promise<WebServer> {
  const app = fastify({
    loggerInstance: options.logger.child({ component: "web" }),
    logController: new LogController({ disableRequestLogging: true }),
  }) as unknown as FastifyInstance;
  // The short links handed out name this server; the port is known only after listen() when it is 0.
  let publicUrl = "";
  for (const running of examples) {
    await running.example.registerRoutes(app, {
      eddy: new EddyHttpClient(running.url, { token: options.token }),
      publisher: options.publisher,
      publicUrl: () => publicUrl,
    });
  }
  app.get("/", async (_request, reply) => reply.type("text/html; charset=utf-8").send(indexPage(examples)));
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;
  const shownHost = options.host === "0.0.0.0" || options.host === "::" ? "localhost" : options.host;
  publicUrl = `http://${shownHost}:${port}`;
  return { url: publicUrl, port, close: () => app.close() };
}

function indexPage(examples: readonly RunningExample[]): string {
  const rows = examples
    .map(
      ({ example, url }) =>
        `<tr><td><b>${example.name}</b></td><td>${example.summary}</td><td><a href="${url}/console">console</a> · <a href="${url}/topology">topology</a> · ` +
        `<a href="${url}/docs">API document</a> · <code>${url}/stores</code>, <code>/metadata</code>, <code>/metrics</code> ` +
        `(with the token)</td></tr>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Eddy demo</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem}td{padding:.3rem .8rem;vertical-align:top}code{background:#f3f3f3;padding:0 .2rem}</style>
</head><body>
<h1>Eddy demo</h1>
<p>Three applications, each with its own Eddy API (queries routed to the instance that owns the key, commands, topology, metrics).
The consoles, topology pages and API documents are public (a console asks for the token to show data); everything else needs the token <code>npm start</code> printed
(<code>curl -H "authorization: Bearer $EDDY_API_TOKEN" ...</code>).</p>
<table>${rows}</table>
<form action="/links/kstreams/chart" onsubmit="this.action='/links/'+encodeURIComponent(this.code.value)+'/chart'">
Visits per hour of the short link <input name="code" value="kstreams" size="10"> <button>chart</button> (the last 24 hours, a window store)</form>
<p>The examples' own routes on this server: <code>GET /r/:code</code> (redirect), <code>POST /links</code>, <code>GET /links/:code</code>,
<code>GET /links/:code/hourly</code>, <code>GET /links/:code/chart</code>,
<code>GET /bank/accounts?minBalanceCents=</code>, <code>GET /bank/accounts/:id</code>, <code>GET /bank/holders/:holder/accounts</code>,
<code>GET /orders?status=PAID</code>, <code>GET /orders/:id</code>, <code>POST /orders/:id/items</code>, <code>PUT /orders/:id/shipping</code>,
<code>PUT /orders/:id/payment</code>.</p>
</body></html>`;
}
