// GET /docs: the OpenAPI 3.1 document of this API, generated from the routes' zod
// schemas, command endpoints included (with the command schemas the app registered).
import type { FastifyInstance } from "fastify";
import { VERSION } from "../version.js";
import type { ApiContext } from "./api-context.js";
import { commandRouteDocs } from "./command-routes.js";
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
    ...opsRouteDocs(),
    {
      method: "GET",
      path: "/docs",
      tag: "operations",
      summary: "This document (OpenAPI 3.1)",
      responses: { 200: { description: "The OpenAPI document", contentTypes: ["application/json"] } },
    },
  ];
}

export function docsRoutes(ctx: ApiContext) {
  return async function docsPlugin(app: FastifyInstance): Promise<void> {
    let cached: { version: number; text: string } | undefined;
    app.get("/docs", async (_request, reply) => {
      if (cached?.version !== ctx.commands.version) {
        const document = openApiDocument(
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
        cached = { version: ctx.commands.version, text: JSON.stringify(document) };
      }
      return reply.type("application/json; charset=utf-8").send(cached.text);
    });
  };
}
