// A client for the HTTP API of an Eddy application, for the services that sit in front
// of one (a redirect service, a bank's web API). Any instance answers for any key: it
// forwards to the owner and scans across all instances, so a service only needs the
// address of one instance, usually the one in its own process.
import type { ReplyEnvelope } from "eddy-streams";

/** An answer of the API that is not a success: its status and error body. */
export class EddyHttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly body: unknown;
  /** Seconds to wait before asking again (503 while tasks move or restore). */
  readonly retryAfterSeconds: number | undefined;

  constructor(what: string, status: number, body: unknown, retryAfter: string | null) {
    const code =
      typeof body === "object" && body !== null && typeof (body as { code?: unknown }).code === "string"
        ? (body as { code: string }).code
        : `HTTP_${status}`;
    const message =
      typeof body === "object" && body !== null && typeof (body as { message?: unknown }).message === "string"
        ? (body as { message: string }).message
        : JSON.stringify(body);
    super(`${what}: ${status} ${code}: ${message}`);
    this.name = "EddyHttpError";
    this.status = status;
    this.code = code;
    this.body = body;
    const seconds = retryAfter === null ? Number.NaN : Number(retryAfter);
    this.retryAfterSeconds = Number.isFinite(seconds) ? seconds : undefined;
  }
}

export interface ScanOptions {
  readonly from?: string;
  readonly to?: string;
  readonly prefix?: string;
  /** Entries per page (the API allows 1000 at most). */
  readonly limit?: number;
  readonly cursor?: string;
}

export interface ScanPage<K, V> {
  readonly entries: ReadonlyArray<{ readonly key: K; readonly value: V }>;
  readonly nextCursor: string | null;
}

export interface WindowsOptions {
  /** Earliest and latest window start (inclusive), epoch milliseconds. */
  readonly from?: number;
  readonly to?: number;
  readonly order?: "asc" | "desc";
  /** Windows per page (the API allows 1000 at most). */
  readonly limit?: number;
}

/** One window of a window store: its start and (exclusive) end, epoch milliseconds, and its value. */
export interface WindowValue<V> {
  readonly start: number;
  readonly end: number;
  readonly value: V;
}

export interface CommandOptions {
  /** The aggregate id, when the endpoint does not take it from a body field. */
  readonly key?: string;
  readonly idempotencyKey?: string;
  readonly timeoutMs?: number;
}

/** A command's answer: the handler's reply envelope (accepted, rejected or invalid) and the HTTP status. */
export type CommandAnswer<R> = ReplyEnvelope<R> & { readonly httpStatus: number; readonly correlationId: string };

export class EddyHttpClient {
  readonly baseUrl: string;
  readonly #timeoutMs: number;
  readonly #authorization: Record<string, string>;

  /** `token`: a bearer token of the application's apiTokens (read for queries, command for commands). */
  constructor(baseUrl: string, options: { timeoutMs?: number; token?: string | undefined } = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
    this.#timeoutMs = options.timeoutMs ?? 15_000;
    this.#authorization = options.token === undefined ? {} : { authorization: `Bearer ${options.token}` };
  }

  /** The committed value of a key, or undefined when the store has none. */
  async get<V>(store: string, key: string): Promise<V | undefined> {
    const response = await this.#request("GET", `/stores/${encodeURIComponent(store)}/keys/${encodeURIComponent(key)}`);
    const body = await readJson(response);
    if (response.status === 404 && (body as { code?: unknown } | null)?.code === "EDDY_ERR_KEY_NOT_FOUND")
      return undefined;
    if (response.status !== 200)
      throw new EddyHttpError(`GET ${store}/${key}`, response.status, body, response.headers.get("retry-after"));
    return (body as { value: V }).value;
  }

  /** One page of a scan, in the store's key order. */
  async scan<K, V>(store: string, options: ScanOptions = {}): Promise<ScanPage<K, V>> {
    const query = new URLSearchParams();
    for (const name of ["from", "to", "prefix", "cursor"] as const) {
      const value = options[name];
      if (value !== undefined) query.set(name, value);
    }
    if (options.limit !== undefined) query.set("limit", String(options.limit));
    const search = query.size > 0 ? `?${query.toString()}` : "";
    const response = await this.#request("GET", `/stores/${encodeURIComponent(store)}/keys${search}`);
    const body = await readJson(response);
    if (response.status !== 200)
      throw new EddyHttpError(`scan ${store}`, response.status, body, response.headers.get("retry-after"));
    const page = body as { entries: Array<{ key: K; value: V }>; nextCursor: string | null };
    return { entries: page.entries, nextCursor: page.nextCursor };
  }

  /** One page of a key's windows in a window store, oldest first unless order is desc. */
  async windows<V>(store: string, key: string, options: WindowsOptions = {}): Promise<Array<WindowValue<V>>> {
    const query = new URLSearchParams();
    for (const name of ["from", "to", "order", "limit"] as const) {
      const value = options[name];
      if (value !== undefined) query.set(name, String(value));
    }
    const search = query.size > 0 ? `?${query.toString()}` : "";
    const path = `/stores/${encodeURIComponent(store)}/keys/${encodeURIComponent(key)}/windows${search}`;
    const response = await this.#request("GET", path);
    const body = await readJson(response);
    if (response.status !== 200)
      throw new EddyHttpError(`windows of ${store}/${key}`, response.status, body, response.headers.get("retry-after"));
    return (body as { windows: Array<WindowValue<V>> }).windows;
  }

  /**
   * Sends a command and waits for its reply. Accepted, rejected (409) and invalid (422)
   * commands resolve with the envelope; anything else (a body the endpoint's schema
   * refuses, a timeout, no Kafka) throws an EddyHttpError.
   */
  async command<R>(topic: string, body: unknown, options: CommandOptions = {}): Promise<CommandAnswer<R>> {
    const query = new URLSearchParams();
    if (options.key !== undefined) query.set("key", options.key);
    if (options.timeoutMs !== undefined) query.set("timeoutMs", String(options.timeoutMs));
    const search = query.size > 0 ? `?${query.toString()}` : "";
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (options.idempotencyKey !== undefined) headers["idempotency-key"] = options.idempotencyKey;
    const response = await this.#request(
      "POST",
      `/commands/${encodeURIComponent(topic)}${search}`,
      JSON.stringify(body),
      headers,
    );
    const answer = await readJson(response);
    if (response.status === 200 || response.status === 409 || response.status === 422) {
      return { ...(answer as ReplyEnvelope<R> & { correlationId: string }), httpStatus: response.status };
    }
    throw new EddyHttpError(`command to ${topic}`, response.status, answer, response.headers.get("retry-after"));
  }

  async #request(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { accept: "application/json", ...this.#authorization, ...headers },
      ...(body === undefined ? {} : { body }),
      signal: AbortSignal.timeout(this.#timeoutMs),
    });
  }
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
