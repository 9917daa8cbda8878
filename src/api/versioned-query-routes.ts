// GET /stores/:store/keys/:key/versions: a versioned store's versions of a key in a time
// range (Kafka Streams' MultiVersionedKeyQuery), answered by the key's owner
// (versioned-query-service.ts). A lookup as of a time is the point lookup's ?asOf=.
import type { FastifyInstance } from "fastify";
import type { ApiContext } from "./api-context.js";
import type { RouteDoc } from "./openapi.js";
import { SERVED_BY_HEADER } from "./peer-client.js";
import { lookupOptionsOf, positionHeaderDoc, sendAnswer } from "./query-replies.js";
import { checkInternalStoreAccess } from "./query-routes.js";
import { parseRequestPart } from "./request-parsing.js";
import { errorBody, keyParams } from "./route-schemas.js";
import { versionsAnswer, versionsQuery } from "./versioned-query-schemas.js";

export function versionedQueryRoutes(ctx: ApiContext) {
  return async function versionedQueryPlugin(app: FastifyInstance): Promise<void> {
    app.get("/stores/:store/keys/:key/versions", async (request, reply) => {
      const { store, key } = parseRequestPart(keyParams, request.params, "path parameters");
      checkInternalStoreAccess(ctx, request, store);
      const query = parseRequestPart(versionsQuery, request.query, "query parameters");
      return sendAnswer(reply, await ctx.versionedQueries.versions(store, key, query, lookupOptionsOf(request, query)));
    });
  };
}

export function versionedQueryRouteDocs(): RouteDoc[] {
  return [
    {
      method: "GET",
      path: "/stores/{store}/keys/{key}/versions",
      tag: "queries",
      summary: "A key's versions in a time range (a versioned store's MultiVersionedKeyQuery), answered by its owner",
      description:
        "The versions valid at some time in [from, to]: those that began at or before to and were still valid after from, " +
        "newest first (order=asc: oldest first), one page of at most limit. A deletion is not a version; it ends the one " +
        "before. Older than the store's history retention only the latest version answers. Routed, stale and " +
        `read-your-writes as point lookups; ${SERVED_BY_HEADER} says who answered. Committed state only.`,
      params: keyParams,
      query: versionsQuery,
      headers: [positionHeaderDoc],
      responses: {
        200: { description: "One page of the key's versions", schema: versionsAnswer },
        400: {
          description:
            "A bad parameter, a key the store's key serde rejects, a time range that is not one (EDDY_ERR_INVALID_TIME_RANGE), or a store that is not versioned (EDDY_ERR_WRONG_STORE_TYPE)",
          schema: errorBody,
        },
        404: { description: "No such store", schema: errorBody },
        503: {
          description:
            "No instance can answer yet (rebalancing, restoring), or the store did not reach the position in time; see Retry-After",
          schema: errorBody,
        },
      },
    },
  ];
}
