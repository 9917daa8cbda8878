// GET /docs: the OpenAPI 3.1 document of this API, generated from the routes' zod
// schemas, command endpoints included (with the command schemas the app registered):
// as JSON for tools (Accept: application/json, or none, and always at /docs/json), as a
// readable reference page for a browser (Accept: text/html).
import type { FastifyInstance } from "fastify";
import { negotiate } from "./content-negotiation.js";
import { renderDocsPage } from "./docs-page.js";
import { NotAcceptableError } from "./errors.js";
import { documentSecurityHeaders, inlinePagePolicy } from "./security/security-headers.js";
import { VERSION } from "../version.js";
import type { ApiContext } from "./api-context.js";
import { commandRouteDocs } from "./command-routes.js";
import { consoleRouteDocs } from "./console-routes.js";
import { openApiDocument } from "./openapi.js";
import type { RouteDoc } from "./openapi.js";
import { opsRouteDocs } from "./ops-routes.js";
import { queryRouteDocs } from "./query-routes.js";
import { windowQueryRouteDocs } from "./window-query-routes.js";
import { errorBody } from "./route-schemas.js";
import { topologyRouteDocs } from "./topology-routes.js";

export function allRouteDocs(ctx: ApiContext): RouteDoc[] {
  return [
    ...queryRouteDocs(),
    ...windowQueryRouteDocs(),
    ...commandRouteDocs(ctx),
    ...topologyRouteDocs(),
    ...consoleRouteDocs(),
    ...opsRouteDocs(),
    {
      method: "GET",
      path: "/docs",
      tag: "operations",
      summary: "This document (OpenAPI 3.1) as JSON, or as a reference page for a browser, by Accept",
      responses: {
        200: {
          description: "application/json (the default): the OpenAPI document; text/html: the same, as a readable page",
          contentTypes: OFFERED,
        },
        406: { description: "None of the offered types is acceptable" },
      },
    },
    {
      method: "GET",
      path: "/docs/json",
      tag: "operations",
      summary: "This document (OpenAPI 3.1) as JSON, whatever the Accept header",
      responses: { 200: { description: "The OpenAPI document", contentTypes: ["application/json"] } },
    },
  ];
}

/** JSON first: a client that does not say (curl, code generators) gets the document. */
const OFFERED = ["application/json", "text/html"] as const;

export function docsRoutes(ctx: ApiContext) {
  return async function docsPlugin(app: FastifyInstance): Promise<void> {
    let cached: { version: number; text: string; page?: string } | undefined;
    const document = (): { version: number; text: string; page?: string } => {
      if (cached?.version !== ctx.commands.version) {
        const built = openApiDocument(
          {
            title: ctx.title,
            version: VERSION,
            description: `Interactive queries, commands and operations of the Eddy application "${ctx.streams.applicationId}".`,
            prefix: ctx.prefix,
          },
          allRouteDocs(ctx),
          ctx.access,
          errorBody,
        );
        cached = { version: ctx.commands.version, text: JSON.stringify(built) };
      }
      return cached;
    };
    // The page runs no script: its policy allows none.
    const pagePolicy = inlinePagePolicy([]);
    const pageHeaders = await documentSecurityHeaders();
    app.get("/docs", async (request, reply) => {
      reply.header("vary", "Accept");
      const current = document();
      switch (negotiate(request.headers.accept, OFFERED)) {
        case "application/json":
          return reply.type("application/json; charset=utf-8").send(current.text);
        case "text/html":
          current.page ??= renderDocsPage(
            JSON.parse(current.text) as Record<string, unknown>,
            `${ctx.prefix}/docs/json`,
          );
          return reply
            .type("text/html; charset=utf-8")
            .headers(pageHeaders)
            .header("content-security-policy", pagePolicy)
            .send(current.page);
        default:
          throw new NotAcceptableError(OFFERED);
      }
    });
    app.get("/docs/json", async (_request, reply) =>
      reply.type("application/json; charset=utf-8").send(document().text),
    );
  };
}
