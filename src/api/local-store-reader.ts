// Reads the committed state of stores in tasks hosted by this instance, checking at read
// time that this instance may answer for the task: an active task counts only while it
// is assigned here and running; a standby or a restoring task only when the caller
// accepts stale answers. The check is repeated after the read, because a rebalance can
// revoke the task while LevelDB answers; an answer from a task that moved away is
// never passed off as fresh.
import { StoreNotQueryableError } from "../runtime/errors.js";
import type { QueryableStreams } from "../runtime/streams-metadata.js";
import type { TaskId } from "../engine/task-id.js";
import { compareBytes } from "../stores/bytes-order.js";
import type { ReadOnlyKeyValueStore } from "../stores/key-value-store.js";
import type { MaybePromise, TaskRead } from "./key-routing.js";
import type { CatalogStore } from "./store-catalog.js";
import { hasMoreAfter, mergeSortedByKey } from "./key-order.js";

/** Bounds of a scan, in the store's typed keys and in serialized bytes. */
export interface ScanBounds {
  readonly from?: unknown;
  readonly to?: unknown;
  readonly prefix?: unknown;
  /** Exclusive: the last key of the previous page. */
  readonly after?: Buffer;
}

export interface ScannedEntry {
  readonly keyBytes: Buffer;
  readonly key: unknown;
  readonly value: unknown;
}

export interface LocalScan {
  readonly entries: ScannedEntry[];
  /** Some task has entries past the returned ones. */
  readonly truncated: boolean;
  /** Tasks answered from a standby or restoring copy. */
  readonly staleTasks: TaskId[];
  /** Tasks that could not be read here (not hosted, or no longer owned). */
  readonly missingTasks: TaskId[];
}

/**
 * A point lookup's read: the value, when the key was found; read at once, also the view
 * read and its version then (what LookupAnswers checks an answer against).
 */
export type PointRead = TaskRead<{
  found: boolean;
  value: unknown;
  view?: ReadOnlyKeyValueStore<unknown, unknown>;
  version?: number;
}>;

/** How long a scan waits for a task's commit to reach its store before counting the task as missing (503). */
const SCAN_WAIT_MS = 5_000;

export class LocalStoreReader {
  constructor(private readonly streams: QueryableStreams) {}

  /** The committed view of a running active task assigned here, or undefined. */
  activeView(store: string, taskId: TaskId): ReadOnlyKeyValueStore<unknown, unknown> | undefined {
    if (!this.streams.isActiveTaskRunning(taskId)) return undefined;
    return this.#view(store, taskId, false);
  }

  /** A standby's or restoring task's committed view (possibly behind), or undefined. */
  staleView(store: string, taskId: TaskId): ReadOnlyKeyValueStore<unknown, unknown> | undefined {
    return this.#view(store, taskId, true);
  }

  /** The task is assigned here as active: running, or restoring before it runs. */
  hostsActive(taskId: TaskId): boolean {
    return this.streams.assignedTasks().active.includes(taskId);
  }

  #view(store: string, taskId: TaskId, allowStale: boolean): ReadOnlyKeyValueStore<unknown, unknown> | undefined {
    try {
      return this.streams.store<unknown, unknown>(store, taskId, { allowStale });
    } catch (error) {
      if (error instanceof StoreNotQueryableError) return undefined;
      throw error;
    }
  }

  /**
   * A point read in one task; undefined when this instance cannot answer for the task
   * (or stopped owning it during the read and stale answers are not allowed). Answered
   * at once, without a promise, when the store reads without one (LevelDB, memory).
   */
  get(store: CatalogStore, taskId: TaskId, key: unknown, allowStale: boolean): MaybePromise<PointRead | undefined> {
    // read() spelled out: this is every point lookup's path, and its two closures per call cost more than the read.
    let view = this.streams.isActiveTaskRunning(taskId) ? this.#view(store.name, taskId, false) : undefined;
    let stale = false;
    if (view === undefined && allowStale) {
      view = this.#view(store.name, taskId, true);
      stale = true;
    }
    if (view === undefined) return undefined;
    if (view.readsNow === true && view.getNow !== undefined) {
      // Nothing runs between the checks above and this read: no rebalance can revoke the task under it.
      const version = view.version;
      let value: unknown;
      try {
        value = view.getNow(key);
      } catch (error) {
        if (isClosedStore(error)) return undefined;
        throw error;
      }
      return { value: { found: value !== undefined, value, view, version }, stale };
    }
    return view.get(key).then(
      (value) => {
        if (!stale && !this.streams.isActiveTaskRunning(taskId)) {
          if (!allowStale) return undefined;
          stale = true;
        }
        return { value: { found: value !== undefined, value }, stale };
      },
      (error: unknown) => {
        if (isClosedStore(error)) return undefined;
        throw error;
      },
    );
  }

  /**
   * Any read of one task's committed state: `open` gives the store's view (the running
   * active task's, or with `stale` a standby's or restoring task's), `read` reads it.
   * Undefined when this instance cannot answer for the task, or stopped owning it during
   * the read and stale answers are not allowed.
   */
  async read<V, T>(
    taskId: TaskId,
    allowStale: boolean,
    open: (stale: boolean) => V,
    read: (view: V) => Promise<T>,
  ): Promise<TaskRead<T> | undefined> {
    let view = this.streams.isActiveTaskRunning(taskId) ? opened(() => open(false)) : undefined;
    let stale = false;
    if (view === undefined && allowStale) {
      view = opened(() => open(true));
      stale = true;
    }
    if (view === undefined) return undefined;
    let value: T;
    try {
      value = await read(view);
    } catch (error) {
      // The task's storage closed under the read (revoked, or the instance is closing).
      if (isClosedStore(error)) return undefined;
      throw error;
    }
    if (!stale && !this.streams.isActiveTaskRunning(taskId)) {
      if (!allowStale) return undefined;
      stale = true;
    }
    return { value, stale };
  }

  /** Scans the given tasks (those hosted here) and merges them in serialized-key order. */
  async scan(
    store: CatalogStore,
    taskIds: readonly TaskId[],
    bounds: ScanBounds,
    limit: number,
    allowStale: boolean,
  ): Promise<LocalScan> {
    const lists: ScannedEntry[][] = [];
    const staleTasks: TaskId[] = [];
    const missingTasks: TaskId[] = [];
    let truncated = false;
    for (const taskId of taskIds) {
      let view = this.activeView(store.name, taskId);
      // Read-your-writes, as for lookups: the task's visible outputs are in its store.
      const waiting = view === undefined ? undefined : this.streams.awaitReadable(taskId, [], SCAN_WAIT_MS);
      if (waiting !== undefined && !(await waiting).ready) view = undefined;
      let stale = false;
      if (view === undefined && allowStale) {
        view = this.staleView(store.name, taskId);
        stale = true;
      }
      if (view === undefined) {
        missingTasks.push(taskId);
        continue;
      }
      let read: { entries: ScannedEntry[]; truncated: boolean };
      try {
        read = await scanView(store, view, bounds, limit);
      } catch (error) {
        if (!isClosedStore(error)) throw error;
        missingTasks.push(taskId);
        continue;
      }
      if (!stale && !this.streams.isActiveTaskRunning(taskId)) {
        if (!allowStale) {
          missingTasks.push(taskId);
          continue;
        }
        stale = true;
      }
      if (stale) staleTasks.push(taskId);
      if (read.truncated) truncated = true;
      lists.push(read.entries);
    }
    const entries = mergeSortedByKey(lists, limit);
    const last = entries[entries.length - 1]?.keyBytes;
    return { entries, truncated: truncated || hasMoreAfter(lists, last), staleTasks, missingTasks };
  }
}

export async function scanView(
  store: CatalogStore,
  view: ReadOnlyKeyValueStore<unknown, unknown>,
  bounds: ScanBounds,
  limit: number,
): Promise<{ entries: ScannedEntry[]; truncated: boolean }> {
  const keyContext = store.keyContext;
  const serialize = (key: unknown): Buffer => store.keySerde.serialize(key, keyContext);
  // Start at the highest of the lower bounds, as a typed key (the stores take typed bounds).
  let lower: { key: unknown; bytes: Buffer } | undefined;
  const raise = (key: unknown, bytes: Buffer): void => {
    if (lower === undefined || compareBytes(bytes, lower.bytes) > 0) lower = { key, bytes };
  };
  if (bounds.from !== undefined) raise(bounds.from, serialize(bounds.from));
  const prefixBytes = bounds.prefix === undefined ? undefined : serialize(bounds.prefix);
  if (prefixBytes !== undefined) raise(bounds.prefix, prefixBytes);
  if (bounds.after !== undefined) raise(store.keySerde.deserialize(bounds.after, keyContext), bounds.after);

  const entries: ScannedEntry[] = [];
  let truncated = false;
  for await (const entry of view.range(lower?.key, bounds.to)) {
    const keyBytes = serialize(entry.key);
    if (bounds.after !== undefined && compareBytes(keyBytes, bounds.after) <= 0) continue;
    // Keys are ordered and the scan started at or after the prefix: the first key
    // without it is past every key with it.
    if (prefixBytes !== undefined && !startsWith(keyBytes, prefixBytes)) break;
    if (entries.length === limit) {
      truncated = true;
      break;
    }
    entries.push({ keyBytes, key: entry.key, value: entry.value });
  }
  return { entries, truncated };
}

function startsWith(bytes: Buffer, prefix: Buffer): boolean {
  return bytes.length >= prefix.length && bytes.subarray(0, prefix.length).equals(prefix);
}

function opened<V>(open: () => V): V | undefined {
  try {
    return open();
  } catch (error) {
    if (error instanceof StoreNotQueryableError) return undefined;
    throw error;
  }
}

export function isClosedStore(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "EDDY_ERR_STORE_CLOSED" || code === "LEVEL_DATABASE_NOT_OPEN" || code === "LEVEL_ITERATOR_NOT_OPEN";
}
