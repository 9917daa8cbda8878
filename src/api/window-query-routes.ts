// GET /stores/:store/keys/:key/windows and GET /stores/:store/keys/:key/sessions: a key's
// windows or sessions in a time range, answered by the key's owner (window-query-service.ts).
import type { FastifyInstance } from "fastify";
import type { ApiContext } from "./api-context.js";
import type { RouteDoc } from "./openapi.js";
import { SERVED_BY_HEADER } from "./peer-client.js";
import { lookupOptionsOf, positionHeaderDoc, sendAnswer } from "./query-replies.js";
import { parseRequestPart } from "./request-parsing.js";
import { errorBody, keyParams } from "./route-schemas.js";
import { checkInternalStoreAccess } from "./query-routes.js";
import { sessionsAnswer, sessionsQuery, windowsAnswer, windowsQuery } from "./window-query-schemas.js";

export function windowQueryRoutes(ctx: ApiContext) {
  return async function windowQueryPlugin(app: FastifyInstance): Promise<void> {
    app.get("/stores/:store/keys/:key/windows", async (request, reply) => {
      const { store, key } = parseRequestPart(keyParams, request.params, "path parameters");
      checkInternalStoreAccess(ctx, request, store);
      const query = parseRequestPart(windowsQuery, request.query, "query parameters");
      return sendAnswer(reply, await ctx.windowQueries.windows(store, key, query, lookupOptionsOf(request, query)));
    });

    app.get("/stores/:store/keys/:key/sessions", async (request, reply) => {
      const { store, key } = parseRequestPart(keyParams, request.params, "path parameters");
      checkInternalStoreAccess(ctx, request, store);
      const query = parseRequestPart(sessionsQuery, request.query, "query parameters");
      return sendAnswer(reply, await ctx.windowQueries.sessions(store, key, query, lookupOptionsOf(request, query)));
    });
  };
}

const errors = (what: string) => ({
  400: {
    description: `A bad parameter, a key the store's key serde rejects, a time range that is not one (EDDY_ERR_INVALID_TIME_RANGE), or a store that is not a ${what} store (EDDY_ERR_WRONG_STORE_TYPE)`,
    schema: errorBody,
  },
  404: { description: "No such store", schema: errorBody },
  503: {
    description:
      "No instance can answer yet (rebalancing, restoring), or the store did not reach the position in time; see Retry-After",
    schema: errorBody,
  },
});

export function windowQueryRouteDocs(): RouteDoc[] {
  return [
    {
      method: "GET",
      path: "/stores/{store}/keys/{key}/windows",
      tag: "queries",
      summary: "A key's windows in a time range (a window store's fetch / backwardFetch), answered by the key's owner",
      description:
        "Windows whose start is in [from, to], oldest first (order=desc: newest first), one page of at most limit; " +
        `routed, stale and read-your-writes as point lookups; ${SERVED_BY_HEADER} says who answered. Committed state only.`,
      params: keyParams,
      query: windowsQuery,
      headers: [positionHeaderDoc],
      responses: { 200: { description: "One page of the key's windows", schema: windowsAnswer }, ...errors("window") },
    },
    {
      method: "GET",
      path: "/stores/{store}/keys/{key}/sessions",
      tag: "queries",
      summary: "A key's sessions in a time range (a session store's findSessions), answered by the key's owner",
      description:
        "Sessions that end at or after from and start at or before to (every session of the key by default), by end, " +
        "one page of at most limit; routed, stale and read-your-writes as point lookups. Committed state only.",
      params: keyParams,
      query: sessionsQuery,
      headers: [positionHeaderDoc],
      responses: {
        200: { description: "One page of the key's sessions", schema: sessionsAnswer },
        ...errors("session"),
      },
    },
  ];
}
