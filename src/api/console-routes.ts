// GET /console: the live console page (console-page.ts), for a browser. The page holds no
// data of its own: its script reads the API's routes with the token the user gives it, so
// the page may be public (apiPublicRoutes) while the data stays behind the tokens.
import type { FastifyInstance } from "fastify";
import type { ApiContext } from "./api-context.js";
import { CONSOLE_SCRIPT, renderConsolePage } from "./console-page.js";
import type { RouteDoc } from "./openapi.js";
import { documentSecurityHeaders, inlinePagePolicy } from "./security/security-headers.js";

export function consoleRoutes(ctx: ApiContext) {
  return async function consolePlugin(app: FastifyInstance): Promise<void> {
    let page: string | undefined;
    const pagePolicy = inlinePagePolicy([CONSOLE_SCRIPT]);
    const pageHeaders = await documentSecurityHeaders();
    app.get("/console", async (_request, reply) => {
      page ??= renderConsolePage(ctx.topology.describe(), { title: ctx.title, prefix: ctx.prefix });
      return reply
        .type("text/html; charset=utf-8")
        .headers(pageHeaders)
        .header("content-security-policy", pagePolicy)
        .send(page);
    });
  };
}

export function consoleRouteDocs(): RouteDoc[] {
  return [
    {
      method: "GET",
      path: "/console",
      tag: "operations",
      summary:
        "A live console for a browser: instances, tasks, lag, restores, rates, the topology, stores and commands",
      description:
        "An HTML page whose script polls /metadata, /health, /ready, /stores and /docs/json with the token typed into it; " +
        "add /console to apiPublicRoutes to open it without a token (its data still needs one).",
      responses: { 200: { description: "The console page", contentTypes: ["text/html"] } },
    },
  ];
}
