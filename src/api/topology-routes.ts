// GET /topology: the Kafka Streams text for text/plain (curl's */* gets it too), the
// JSON description for application/json, and the graph page for browsers (text/html).
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { ApiContext } from "./api-context.js";
import { negotiate } from "./content-negotiation.js";
import { NotAcceptableError } from "./errors.js";
import type { RouteDoc } from "./openapi.js";
import { documentSecurityHeaders, inlinePagePolicy } from "./security/security-headers.js";
import { TOPOLOGY_PAGE_SCRIPT, renderTopologyPage } from "./topology-page.js";

const OFFERED = ["text/plain", "application/json", "text/html"] as const;

export function topologyRoutes(ctx: ApiContext) {
  return async function topologyPlugin(app: FastifyInstance): Promise<void> {
    const description = ctx.topology.describe();
    let page: string | undefined;
    const pagePolicy = inlinePagePolicy([TOPOLOGY_PAGE_SCRIPT]);
    // A page needs what protects documents, beyond what every answer carries.
    const pageHeaders = await documentSecurityHeaders();
    app.get("/topology", async (request, reply) => {
      const type = negotiate(request.headers.accept, OFFERED);
      reply.header("vary", "Accept");
      switch (type) {
        case "text/plain":
          return reply.type("text/plain; charset=utf-8").send(description.toString());
        case "application/json":
          return reply.type("application/json; charset=utf-8").send(JSON.stringify(description.toJSON()));
        case "text/html":
          page ??= renderTopologyPage(description, { title: ctx.title });
          return reply
            .type("text/html; charset=utf-8")
            .headers(pageHeaders)
            .header("content-security-policy", pagePolicy)
            .send(page);
        default:
          throw new NotAcceptableError(OFFERED);
      }
    });
  };
}

export function topologyRouteDocs(): RouteDoc[] {
  return [
    {
      method: "GET",
      path: "/topology",
      tag: "topology",
      summary: "The topology: Kafka Streams' text, JSON, or a graph page, by Accept",
      responses: {
        200: {
          description:
            "text/plain: describe() as Kafka Streams prints it; application/json: the description; text/html: the graph",
          schema: z.unknown(),
          contentTypes: OFFERED,
        },
        406: { description: "None of the offered types is acceptable" },
      },
    },
  ];
}
