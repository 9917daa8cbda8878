// GET /stores, GET /stores/:store/keys/:key (point lookups, routed to the owner) and
// GET /stores/:store/keys (scans across every instance).
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { taskId as formatTaskId } from "../engine/task-id.js";
import type { ApiContext } from "./api-context.js";
import { ForbiddenError } from "./errors.js";
import type { RouteDoc } from "./openapi.js";
import { SCAN_TASKS_HEADER, SERVED_BY_HEADER } from "./peer-client.js";
import { lookupOptionsOf, positionHeaderDoc, sendAnswer } from "./query-replies.js";
import { headerValue, parseRequestPart } from "./request-parsing.js";
import { principalOf } from "./security/access-control.js";
import type { Principal } from "./security/bearer-tokens.js";
import {
  errorBody,
  keyParams,
  lookupAnswer,
  scanAnswer,
  scanQuery,
  storeParams,
  storesAnswer,
} from "./route-schemas.js";
import type { StoreCatalog } from "./store-catalog.js";
import { pointLookupQuery, versionedLookupAnswer } from "./versioned-query-schemas.js";
import type { PointLookupQuery } from "./versioned-query-schemas.js";

export function queryRoutes(ctx: ApiContext) {
  return async function queryPlugin(app: FastifyInstance): Promise<void> {
    app.get("/stores", async (request) => {
      const hostMap = ctx.streams.hostMap();
      const mayReadInternal = mayQueryInternalStores(principalOf(request));
      const served = ctx.streams
        .stores()
        .filter((store) => ctx.catalog.has(store.name) && (mayReadInternal || !ctx.catalog.get(store.name).internal));
      const stores = served.map((store) => ({
        name: store.name,
        type: ctx.catalog.get(store.name).type,
        keySerde: store.keySerde,
        valueSerde: store.valueSerde,
        subtopology: store.subtopology,
        partitions: store.partitions,
        changelogTopic: store.changelogTopic ?? null,
        persistent: store.persistent,
        global: store.global,
        // A global store generates no tasks: every instance answers for all of it.
        tasks: Array.from({ length: store.global ? 0 : store.partitions }, (_, partition) => {
          const taskId = formatTaskId(store.subtopology, partition);
          let activeHost: string | null = null;
          const standbyHosts: string[] = [];
          for (const [host, tasks] of hostMap) {
            if (tasks.active.includes(taskId)) activeHost = host;
            if (tasks.standby.includes(taskId)) standbyHosts.push(host);
          }
          return { taskId, partition, activeHost, standbyHosts };
        }),
      }));
      return { stores };
    });

    app.get("/stores/:store/keys/:key", async (request, reply) => {
      const { store, key } = lookupParams(request.params);
      checkInternalStoreAccess(ctx, request, store);
      // Most lookups have no query string: its defaults are parsed once.
      const query = isEmpty(request.query)
        ? DEFAULT_LOOKUP_QUERY
        : parseRequestPart(pointLookupQuery, request.query, "query parameters");
      const options = lookupOptionsOf(request, query);
      // asOf reads a versioned store as of a time (its latest is a plain lookup's answer).
      if (query.asOf !== undefined) {
        return sendAnswer(reply, await ctx.versionedQueries.get(store, key, query.asOf, options));
      }
      return sendAnswer(reply, await ctx.queries.get(store, key, options));
    });

    app.get("/stores/:store/keys", async (request, reply) => {
      const { store } = parseRequestPart(storeParams, request.params, "path parameters");
      checkInternalStoreAccess(ctx, request, store);
      const query = parseRequestPart(scanQuery, request.query, "query parameters");
      const tasks = headerValue(request.headers[SCAN_TASKS_HEADER]);
      return sendAnswer(reply, await ctx.queries.scan(store, query, tasks));
    });
  };
}

const DEFAULT_LOOKUP_QUERY: PointLookupQuery = pointLookupQuery.parse({});

/** The path parameters of a lookup: checked by hand when they are plain (zod's cost matters here), else by zod. */
function lookupParams(params: unknown): { store: string; key: string } {
  const { store, key } = params as { store?: unknown; key?: unknown };
  if (typeof store === "string" && store !== "" && typeof key === "string") return { store, key };
  return parseRequestPart(keyParams, params, "path parameters");
}

function isEmpty(query: unknown): boolean {
  if (query === undefined || query === null) return true;
  for (const _ in query) return false;
  return true;
}

function mayQueryInternalStores(principal: Principal): boolean {
  return principal.kind === "peer" || principal.scopes.has("admin");
}

/** Internal stores (served only with apiInternalStores) need an admin token; another instance forwards for one. */
export function checkInternalStoreAccess(ctx: ApiContext, request: FastifyRequest, store: string): void {
  const principal = principalOf(request);
  if (!mayReadStore(ctx.catalog, store, principal))
    throw new ForbiddenError(principal.name, "admin", `the internal store "${store}"`);
}

/** Whether `principal` may query `store`: any store but an internal one, which needs admin (or a peer's forwarding). */
export function mayReadStore(catalog: StoreCatalog, store: string, principal: Principal): boolean {
  return !catalog.has(store) || !catalog.get(store).internal || mayQueryInternalStores(principal);
}

const servedByHeader = { name: SERVED_BY_HEADER, description: "The host:port of the instance whose state answered." };

export function queryRouteDocs(): RouteDoc[] {
  return [
    {
      method: "GET",
      path: "/stores",
      tag: "queries",
      summary: "The queryable stores, their serdes, and which instance hosts each task",
      responses: { 200: { description: "The stores", schema: storesAnswer } },
    },
    {
      method: "GET",
      path: "/stores/{store}/keys/{key}",
      tag: "queries",
      summary: "Point lookup, answered by the instance that owns the key (forwarded there if needed)",
      description:
        "The key is serialized with the store's key serde and partitioned with Kafka's murmur2, as a producer would; " +
        `the answer says who served it in ${SERVED_BY_HEADER}. Reads committed state only. ` +
        'A global store (GlobalKTable) is answered by the instance asked, which holds all of it ("global": true). ' +
        "A versioned store answers its latest version, or with asOf the version valid then (Kafka Streams' VersionedKeyQuery).",
      params: keyParams,
      query: pointLookupQuery,
      headers: [positionHeaderDoc],
      responses: {
        200: {
          description:
            `The value (header ${servedByHeader.name}); for a versioned store, the latest version or the one valid at ` +
            "asOf, with its timestamp and validTo",
          schema: z.union([lookupAnswer, versionedLookupAnswer]),
        },
        400: {
          description:
            "A bad parameter, a key the store's key serde rejects, a position on a topic the store is not fed by, or asOf on a store that is not versioned",
          schema: errorBody,
        },
        404: { description: "No such store, or no value for the key", schema: errorBody },
        503: {
          description:
            "No instance can answer yet (rebalancing, restoring), or the store did not reach the position in time; see Retry-After",
          schema: errorBody,
        },
      },
    },
    {
      method: "GET",
      path: "/stores/{store}/keys",
      tag: "queries",
      summary: "Range and prefix scans across every instance, in serialized-key order, paginated",
      description:
        "Each instance scans the tasks it runs; the pieces are merged in serialized-key order (unsigned bytes), so keys come " +
        "back once each and in the stores' order. Pass nextCursor as cursor for the next page. A global store is scanned " +
        "on the instance asked, which holds all of it.",
      params: storeParams,
      query: scanQuery,
      responses: {
        200: { description: "One page of entries", schema: scanAnswer },
        400: { description: "A bad parameter, bound or cursor", schema: errorBody },
        404: { description: "No such store", schema: errorBody },
        503: { description: "Some task has no instance that can answer yet; see Retry-After", schema: errorBody },
      },
    },
  ];
}
