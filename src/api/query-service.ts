// Interactive queries across instances. A point lookup is answered by the instance
// whose active task holds the key (read here, or forwarded there once and relayed);
// a scan is split by task, each instance scanning the tasks it runs, and the pieces
// are merged in serialized-key order. When nobody can answer for a task (rebalancing,
// restoring, owner unknown or silent) the answer is 503 with Retry-After, or, if the
// caller allows it, a standby's or restoring task's committed value marked stale:
// never a value from an instance that does not own the task, passed off as fresh.
// A global store is whole on every instance: answered where the request arrives.
import type { KeyQueryMetadata, QueryableStreams } from "../runtime/streams-metadata.js";
import { taskId as formatTaskId } from "../engine/task-id.js";
import type { TaskId } from "../engine/task-id.js";
import { DeserializationError, SerializationError } from "../serdes/errors.js";
import type { ApiMetrics, QueryOutcome } from "./api-metrics.js";
import { InvalidCursorError, InvalidKeyError, UnavailableError } from "./errors.js";
import { toJsonData, toJsonText } from "./json-value.js";
import { decodeCursor, encodeCursor, hasMoreAfter, mergeSortedByKey } from "./key-order.js";
import { KeyRouter, RETRY_AFTER_SECONDS, notFoundAnswer, outcomeOf, routedQueryParams } from "./key-routing.js";
import type { KeyRead, LookupOptions, MaybePromise, QueryAnswer, RoutedAnswer, TaskRead } from "./key-routing.js";
import { parseKeyText } from "./key-text.js";
import { globalLookup, globalScan } from "./global-store-queries.js";
import type { LocalStoreReader, PointRead as PointReadResult, ScanBounds } from "./local-store-reader.js";
import { LookupAnswers } from "./lookup-answers.js";
import { PeerRequestError, SCAN_TASKS_HEADER } from "./peer-client.js";
import type { PeerClient, PeerResponse } from "./peer-client.js";
import { peerScanAnswerSchema } from "./route-schemas.js";
import type { PeerScanAnswer, ScanQuery } from "./route-schemas.js";
import { StoreCatalog, checkStoreType } from "./store-catalog.js";
import type { VersionedQueryService } from "./versioned-query-service.js";
import type { CatalogStore } from "./store-catalog.js";

export { RETRY_AFTER_SECONDS };
export type { LookupOptions, QueryAnswer };

export interface QueryServiceOptions {
  readonly streams: QueryableStreams;
  readonly catalog: StoreCatalog;
  readonly reader: LocalStoreReader;
  readonly peers: PeerClient;
  readonly metrics: ApiMetrics;
  /** Answers point lookups of versioned stores (their latest version). */
  readonly versioned: VersionedQueryService;
}

export class QueryService {
  readonly #streams: QueryableStreams;
  readonly #catalog: StoreCatalog;
  readonly #reader: LocalStoreReader;
  readonly #peers: PeerClient;
  readonly #metrics: ApiMetrics;
  readonly #router: KeyRouter;
  readonly #versioned: VersionedQueryService;
  readonly #answers = new LookupAnswers();

  constructor(options: QueryServiceOptions) {
    this.#streams = options.streams;
    this.#catalog = options.catalog;
    this.#reader = options.reader;
    this.#peers = options.peers;
    this.#metrics = options.metrics;
    this.#router = new KeyRouter(options.streams, options.peers);
    this.#versioned = options.versioned;
  }

  get #self(): string | undefined {
    return this.#streams.applicationServer;
  }

  // ----- point lookups -----

  async get(storeName: string, keyText: string, options: LookupOptions): Promise<QueryAnswer> {
    return this.lookup(storeName, keyText, options);
  }

  /**
   * get(), answered at once when it can be (the key's task runs here, has nothing to wait
   * for, and its store reads without a promise): the lean lookup path then answers in the
   * request's own turn of the event loop. Throws at once what fails at once.
   */
  lookup(storeName: string, keyText: string, options: LookupOptions): MaybePromise<QueryAnswer> {
    const started = performance.now();
    let answer: MaybePromise<RoutedAnswer>;
    try {
      answer = this.#get(storeName, keyText, options);
    } catch (error) {
      this.#metrics.observeQuery(storeName, "get", outcomeOf(error), started);
      throw error;
    }
    if (answer instanceof Promise) {
      return answer.then(
        (done) => {
          this.#metrics.observeQuery(storeName, "get", done.outcome, started);
          return done;
        },
        (error: unknown) => {
          this.#metrics.observeQuery(storeName, "get", outcomeOf(error), started);
          throw error;
        },
      );
    }
    this.#metrics.observeQuery(storeName, "get", answer.outcome, started);
    return answer;
  }

  #get(storeName: string, keyText: string, options: LookupOptions): MaybePromise<RoutedAnswer> {
    const store = this.#catalog.get(storeName);
    if (store.type === "versioned") return this.#versioned.lookup(store, keyText, undefined, options);
    checkStoreType(store, "keyValue");
    if (!store.global && options.position === undefined) {
      const kept = this.#kept(store, keyText, options);
      if (kept !== undefined) return kept;
    }
    return this.#read(store, keyText, options);
  }

  #read(store: CatalogStore, keyText: string, options: LookupOptions): MaybePromise<RoutedAnswer> {
    const key = parseKeyText(store.name, store.keySerde.name, store.keyParser, keyText);
    if (store.global) {
      return globalLookup(this.#streams, store, keyText, key).then((answer) => ({
        ...answer,
        outcome: answer.found ? "local" : "not_found",
      }));
    }
    return this.#router.route(new PointRead(store, keyText, key, this.#reader, this.#self, this.#keep), options);
  }

  /**
   * The answer kept for the key (lookup-answers.ts), when it is still what a read would
   * answer; undefined to read. A kept answer waits for read-your-writes as a read does.
   */
  #kept(store: CatalogStore, keyText: string, options: LookupOptions): MaybePromise<RoutedAnswer> | undefined {
    const kept = this.#answers.get(store.name, keyText);
    if (kept === undefined) return undefined;
    const { meta } = kept;
    if (
      kept.view.version !== kept.version ||
      kept.hostMap !== this.#streams.hostMap() ||
      !this.#streams.isActiveTaskRunning(meta.taskId)
    ) {
      this.#answers.forget(store.name, keyText);
      return undefined;
    }
    const waiting = this.#router.readable(meta, options);
    if (waiting !== undefined) return waiting.then(() => this.#read(store, keyText, options));
    return kept.answer;
  }

  /** Keeps a fresh answer read at once here, with what it was read from. */
  readonly #keep = (keyText: string, meta: KeyQueryMetadata, read: PointReadResult, answer: RoutedAnswer): void => {
    const { view, version } = read.value;
    if (read.stale || view === undefined || version === undefined || version < 0) return;
    this.#answers.keep(meta.store, keyText, { answer, meta, view, version, hostMap: this.#streams.hostMap() });
  };

  // ----- scans -----

  async scan(storeName: string, query: ScanQuery, scanTasks: string | undefined): Promise<QueryAnswer> {
    const started = performance.now();
    let outcome: QueryOutcome = "error";
    try {
      const store = this.#catalog.get(storeName);
      checkStoreType(store, "keyValue");
      const bounds = this.#scanBounds(store, query);
      const answer = store.global
        ? await globalScan(this.#streams, store, bounds, query.limit)
        : scanTasks !== undefined
          ? await this.#peerScan(
              store,
              bounds,
              query,
              scanTasks.split(",").filter((t) => t !== ""),
            )
          : await this.#scanAll(store, bounds, query);
      outcome = answer.stale ? "stale" : "local";
      return answer;
    } catch (error) {
      outcome = outcomeOf(error);
      throw error;
    } finally {
      this.#metrics.observeQuery(storeName, "scan", outcome, started);
    }
  }

  #scanBounds(store: CatalogStore, query: ScanQuery): ScanBounds {
    const parse = (text: string | undefined): unknown =>
      text === undefined ? undefined : parseKeyText(store.name, store.keySerde.name, store.keyParser, text);
    const bounds = {
      from: parse(query.from),
      to: parse(query.to),
      prefix: parse(query.prefix),
      after: undefined as Buffer | undefined,
    };
    const keyContext = store.keyContext;
    try {
      for (const bound of [bounds.from, bounds.to, bounds.prefix])
        if (bound !== undefined) store.keySerde.serialize(bound, keyContext);
    } catch (error) {
      if (error instanceof SerializationError)
        throw new InvalidKeyError(store.name, store.keySerde.name, error.message, { cause: error });
      throw error;
    }
    if (query.cursor !== undefined) {
      bounds.after = decodeCursor(query.cursor);
      try {
        store.keySerde.deserialize(bounds.after, keyContext);
      } catch (error) {
        if (error instanceof DeserializationError) throw new InvalidCursorError("not a key of this store");
        throw error;
      }
    }
    return bounds;
  }

  /** Another instance asks for the given tasks' entries: answer from local tasks only. */
  async #peerScan(
    store: CatalogStore,
    bounds: ScanBounds,
    query: ScanQuery,
    tasks: TaskId[],
  ): Promise<QueryAnswer & { stale: boolean }> {
    const local = await this.#reader.scan(store, tasks, bounds, query.limit, query.allowStale);
    const answer: PeerScanAnswer = {
      entries: local.entries.map((e) => ({
        k: e.keyBytes.toString("base64url"),
        key: toJsonData(e.key, store.keySerde.name),
        value: toJsonData(e.value, store.valueSerde.name),
      })),
      truncated: local.truncated,
      staleTasks: local.staleTasks,
      missingTasks: local.missingTasks,
    };
    return { statusCode: 200, body: JSON.stringify(answer), servedBy: this.#self, stale: local.staleTasks.length > 0 };
  }

  async #scanAll(store: CatalogStore, bounds: ScanBounds, query: ScanQuery): Promise<QueryAnswer & { stale: boolean }> {
    const partitions = StoreCatalog.metadata(this.#streams, store.name)?.partitions ?? 0;
    if (partitions === 0) {
      throw new UnavailableError(
        `Store "${store.name}" is not available yet: the instance has not started`,
        RETRY_AFTER_SECONDS,
        {
          store: store.name,
        },
      );
    }
    // Which instance scans which task: the active owner; this instance for its own tasks,
    // and, when stale answers are allowed, for tasks nobody runs (a standby copy may exist here).
    const ownerOf = new Map<TaskId, string>();
    for (const [host, tasks] of this.#streams.hostMap()) for (const t of tasks.active) ownerOf.set(t, host);
    const localTasks: TaskId[] = [];
    const remote = new Map<string, TaskId[]>();
    const orphans: TaskId[] = [];
    for (let p = 0; p < partitions; p += 1) {
      const t = formatTaskId(store.subtopology, p);
      const owner = ownerOf.get(t);
      if (this.#reader.hostsActive(t) || (owner === undefined && query.allowStale)) localTasks.push(t);
      else if (owner !== undefined && owner !== this.#self) remote.set(owner, [...(remote.get(owner) ?? []), t]);
      else orphans.push(t);
    }
    if (orphans.length > 0) {
      throw new UnavailableError(
        `Store "${store.name}" cannot be scanned: no instance runs task(s) ${orphans.join(", ")} right now (rebalancing); retry shortly`,
        RETRY_AFTER_SECONDS,
        { store: store.name, tasks: orphans },
      );
    }
    const localScan = this.#reader.scan(store, localTasks, bounds, query.limit, query.allowStale);
    const remoteScans = [...remote].map(async ([host, tasks]) => ({
      host,
      answer: await this.#remoteScan(host, store, query, tasks),
    }));
    const [local, ...remotes] = await Promise.all([localScan, ...remoteScans]);
    if (local === undefined) throw new Error("unreachable: the local scan always has a result");

    const missing = [...local.missingTasks, ...remotes.flatMap((r) => r.answer.missingTasks)];
    if (missing.length > 0) {
      throw new UnavailableError(
        `Store "${store.name}" cannot be scanned: task(s) ${missing.join(", ")} moved or are restoring; retry shortly, or pass allowStale=true`,
        RETRY_AFTER_SECONDS,
        { store: store.name, tasks: missing },
      );
    }
    type Row = { keyBytes: Buffer; key: unknown; value: unknown };
    const lists: Row[][] = [
      local.entries.map((e) => ({
        keyBytes: e.keyBytes,
        key: toJsonData(e.key, store.keySerde.name),
        value: toJsonData(e.value, store.valueSerde.name),
      })),
      ...remotes.map((r) =>
        r.answer.entries.map((e) => ({ keyBytes: Buffer.from(e.k, "base64url"), key: e.key, value: e.value })),
      ),
    ];
    const entries = mergeSortedByKey(lists, query.limit);
    const last = entries[entries.length - 1]?.keyBytes;
    const more = local.truncated || remotes.some((r) => r.answer.truncated) || hasMoreAfter(lists, last);
    const staleTasks = [...local.staleTasks, ...remotes.flatMap((r) => r.answer.staleTasks)];
    const servedBy = [...(localTasks.length > 0 ? [this.#self ?? "local"] : []), ...remotes.map((r) => r.host)];
    const body = JSON.stringify({
      store: store.name,
      entries: entries.map((e) => ({ key: e.key, value: e.value })),
      nextCursor: more && last !== undefined ? encodeCursor(last) : null,
      stale: staleTasks.length > 0,
      ...(staleTasks.length > 0 ? { staleTasks } : {}),
    });
    return { statusCode: 200, body, servedBy: servedBy.join(","), stale: staleTasks.length > 0 };
  }

  async #remoteScan(host: string, store: CatalogStore, query: ScanQuery, tasks: TaskId[]): Promise<PeerScanAnswer> {
    const params = new URLSearchParams();
    if (query.from !== undefined) params.set("from", query.from);
    if (query.to !== undefined) params.set("to", query.to);
    if (query.prefix !== undefined) params.set("prefix", query.prefix);
    if (query.cursor !== undefined) params.set("cursor", query.cursor);
    params.set("limit", String(query.limit));
    if (query.allowStale) params.set("allowStale", "true");
    let response: PeerResponse;
    try {
      response = await this.#peers.get(host, `/stores/${encodeURIComponent(store.name)}/keys?${params}`, {
        [SCAN_TASKS_HEADER]: tasks.join(","),
      });
    } catch (error) {
      if (!(error instanceof PeerRequestError)) throw error;
      throw new UnavailableError(`Store "${store.name}" cannot be scanned: ${error.message}`, RETRY_AFTER_SECONDS, {
        store: store.name,
      });
    }
    if (response.statusCode !== 200) {
      throw new UnavailableError(
        `Store "${store.name}" cannot be scanned: instance ${host} answered ${response.statusCode} for tasks ${tasks.join(", ")}`,
        RETRY_AFTER_SECONDS,
        { store: store.name },
      );
    }
    const parsed = peerScanAnswerSchema.safeParse(JSON.parse(response.body));
    if (!parsed.success) {
      throw new UnavailableError(
        `Instance ${host} sent a scan answer this version does not understand`,
        RETRY_AFTER_SECONDS,
        {
          store: store.name,
        },
      );
    }
    return parsed.data;
  }
}

function lookupPath(store: string, keyText: string, options: Parameters<KeyRead<unknown>["path"]>[0]): string {
  const query = routedQueryParams(options).toString();
  return `/stores/${encodeURIComponent(store)}/keys/${encodeURIComponent(keyText)}${query === "" ? "" : `?${query}`}`;
}

type PointValue = PointReadResult["value"];

/** One point lookup for the router: a class, not closures, since every lookup makes one. */
class PointRead implements KeyRead<PointValue> {
  constructor(
    readonly store: CatalogStore,
    readonly keyText: string,
    readonly key: unknown,
    private readonly reader: LocalStoreReader,
    private readonly self: string | undefined,
    private readonly keep: (
      keyText: string,
      meta: KeyQueryMetadata,
      read: PointReadResult,
      answer: RoutedAnswer,
    ) => void,
  ) {}

  local(taskId: TaskId, allowStale: boolean): MaybePromise<TaskRead<PointValue> | undefined> {
    return this.reader.get(this.store, taskId, this.key, allowStale);
  }

  answer(meta: KeyQueryMetadata, read: TaskRead<PointValue>): RoutedAnswer {
    const answer = this.#answer(meta, read);
    this.keep(this.keyText, meta, read, answer);
    return answer;
  }

  #answer(meta: KeyQueryMetadata, read: TaskRead<PointValue>): RoutedAnswer {
    const { store, keyText } = this;
    const servedBy = this.self;
    if (!read.value.found) return notFoundAnswer(store.name, keyText, servedBy, read.stale);
    // The answer's JSON written out: the names and the shape are fixed, only the values are serialized.
    const body =
      `{"store":${JSON.stringify(store.name)},"key":${toJsonText(this.key, store.keySerde.name)},` +
      `"value":${toJsonText(read.value.value, store.valueSerde.name)},"partition":${meta.partition},` +
      `"taskId":"${meta.taskId}","stale":${read.stale}}`;
    return { statusCode: 200, body, servedBy, outcome: read.stale ? "stale" : "local" };
  }

  path(options: Parameters<KeyRead<unknown>["path"]>[0]): string {
    return lookupPath(this.store.name, this.keyText, options);
  }
}
