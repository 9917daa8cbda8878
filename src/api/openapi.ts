// The OpenAPI 3.1 document (served at /docs), generated from the zod schemas the routes
// validate with. OpenAPI 3.1 schemas are JSON Schema 2020-12, which z.toJSONSchema
// writes; request schemas are described as they are accepted (io: "input"), answers as
// they are sent (io: "output").
import { z } from "zod";
import type { ZodType } from "zod";

export interface ResponseDoc {
  readonly description: string;
  readonly schema?: ZodType;
  /** Defaults to application/json. */
  readonly contentTypes?: readonly string[];
}

export interface RouteDoc {
  readonly method: "GET" | "POST";
  /** OpenAPI path form: /stores/{store}/keys/{key}. */
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: string;
  readonly params?: ZodType;
  readonly query?: ZodType;
  readonly body?: ZodType;
  readonly bodyDescription?: string;
  readonly headers?: readonly { name: string; description: string; required?: boolean }[];
  readonly responses: Readonly<Record<number, ResponseDoc>>;
}

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: ZodType, io: "input" | "output"): JsonSchema {
  const converted = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as JsonSchema;
  const { $schema: _dialect, ...rest } = converted;
  return rest;
}

function parameters(schema: ZodType | undefined, location: "path" | "query"): JsonSchema[] {
  if (schema === undefined) return [];
  const object = jsonSchema(schema, "input");
  const properties = (object.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((object.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: location,
      required: location === "path" || required.has(name),
      ...(typeof description === "string" ? { description } : {}),
      schema: rest,
    };
  });
}

export interface OpenApiInfo {
  readonly title: string;
  readonly version: string;
  readonly description?: string;
  /** Path prefix the API is mounted under. */
  readonly prefix: string;
}

/** What access control may answer before a route runs, so that the document lists those answers too. */
export interface OpenApiAccess {
  /** Bearer tokens are required (on all but the public routes). */
  readonly authenticated: boolean;
  readonly publicRoutes: readonly string[];
  readonly readOnly: boolean;
  readonly rateLimited: boolean;
  readonly hostAllowlist: boolean;
}

const OPEN: OpenApiAccess = {
  authenticated: false,
  publicRoutes: [],
  readOnly: false,
  rateLimited: false,
  hostAllowlist: false,
};

/** The answers of access control (src/api/security/access-control.ts) to a route, by status. */
function accessResponses(
  route: RouteDoc,
  access: OpenApiAccess,
  errorSchema: ZodType | undefined,
): Record<number, ResponseDoc> {
  const schema = errorSchema === undefined ? {} : { schema: errorSchema };
  const out: Record<number, ResponseDoc> = {};
  const isPublic = access.publicRoutes.some((p) => route.path === p || route.path.startsWith(`${p}/`));
  if (access.authenticated && !isPublic) {
    out[401] = {
      description: "No bearer token, or one this instance does not accept (see WWW-Authenticate)",
      ...schema,
    };
    out[403] = { description: "The token lacks the scope this route needs", ...schema };
  }
  if (access.readOnly && route.method !== "GET")
    out[403] = { description: "Refused: this instance is read-only, or the token lacks the scope", ...schema };
  if (access.rateLimited) out[429] = { description: "Too many requests for this token; see Retry-After", ...schema };
  if (access.hostAllowlist) out[421] = { description: "The Host header is not one this API answers to", ...schema };
  return out;
}

export function openApiDocument(
  info: OpenApiInfo,
  routes: readonly RouteDoc[],
  access: OpenApiAccess = OPEN,
  errorSchema?: ZodType,
): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = info.prefix + route.path;
    const responses: Record<string, unknown> = {};
    const documented = { ...accessResponses(route, access, errorSchema), ...route.responses };
    const isPublic = access.publicRoutes.some((p) => route.path === p || route.path.startsWith(`${p}/`));
    for (const [status, response] of Object.entries(documented)) {
      const types = response.contentTypes ?? ["application/json"];
      responses[status] = {
        description: response.description,
        ...(response.schema === undefined && response.contentTypes === undefined
          ? {}
          : {
              content: Object.fromEntries(
                types.map((type) => [
                  type,
                  response.schema === undefined ? {} : { schema: jsonSchema(response.schema, "output") },
                ]),
              ),
            }),
      };
    }
    const operation: Record<string, unknown> = {
      summary: route.summary,
      ...(route.description === undefined ? {} : { description: route.description }),
      tags: [route.tag],
      parameters: [
        ...parameters(route.params, "path"),
        ...parameters(route.query, "query"),
        ...(route.headers ?? []).map((header) => ({
          name: header.name,
          in: "header",
          required: header.required ?? false,
          description: header.description,
          schema: { type: "string" },
        })),
      ],
      ...(route.body === undefined
        ? {}
        : {
            requestBody: {
              required: true,
              ...(route.bodyDescription === undefined ? {} : { description: route.bodyDescription }),
              content: { "application/json": { schema: jsonSchema(route.body, "input") } },
            },
          }),
      responses,
      ...(access.authenticated ? { security: isPublic ? [] : [{ bearerAuth: [] }] } : {}),
    };
    paths[path] = { ...(paths[path] ?? {}), [route.method.toLowerCase()]: operation };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: info.title,
      version: info.version,
      ...(info.description === undefined ? {} : { description: info.description }),
    },
    // OpenAPI 3.1's own default: JSON Schema 2020-12 with its vocabulary, what the zod schemas are written in.
    jsonSchemaDialect: "https://spec.openapis.org/oas/3.1/dialect/base",
    paths,
    ...(access.authenticated
      ? {
          components: {
            securitySchemes: {
              bearerAuth: {
                type: "http",
                scheme: "bearer",
                description: "A token of apiTokens; its scopes (read, command, admin) decide the routes it may call.",
              },
            },
          },
        }
      : {}),
  };
}
