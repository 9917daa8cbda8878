// A read of one key, answered by the instance whose active task holds the key: read here
// when the task runs here, else forwarded once to its owner and relayed. When nobody can
// answer (rebalancing, restoring, owner unknown or silent) the answer is 503 with
// Retry-After, or, if the caller allows it, a standby's or restoring task's committed
// state marked stale: never a value from an instance that does not own the task, passed
// off as fresh. Point lookups and window and session queries share it; each says how
// to read its task here, how to answer, and what path the owner is asked.
import { PositionNotApplicableError, StoreNotQueryableError } from "../runtime/errors.js";
import type { TopicPartitionOffset } from "../kafka/types.js";
import type { KeyQueryMetadata, QueryableStreams } from "../runtime/streams-metadata.js";
import type { TaskId } from "../engine/task-id.js";
import { SerializationError } from "../serdes/errors.js";
import type { ApiMetrics, QueryOperation, QueryOutcome } from "./api-metrics.js";
import { ApiError, InvalidKeyError, InvalidPositionError, KeyNotFoundError, UnavailableError } from "./errors.js";
import { formatPosition } from "./position-text.js";
import { PeerRequestError, SERVED_BY_HEADER } from "./peer-client.js";
import type { PeerClient, PeerResponse } from "./peer-client.js";
import { POSITION_TIMEOUT_DEFAULT_MS } from "./route-schemas.js";
import type { CatalogStore } from "./store-catalog.js";

/** Seconds a client should wait before asking again while tasks move or restore. */
export const RETRY_AFTER_SECONDS = 1;

/** An answer ready to send: status, JSON text, who answered. */
export interface QueryAnswer {
  readonly statusCode: number;
  readonly body: string;
  readonly servedBy: string | undefined;
  readonly retryAfter?: string;
}

export type RoutedAnswer = QueryAnswer & { readonly outcome: QueryOutcome };

export interface LookupOptions {
  readonly allowStale: boolean;
  /** The request came from another instance: answer from local tasks only. */
  readonly forwarded: boolean;
  /** Input records the answer must reflect (a command's position): read-your-writes across clients. */
  readonly position?: readonly TopicPartitionOffset[];
  /** How long the owner may wait for its commit and the position before answering 503. */
  readonly positionTimeoutMs?: number;
}

/** A value now, or the promise of it: the local read of a point lookup needs no promise. */
export type MaybePromise<T> = T | Promise<T>;

/** A read of a task's committed state here, and whether it came from a stale copy. */
export interface TaskRead<T> {
  readonly value: T;
  readonly stale: boolean;
}

/** One key's read: how it is done here, answered, and asked of another instance. */
export interface KeyRead<T> {
  readonly store: CatalogStore;
  readonly key: unknown;
  /** Reads the key's task here; undefined when this instance cannot answer for it. */
  local(taskId: TaskId, allowStale: boolean): MaybePromise<TaskRead<T> | undefined>;
  answer(meta: KeyQueryMetadata, read: TaskRead<T>): RoutedAnswer;
  /** The same request's path on another instance (query string included). */
  path(options: {
    allowStale: boolean;
    position?: readonly TopicPartitionOffset[];
    positionTimeoutMs?: number;
  }): string;
}

export class KeyRouter {
  readonly #streams: QueryableStreams;
  readonly #peers: PeerClient;
  readonly #hostsActive: (taskId: TaskId) => boolean;

  constructor(streams: QueryableStreams, peers: PeerClient) {
    this.#streams = streams;
    this.#peers = peers;
    this.#hostsActive = (taskId) => streams.assignedTasks().active.includes(taskId);
  }

  get #self(): string | undefined {
    return this.#streams.applicationServer;
  }

  /**
   * The answer, at once when the task runs here, nothing needs waiting for and its store
   * reads without a promise (most point lookups); else its promise. Throws at once what
   * it can tell at once (a key the serde refuses, a position it can never reach).
   */
  route<T>(read: KeyRead<T>, options: LookupOptions): MaybePromise<RoutedAnswer> {
    const meta = this.metadataOf(read.store, read.key);
    const { taskId } = meta;

    // The common case first, synchronously: the task runs here.
    const running = this.#streams.isActiveTaskRunning(taskId);
    if (running || this.#hostsActive(taskId)) {
      // Most lookups find nothing to wait for: no promise then.
      const waiting = running ? this.readable(meta, options) : undefined;
      if (waiting !== undefined) return waiting.then(() => this.#readHere(read, meta, options));
      return this.#readHere(read, meta, options);
    }
    return this.#routeAway(read, meta, options);
  }

  #readHere<T>(read: KeyRead<T>, meta: KeyQueryMetadata, options: LookupOptions): MaybePromise<RoutedAnswer> {
    const local = read.local(meta.taskId, options.allowStale);
    if (local instanceof Promise) return local.then((done) => this.#answerHere(read, meta, done));
    return this.#answerHere(read, meta, local);
  }

  #answerHere<T>(read: KeyRead<T>, meta: KeyQueryMetadata, local: TaskRead<T> | undefined): RoutedAnswer {
    if (local !== undefined) return read.answer(meta, local);
    throw this.#unavailable(
      `Task ${meta.taskId} (store "${read.store.name}", partition ${meta.partition}) is restoring on this instance`,
      meta,
    );
  }

  /** The task does not run here: its owner answers, or with allowStale a copy here or a standby's. */
  async #routeAway<T>(read: KeyRead<T>, meta: KeyQueryMetadata, options: LookupOptions): Promise<RoutedAnswer> {
    const { taskId } = meta;
    const owner = meta.activeHost;
    if (owner !== undefined && owner !== this.#self && !options.forwarded) {
      let relayed: PeerResponse | undefined;
      let failure: string | undefined;
      try {
        relayed = await this.#peers.get(
          owner,
          read.path(options),
          {},
          // The owner may wait for a position: let it use its time before giving up on it.
          options.position === undefined
            ? this.#peers.timeoutMs
            : Math.max(this.#peers.timeoutMs, (options.positionTimeoutMs ?? POSITION_TIMEOUT_DEFAULT_MS) + 1_000),
        );
      } catch (error) {
        if (!(error instanceof PeerRequestError)) throw error;
        failure = error.message;
      }
      if (relayed !== undefined && relayed.statusCode !== 503) return relay(relayed, owner);
      if (options.allowStale) {
        const local = await read.local(taskId, true);
        if (local !== undefined) return read.answer(meta, { ...local, stale: true });
      }
      if (relayed !== undefined) return relay(relayed, owner);
      throw this.#unavailable(
        `The owner of task ${taskId} (${owner}) did not answer: ${failure ?? "unknown error"}`,
        meta,
      );
    }

    if (options.allowStale) {
      const local = await read.local(taskId, true);
      if (local !== undefined) return read.answer(meta, { ...local, stale: true });
      const standby = meta.standbyHosts.find((host) => host !== this.#self);
      if (standby !== undefined && !options.forwarded) {
        try {
          return relay(await this.#peers.get(standby, read.path({ allowStale: true })), standby);
        } catch (error) {
          if (!(error instanceof PeerRequestError)) throw error;
        }
      }
    }
    const why =
      owner === undefined
        ? `no instance owns task ${taskId} right now (the group is rebalancing)`
        : options.forwarded && owner !== this.#self
          ? `this instance does not own task ${taskId} (${owner} does); forwarded requests are not forwarded again`
          : `task ${taskId} is not running on this instance yet`;
    throw this.#unavailable(`Store "${read.store.name}" cannot answer for partition ${meta.partition}: ${why}`, meta);
  }

  /** Where the key lives; a 400 for a key the serde refuses, a 503 before the instance started. */
  metadataOf(store: CatalogStore, key: unknown): KeyQueryMetadata {
    try {
      return this.#streams.queryMetadataForKey(store.name, key, store.keySerde);
    } catch (error) {
      if (error instanceof SerializationError) {
        throw new InvalidKeyError(store.name, store.keySerde.name, error.message, { cause: error });
      }
      if (error instanceof StoreNotQueryableError) {
        throw new UnavailableError(`${error.message}; retry once the instance is running`, RETRY_AFTER_SECONDS, {
          store: store.name,
        });
      }
      throw error;
    }
  }

  /**
   * Read-your-writes, for a running task: waits until its store holds every output it
   * made visible (a reply the caller may have seen) and the position asked for; a 503
   * when it does not get there in time, a 400 for a position the store can never reach;
   * undefined when there is nothing to wait for.
   */
  readable(meta: KeyQueryMetadata, options: LookupOptions): Promise<void> | undefined {
    const timeoutMs = options.positionTimeoutMs ?? POSITION_TIMEOUT_DEFAULT_MS;
    let waiting;
    try {
      waiting = this.#streams.awaitReadable(meta.taskId, options.position ?? [], timeoutMs);
    } catch (error) {
      if (error instanceof PositionNotApplicableError) throw new InvalidPositionError(meta.store, error.message);
      throw error;
    }
    if (waiting === undefined) return undefined;
    return waiting.then((readiness) => {
      if (!readiness.ready) {
        throw new UnavailableError(
          `Store "${meta.store}" (task ${meta.taskId}) cannot answer yet: ${readiness.reason}; retry shortly`,
          RETRY_AFTER_SECONDS,
          { store: meta.store, partition: meta.partition, taskId: meta.taskId },
        );
      }
    });
  }

  #unavailable(message: string, meta: KeyQueryMetadata): UnavailableError {
    return new UnavailableError(
      `${message}; retry shortly, or pass allowStale=true to accept a standby's value`,
      RETRY_AFTER_SECONDS,
      { store: meta.store, partition: meta.partition, taskId: meta.taskId },
    );
  }
}

/** The 404 of a key without a value, saying whether a stale copy was asked. */
export function notFoundAnswer(
  store: string,
  keyText: string,
  servedBy: string | undefined,
  stale: boolean,
): RoutedAnswer {
  const error = new KeyNotFoundError(store, keyText, servedBy);
  return { statusCode: 404, body: JSON.stringify({ ...error.toBody(), stale }), servedBy, outcome: "not_found" };
}

/** Runs a query and observes its latency by how it was answered (or failed). */
export async function observedQuery(
  metrics: ApiMetrics,
  store: string,
  operation: QueryOperation,
  run: () => MaybePromise<RoutedAnswer>,
): Promise<QueryAnswer> {
  const started = performance.now();
  let outcome: QueryOutcome = "error";
  try {
    const answer = await run();
    outcome = answer.outcome;
    return answer;
  } catch (error) {
    outcome = outcomeOf(error);
    throw error;
  } finally {
    metrics.observeQuery(store, operation, outcome, started);
  }
}

/** The query string a routed read passes on: staleness and read-your-writes. */
export function routedQueryParams(options: {
  allowStale?: boolean;
  position?: readonly TopicPartitionOffset[];
  positionTimeoutMs?: number;
}): URLSearchParams {
  const params = new URLSearchParams();
  if (options.allowStale === true) params.set("allowStale", "true");
  if (options.position !== undefined) params.set("position", formatPosition(options.position));
  if (options.positionTimeoutMs !== undefined) params.set("positionTimeoutMs", String(options.positionTimeoutMs));
  return params;
}

function relay(response: PeerResponse, host: string): RoutedAnswer {
  const servedBy = response.headers[SERVED_BY_HEADER];
  const retryAfter = response.headers["retry-after"];
  const outcome: QueryOutcome =
    response.statusCode === 200
      ? "forwarded"
      : response.statusCode === 404
        ? "not_found"
        : response.statusCode === 503
          ? "unavailable"
          : "error";
  return {
    statusCode: response.statusCode,
    body: response.body,
    servedBy: typeof servedBy === "string" ? servedBy : host,
    ...(typeof retryAfter === "string" ? { retryAfter } : {}),
    outcome,
  };
}

export function outcomeOf(error: unknown): QueryOutcome {
  if (error instanceof UnavailableError) return "unavailable";
  if (error instanceof ApiError && error.statusCode === 404) return "not_found";
  if (error instanceof ApiError && error.statusCode === 400) return "bad_request";
  return "error";
}
