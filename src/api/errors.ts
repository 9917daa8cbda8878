// Errors of the HTTP layer, declared once as a table: a code, the HTTP status it maps
// to, and the reason phrase. Every error body has the shape fastify uses for its own
// errors ({ statusCode, code, error, message }), plus the details that let a client
// act on it (the zod issues of a bad parameter, how long to wait before retrying).
import { EddyError } from "../errors/eddy-error.js";

export const ApiErrorCodes = {
  EDDY_ERR_STORE_NOT_FOUND: { status: 404, reason: "Not Found" },
  EDDY_ERR_KEY_NOT_FOUND: { status: 404, reason: "Not Found" },
  EDDY_ERR_COMMAND_TOPIC_NOT_FOUND: { status: 404, reason: "Not Found" },
  EDDY_ERR_ROUTE_NOT_FOUND: { status: 404, reason: "Not Found" },
  EDDY_ERR_INVALID_KEY: { status: 400, reason: "Bad Request" },
  EDDY_ERR_INVALID_REQUEST: { status: 400, reason: "Bad Request" },
  EDDY_ERR_INVALID_CURSOR: { status: 400, reason: "Bad Request" },
  EDDY_ERR_INVALID_TIME_RANGE: { status: 400, reason: "Bad Request" },
  EDDY_ERR_WRONG_STORE_TYPE: { status: 400, reason: "Bad Request" },
  EDDY_ERR_INVALID_COMMAND_BODY: { status: 400, reason: "Bad Request" },
  EDDY_ERR_HOST_NOT_ALLOWED: { status: 421, reason: "Misdirected Request" },
  EDDY_ERR_UNAUTHENTICATED: { status: 401, reason: "Unauthorized" },
  EDDY_ERR_FORBIDDEN: { status: 403, reason: "Forbidden" },
  EDDY_ERR_READ_ONLY: { status: 403, reason: "Forbidden" },
  EDDY_ERR_INVALID_POSITION: { status: 400, reason: "Bad Request" },
  EDDY_ERR_NOT_ACCEPTABLE: { status: 406, reason: "Not Acceptable" },
  EDDY_ERR_RATE_LIMITED: { status: 429, reason: "Too Many Requests" },
  EDDY_ERR_UNAVAILABLE: { status: 503, reason: "Service Unavailable" },
  EDDY_ERR_COMMAND_TIMEOUT: { status: 504, reason: "Gateway Timeout" },
  EDDY_ERR_INTERNAL: { status: 500, reason: "Internal Server Error" },
} as const satisfies Record<string, { status: number; reason: string }>;

export type ApiErrorCode = keyof typeof ApiErrorCodes;

/** A zod issue as it travels in an error body. */
export interface ApiIssue {
  readonly code: string;
  readonly path: readonly (string | number)[];
  readonly message: string;
}

export interface ApiErrorBody {
  statusCode: number;
  code: string;
  error: string;
  message: string;
  [detail: string]: unknown;
}

export class ApiError extends EddyError {
  readonly statusCode: number;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ApiErrorCode, message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(code, message, options);
    this.statusCode = ApiErrorCodes[code].status;
    this.details = details;
  }

  /** Headers the answer carries besides the body (Retry-After, WWW-Authenticate). */
  responseHeaders(): Readonly<Record<string, string>> {
    return {};
  }

  toBody(): ApiErrorBody {
    return {
      statusCode: this.statusCode,
      code: this.code,
      error: ApiErrorCodes[this.code as ApiErrorCode].reason,
      message: this.message,
      ...this.details,
    };
  }
}

export class StoreNotFoundError extends ApiError {
  constructor(store: string, known: readonly string[]) {
    super(
      "EDDY_ERR_STORE_NOT_FOUND",
      `The topology has no store "${store}"; GET /stores lists the queryable stores (${known.join(", ") || "none"}).`,
      { store },
    );
  }
}

export class KeyNotFoundError extends ApiError {
  constructor(store: string, key: string, servedBy: string | undefined) {
    super("EDDY_ERR_KEY_NOT_FOUND", `Store "${store}" has no value for key ${JSON.stringify(key)}.`, {
      store,
      key,
      ...(servedBy === undefined ? {} : { servedBy }),
    });
  }
}

export class InvalidKeyError extends ApiError {
  constructor(store: string, serde: string, reason: string, options?: ErrorOptions) {
    super(
      "EDDY_ERR_INVALID_KEY",
      `The key is not a valid key of store "${store}" (key serde "${serde}"): ${reason}`,
      { store },
      options,
    );
  }
}

export class InvalidRequestError extends ApiError {
  constructor(what: string, issues: readonly ApiIssue[]) {
    super("EDDY_ERR_INVALID_REQUEST", `Invalid ${what}: ${summarizeIssues(issues)}`, { issues });
  }
}

export class InvalidCursorError extends ApiError {
  constructor(reason: string) {
    super(
      "EDDY_ERR_INVALID_CURSOR",
      `The cursor is not one this API returned (${reason}); start again without a cursor.`,
    );
  }
}

export class InvalidTimeRangeError extends ApiError {
  constructor(store: string, reason: string) {
    super("EDDY_ERR_INVALID_TIME_RANGE", `The time range cannot query store "${store}": ${reason}`, { store });
  }
}

/** A query of a store of another type: a key lookup of a window store, windows of a key-value store. */
export class WrongStoreTypeError extends ApiError {
  constructor(store: string, type: string, hint: string) {
    super("EDDY_ERR_WRONG_STORE_TYPE", `Store "${store}" is a ${type} store: ${hint}`, { store, storeType: type });
  }
}

export class CommandTopicNotFoundError extends ApiError {
  constructor(topic: string, known: readonly string[]) {
    super(
      "EDDY_ERR_COMMAND_TOPIC_NOT_FOUND",
      `No command endpoint for topic "${topic}"; the app handles commands on: ${known.join(", ") || "none"}.`,
      { topic },
    );
  }
}

export class InvalidCommandBodyError extends ApiError {
  constructor(topic: string, issues: readonly ApiIssue[]) {
    super(
      "EDDY_ERR_INVALID_COMMAND_BODY",
      `The command does not match the schema of topic "${topic}": ${summarizeIssues(issues)}`,
      {
        topic,
        issues,
      },
    );
  }
}

export class InvalidPositionError extends ApiError {
  constructor(store: string, reason: string) {
    super("EDDY_ERR_INVALID_POSITION", `The position cannot bound a lookup of store "${store}": ${reason}`, { store });
  }
}

export class NotAcceptableError extends ApiError {
  constructor(offered: readonly string[]) {
    super(
      "EDDY_ERR_NOT_ACCEPTABLE",
      `This resource is available as ${offered.join(", ")}; ask for one of them in Accept.`,
      { offered },
    );
  }
}

/**
 * No instance can answer right now (rebalancing, restoring, the owner unknown or not
 * answering). Not a failure of the request: the same request succeeds later.
 */
export class UnavailableError extends ApiError {
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number, details: Record<string, unknown> = {}) {
    super("EDDY_ERR_UNAVAILABLE", message, { ...details, retryAfterSeconds });
    this.retryAfterSeconds = retryAfterSeconds;
  }

  override responseHeaders(): Readonly<Record<string, string>> {
    return { "retry-after": String(this.retryAfterSeconds) };
  }
}

export class CommandTimeoutError extends ApiError {
  constructor(topic: string, correlationId: string, timeoutMs: number) {
    super(
      "EDDY_ERR_COMMAND_TIMEOUT",
      `No reply to the command on "${topic}" within ${timeoutMs} ms. It may still be applied: retry with the same Idempotency-Key to get its reply without applying it twice.`,
      { topic, correlationId, timeoutMs },
    );
  }
}

/** No bearer token, or one this instance does not know (401, with WWW-Authenticate). */
export class UnauthenticatedError extends ApiError {
  readonly challenge: string;

  constructor(reason: "missing" | "invalid" | "malformed") {
    super(
      "EDDY_ERR_UNAUTHENTICATED",
      reason === "missing"
        ? "This API needs a bearer token: send Authorization: Bearer <token> (eddy commands: --token or EDDY_API_TOKEN)."
        : reason === "malformed"
          ? "The Authorization header is not of the form Bearer <token>."
          : "The bearer token is not one this instance accepts.",
    );
    this.challenge = reason === "missing" ? 'Bearer realm="eddy"' : 'Bearer realm="eddy", error="invalid_token"';
  }

  override responseHeaders(): Readonly<Record<string, string>> {
    return { "www-authenticate": this.challenge };
  }
}

/** A known token without the scope the route needs (403, with WWW-Authenticate naming the scope). */
export class ForbiddenError extends ApiError {
  readonly challenge: string;

  constructor(token: string, scope: string, what: string) {
    super("EDDY_ERR_FORBIDDEN", `Token "${token}" lacks the "${scope}" scope, which ${what} needs.`, {
      requiredScope: scope,
    });
    this.challenge = `Bearer realm="eddy", error="insufficient_scope", scope="${scope}"`;
  }

  override responseHeaders(): Readonly<Record<string, string>> {
    return { "www-authenticate": this.challenge };
  }
}

export class ReadOnlyError extends ApiError {
  constructor(method: string) {
    super(
      "EDDY_ERR_READ_ONLY",
      `This instance serves reads only (apiReadOnly): ${method} requests are refused; send them to an instance that takes commands.`,
    );
  }
}

export class HostNotAllowedError extends ApiError {
  constructor(host: string) {
    super(
      "EDDY_ERR_HOST_NOT_ALLOWED",
      `This API does not answer to the host name ${JSON.stringify(host.slice(0, 255))}; apiAllowedHosts lists the ones it does.`,
    );
  }
}

export class RateLimitedError extends ApiError {
  readonly retryAfterSeconds: number;

  constructor(who: string, max: number, windowMs: number, retryAfterSeconds: number) {
    super(
      "EDDY_ERR_RATE_LIMITED",
      `${who} made more than ${max} requests in ${windowMs / 1000} s (apiRateLimit); retry after ${retryAfterSeconds} s.`,
      { retryAfterSeconds },
    );
    this.retryAfterSeconds = retryAfterSeconds;
  }

  override responseHeaders(): Readonly<Record<string, string>> {
    return { "retry-after": String(this.retryAfterSeconds) };
  }
}

export class InternalApiError extends ApiError {
  constructor(message: string, options?: ErrorOptions) {
    super("EDDY_ERR_INTERNAL", message, {}, options);
  }
}

/** Issues in JSON form: zod paths may hold symbols, which JSON cannot carry. */
export function toApiIssues(
  issues: readonly { code: string; path: readonly PropertyKey[]; message: string }[],
): ApiIssue[] {
  return issues.map((issue) => ({
    code: issue.code,
    path: issue.path.map((part) => (typeof part === "number" ? part : String(part))),
    message: issue.message,
  }));
}

function summarizeIssues(issues: readonly ApiIssue[]): string {
  const shown = issues
    .slice(0, 3)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message));
  return shown.join("; ") + (issues.length > 3 ? ` (and ${issues.length - 3} more)` : "");
}

/**
 * The API cannot listen where it was asked to (the port is taken, the host is not an
 * address of this machine): thrown by start(), which leaves the instance in ERROR.
 */
export class ApiListenError extends EddyError {
  readonly host: string;
  readonly port: number;
  /** The system error code: EADDRINUSE (the port is taken), EADDRNOTAVAIL (not an address of this machine)... */
  readonly errno: string | undefined;

  constructor(message: string, where: { host: string; port: number; errno?: string }, options?: ErrorOptions) {
    super("EDDY_ERR_API_LISTEN", message, options);
    this.host = where.host;
    this.port = where.port;
    this.errno = where.errno;
  }
}

/** The API was set up wrongly (a command endpoint for a topic the topology does not read...): thrown at start, not per request. */
export class ApiConfigError extends EddyError {
  constructor(message: string) {
    super("EDDY_ERR_API_CONFIG", message);
  }
}
