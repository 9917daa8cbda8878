// GET /docs: the OpenAPI 3.1 document of this API, generated from the routes' zod
// schemas, command endpoints included (with the command schemas the app registered): as
// JSON for tools (Accept: application/json, or none; always at /docs/json, and as YAML at
// /docs/yaml), and for a browser (Accept: text/html) Swagger UI, served from this process
// (@fastify/swagger-ui's copy of swagger-ui-dist under /docs/static/): nothing comes from
// a CDN, the page's policy runs only scripts of its own origin, and every part of it sits
// behind the same access control as the rest of the API.
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { negotiate } from "./content-negotiation.js";
import { NotAcceptableError } from "./errors.js";
import { escapeHtml } from "./html-escape.js";
import { documentSecurityHeaders } from "./security/security-headers.js";
import { VERSION } from "../version.js";
import type { ApiContext } from "./api-context.js";
import { commandRouteDocs } from "./command-routes.js";
import { consoleRouteDocs } from "./console-routes.js";
import { openApiDocument } from "./openapi.js";
import type { RouteDoc } from "./openapi.js";
import { opsRouteDocs } from "./ops-routes.js";
import { queryRouteDocs } from "./query-routes.js";
import { windowQueryRouteDocs } from "./window-query-routes.js";
import { versionedQueryRouteDocs } from "./versioned-query-routes.js";
import { errorBody } from "./route-schemas.js";
import { topologyRouteDocs } from "./topology-routes.js";

export function allRouteDocs(ctx: ApiContext): RouteDoc[] {
  return [
    ...queryRouteDocs(),
    ...windowQueryRouteDocs(),
    ...versionedQueryRouteDocs(),
    ...commandRouteDocs(ctx),
    ...topologyRouteDocs(),
    ...consoleRouteDocs(),
    ...opsRouteDocs(),
    {
      method: "GET",
      path: "/docs",
      tag: "operations",
      summary: "This document (OpenAPI 3.1) as JSON, or Swagger UI showing it for a browser, by Accept",
      responses: {
        200: {
          description:
            "application/json (the default): the OpenAPI document; text/html: Swagger UI (its scripts and styles under /docs/static/, from this server)",
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
    {
      method: "GET",
      path: "/docs/yaml",
      tag: "operations",
      summary: "This document (OpenAPI 3.1) as YAML",
      responses: { 200: { description: "The OpenAPI document", contentTypes: ["application/x-yaml"] } },
    },
  ];
}

/** JSON first: a client that does not say (curl, code generators) gets the document. */
const OFFERED = ["application/json", "text/html"] as const;

/**
 * The Swagger UI page's policy: scripts and styles from this origin only (swagger-ui's
 * bundle, its preset and @fastify/swagger-ui's initializer are files, none inline), its
 * icons as data: images, requests ("Try it out") to this origin.
 */
export const DOCS_PAGE_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

export function docsRoutes(ctx: ApiContext) {
  return async function docsPlugin(app: FastifyInstance): Promise<void> {
    let cached: { version: number; text: string; document: Record<string, unknown> } | undefined;
    const current = () => {
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
        const text = JSON.stringify(built);
        cached = { version: ctx.commands.version, text, document: JSON.parse(text) as Record<string, unknown> };
      }
      return cached;
    };
    const pageHeaders = await documentSecurityHeaders();
    const index = new Set([`${ctx.prefix}/docs`, `${ctx.prefix}/docs/`]);
    // Static mode: @fastify/swagger holds a document (the UI plugin needs it registered);
    // the one served is always current() (commands registered later are in it).
    await app.register(fastifySwagger, {
      mode: "static",
      specification: { document: { openapi: "3.0.3", info: { title: ctx.title, version: VERSION }, paths: {} } },
    });
    await app.register(fastifySwaggerUi, {
      routePrefix: "/docs",
      ...(ctx.prefix === "" ? {} : { indexPrefix: ctx.prefix }),
      // The page's own title; Swagger's top bar (a box to load other documents) left out.
      theme: { title: escapeHtml(`${ctx.title} · API`) },
      uiConfig: { layout: "BaseLayout", deepLinking: true },
      transformSpecificationClone: false,
      transformSpecification: () => current().document,
      uiHooks: {
        // The page, or the document itself when the client asks for JSON (tools, curl).
        onRequest: (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => {
          if (!index.has(request.routeOptions.url ?? "")) {
            done();
            return;
          }
          reply.header("vary", "Accept");
          switch (negotiate(request.headers.accept, OFFERED)) {
            case "application/json":
              void reply.type("application/json; charset=utf-8").send(current().text);
              return;
            case "text/html":
              reply.headers(pageHeaders).header("content-security-policy", DOCS_PAGE_POLICY);
              done();
              return;
            default:
              done(new NotAcceptableError(OFFERED));
          }
        },
      },
    });
  };
}
