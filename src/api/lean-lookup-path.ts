// GET <prefix>/stores/:store/keys/:key answered straight from the server's request
// event, before fastify sees it. A point lookup is the API's hot read, and fastify's
// per-request machinery (router, Request and Reply objects, three onRequest hooks, the
// serialization and onSend stages, the promise of an async handler) cost it as much as
// the LevelDB read itself. This path takes only the requests it can answer exactly as
// the route would: a GET with no query string, plain path segments, a caller that access
// control admits. Anything else (a query string, the position header, a refused or
// malformed request, a shutting-down instance, a configured rate limit, which lives in
// fastify's hooks) goes to fastify untouched, and the route answers it as always. The
// answer is the route's: the same QueryService call, the same JSON, status and headers
// (the security headers, content type, x-eddy-served-by, Retry-After), errors in the
// error handler's shape. test/api/lean-lookup-path.test.ts compares the two.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { FastifyBaseLogger } from "fastify";
import { ApiError, InternalApiError } from "./errors.js";
import type { LookupOptions, QueryAnswer, QueryService } from "./query-service.js";
import { FORWARDED_HEADER, SERVED_BY_HEADER } from "./peer-client.js";
import { POSITION_HEADER } from "./position-text.js";
import { POSITION_TIMEOUT_DEFAULT_MS } from "./route-schemas.js";
import { mayReadStore } from "./query-routes.js";
import type { StoreCatalog } from "./store-catalog.js";
import { admittedAs } from "./security/access-control.js";
import type { AccessPolicy } from "./security/access-control.js";

/** The route as access control knows it (below the prefix), and the scope it needs. */
const LOOKUP_ROUTE = "/stores/:store/keys/:key";
/** fastify's router refuses longer path parameters (api-server.ts, maxParamLength): leave those to it. */
const MAX_SEGMENT = 2048;
const KEYS_SEGMENT = "/keys/";
const JSON_TYPE = "application/json; charset=utf-8";

const LOCAL: LookupOptions = { allowStale: false, forwarded: false, positionTimeoutMs: POSITION_TIMEOUT_DEFAULT_MS };
const FORWARDED: LookupOptions = { ...LOCAL, forwarded: true };

export interface LeanLookupPathOptions {
  /** Where the API is mounted ("" at the root). */
  readonly prefix: string;
  readonly policy: AccessPolicy;
  readonly catalog: StoreCatalog;
  readonly queries: QueryService;
  /** The security headers every answer carries (security-headers.ts). */
  readonly securityHeaders: Readonly<Record<string, string>>;
  /** Where a failed lookup's error goes, as the API's error handler logs it. */
  readonly log: FastifyBaseLogger;
}

export class LeanLookupPath {
  readonly #stores: string;
  readonly #policy: AccessPolicy;
  readonly #catalog: StoreCatalog;
  readonly #queries: QueryService;
  readonly #log: FastifyBaseLogger;
  /** The headers of every answer but its own (content length, served by, retry after), as [name, value] pairs. */
  readonly #headers: ReadonlyArray<readonly [string, string]>;

  constructor(options: LeanLookupPathOptions) {
    this.#stores = `${options.prefix}/stores/`;
    this.#policy = options.policy;
    this.#catalog = options.catalog;
    this.#queries = options.queries;
    this.#log = options.log;
    this.#headers = [...Object.entries(options.securityHeaders), ["content-type", JSON_TYPE]];
  }

  /**
   * Answers `request` and returns true when it is a point lookup this path serves;
   * returns false, having touched neither, when fastify is to serve it.
   */
  serve(request: IncomingMessage, response: ServerResponse): boolean {
    if (request.method !== "GET") return false;
    const lookup = this.#parse(request.url);
    if (lookup === undefined) return false;
    const headers = request.headers;
    if (headers[POSITION_HEADER] !== undefined) return false;
    try {
      const identified = this.#policy.identify(headers.host, headers.authorization);
      this.#policy.authorize("GET", LOOKUP_ROUTE, "read", identified, "");
      if (!mayReadStore(this.#catalog, lookup.store, admittedAs(identified))) return false;
    } catch {
      // Refused: the route's hooks refuse it again, in their words.
      return false;
    }
    const options = headers[FORWARDED_HEADER] === undefined ? LOCAL : FORWARDED;
    let answer: QueryAnswer | Promise<QueryAnswer>;
    try {
      answer = this.#queries.lookup(lookup.store, lookup.key, options);
    } catch (error) {
      this.#fail(request, response, error);
      return true;
    }
    // A key of a task running here is answered now, in this turn of the event loop.
    if (!(answer instanceof Promise)) this.#answer(response, answer);
    else
      answer.then(
        (done) => this.#answer(response, done),
        (error: unknown) => this.#fail(request, response, error),
      );
    return true;
  }

  /** The store and key of `<prefix>/stores/<store>/keys/<key>`, decoded; undefined for anything else. */
  #parse(url: string | undefined): { store: string; key: string } | undefined {
    if (url === undefined || !url.startsWith(this.#stores)) return undefined;
    const storeStart = this.#stores.length;
    const storeEnd = url.indexOf("/", storeStart);
    if (storeEnd <= storeStart || storeEnd - storeStart > MAX_SEGMENT || !url.startsWith(KEYS_SEGMENT, storeEnd))
      return undefined;
    const keyStart = storeEnd + KEYS_SEGMENT.length;
    const keyLength = url.length - keyStart;
    if (keyLength === 0 || keyLength > MAX_SEGMENT) return undefined;
    // A query string, a fragment or a deeper path: the router decides.
    for (let i = keyStart; i < url.length; i += 1) {
      const c = url.charCodeAt(i);
      if (c === 0x3f || c === 0x23 || c === 0x2f) return undefined;
    }
    const store = decoded(url.slice(storeStart, storeEnd));
    const key = decoded(url.slice(keyStart));
    if (store === undefined || key === undefined) return undefined;
    return { store, key };
  }

  #answer(response: ServerResponse, answer: QueryAnswer): void {
    const headers = this.#headerList(answer.body);
    if (answer.servedBy !== undefined) headers.push(SERVED_BY_HEADER, answer.servedBy);
    if (answer.retryAfter !== undefined) headers.push("retry-after", answer.retryAfter);
    response.writeHead(answer.statusCode, headers);
    response.end(answer.body);
  }

  /** As the API's error handler answers (eddy-api-plugin.ts): an ApiError in its own terms, anything else a logged 500. */
  #fail(request: IncomingMessage, response: ServerResponse, error: unknown): void {
    let failure: ApiError;
    if (error instanceof ApiError) {
      failure = error;
    } else {
      this.#log.error({ err: error, url: request.url }, "request failed");
      failure = new InternalApiError(`The request failed: ${(error as Error).message}`);
    }
    const body = JSON.stringify(failure.toBody());
    const headers = this.#headerList(body);
    for (const [name, value] of Object.entries(failure.responseHeaders())) headers.push(name.toLowerCase(), value);
    response.writeHead(failure.statusCode, headers);
    response.end(body);
  }

  /** The answer's headers as Node takes them, flat: name, value, name, value. */
  #headerList(body: string): string[] {
    const list: string[] = [];
    for (const [name, value] of this.#headers) list.push(name, value);
    list.push("content-length", String(Buffer.byteLength(body)));
    return list;
  }
}

/** A path segment percent-decoded as the router decodes a parameter; undefined when it is not valid. */
function decoded(segment: string): string | undefined {
  if (!segment.includes("%")) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
