// One task's state on disk: ONE LevelDB in <state.dir>/<application.id>/<taskId>/
// holding every store of the task and the task's checkpoint (leveldb-key-layout.ts),
// so that the writes of all stores and the new checkpoint commit in one atomic batch.
// LevelDB's LOCK file makes the directory exclusive to one open database, across
// processes and within one: two instances can never both own a task's state. The
// stores' stream times go in the same batches as the rows they were written by
// (leveldb-stream-times.ts), so a reopened task starts each store's clock where it was.
import { rm, stat } from "node:fs/promises";
import { ClassicLevel } from "classic-level";
import { Serdes } from "../serdes/serdes.js";
import type { Checkpoint } from "./checkpoint.js";
import { parseChangelogPartition, validateCheckpoint } from "./checkpoint.js";
import { StateDirectoryLockedError, StateStoreError, StoreClosedError } from "./errors.js";
import { LevelDbKeyValueBytesStore } from "./leveldb-bytes-store.js";
import type { LevelDbHandle } from "./leveldb-bytes-store.js";
import {
  CHECKPOINT_END,
  CHECKPOINT_PREFIX,
  LAYOUT_KEY,
  LAYOUT_VERSION,
  LEGACY_LAYOUT_VERSION,
  checkpointKey,
  prefixed,
  prefixedRow,
} from "./leveldb-key-layout.js";
import type { StoreKeySpace } from "./leveldb-key-layout.js";
import { LevelDbStoreIds } from "./leveldb-store-ids.js";
import { loadStreamTimes, streamTimeEntry } from "./leveldb-stream-times.js";
import { upgradeToTimestampedValues } from "./leveldb-timestamp-upgrade.js";
import { levelDbOptions } from "./leveldb-tuning.js";
import { taskStateDirectory } from "./state-directory.js";
import { checkStoreName } from "./store-name.js";
import type { ChangelogRecord, StoreWrites, TaskStorage } from "./task-storage.js";
import { NO_STREAM_TIME, StoreStreamTimes } from "./store-stream-time.js";

/** LevelDB tuning, per task database (an instance opens one per task it owns). */
export interface LevelDbTuning {
  /** Block cache, bytes (LevelDB default 8 MiB). */
  cacheSize?: number;
  /** Memtable size before a flush to a table file, bytes (default 4 MiB). */
  writeBufferSize?: number;
  blockSize?: number;
  maxOpenFiles?: number;
  /** Snappy compression of table blocks (default true). */
  compression?: boolean;
}

export interface LevelDbTaskStorageOptions {
  stateDir: string;
  applicationId: string;
  taskId: string;
  leveldb?: LevelDbTuning;
  /**
   * The task's stores that keep ValueAndTimestamp values. A database written before
   * Eddy kept timestamps (layout 1) has their values converted when it opens
   * (leveldb-timestamp-upgrade.ts); without this list it is opened as it is, for
   * reading its checkpoint only.
   */
  timestampedStores?: readonly string[];
}

const offsetSerde = Serdes.long();

function levelErrorCode(error: unknown): string | undefined {
  const { code, cause } = error as { code?: unknown; cause?: { code?: unknown } };
  if (cause !== undefined && typeof cause.code === "string" && code === "LEVEL_DATABASE_NOT_OPEN") return cause.code;
  return typeof code === "string" ? code : undefined;
}

async function removeDirectory(directory: string): Promise<void> {
  try {
    await rm(directory, { recursive: true, force: true });
  } catch (error) {
    throw new StateStoreError(`Cannot delete the state directory ${directory}`, directory, { cause: error });
  }
}

export class LevelDbTaskStorage implements TaskStorage, LevelDbHandle {
  readonly taskId: string;
  readonly streamTimes = new StoreStreamTimes();
  readonly directory: string;
  readonly db: ClassicLevel<Buffer, Buffer>;
  #open = true;
  readonly #stores = new Map<string, LevelDbKeyValueBytesStore>();
  readonly #storeIds: LevelDbStoreIds;
  #openWarnings: readonly string[] = [];

  private constructor(taskId: string, directory: string, db: ClassicLevel<Buffer, Buffer>) {
    this.taskId = taskId;
    this.directory = directory;
    this.db = db;
    this.#storeIds = new LevelDbStoreIds(taskId, directory);
  }

  /** Opens the task's database, creating the directory if needed. */
  static async open(options: LevelDbTaskStorageOptions): Promise<LevelDbTaskStorage> {
    const directory = taskStateDirectory(options.stateDir, options.applicationId, options.taskId);
    const db = new ClassicLevel<Buffer, Buffer>(directory, {
      ...levelDbOptions(options.leveldb),
      keyEncoding: "buffer",
      valueEncoding: "buffer",
      createIfMissing: true,
      errorIfExists: false,
    });
    try {
      await db.open();
    } catch (error) {
      const code = levelErrorCode(error);
      if (code === "LEVEL_LOCKED") throw new StateDirectoryLockedError(directory, { cause: error });
      throw new StateStoreError(
        `Cannot open the state of task ${options.taskId} in ${directory}` +
          (code === "LEVEL_CORRUPTION"
            ? " (corrupted: wipe the directory and let the task restore from its changelogs)"
            : ""),
        directory,
        { cause: error },
      );
    }
    const storage = new LevelDbTaskStorage(options.taskId, directory, db);
    const layout = await storage.#checkLayout();
    try {
      await storage.#storeIds.load(db);
    } catch (error) {
      await storage.close();
      throw error;
    }
    if (layout === LEGACY_LAYOUT_VERSION && options.timestampedStores !== undefined) {
      await storage.#upgradeLayout(options.timestampedStores);
    }
    storage.#openWarnings = await loadStreamTimes(db, storage.streamTimes);
    return storage;
  }

  /** What open() found damaged and did without (a store's stream time): for the caller to log. */
  get openWarnings(): readonly string[] {
    return this.#openWarnings;
  }

  /**
   * The checkpoint of a task's state without keeping it open, or undefined when the
   * task has no state directory. Throws StateDirectoryLockedError if another instance has it open.
   */
  static async peekCheckpoint(options: LevelDbTaskStorageOptions): Promise<Checkpoint | undefined> {
    const directory = taskStateDirectory(options.stateDir, options.applicationId, options.taskId);
    try {
      await stat(directory);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw new StateStoreError(`Cannot read the state directory ${directory}`, directory, { cause: error });
    }
    const storage = await LevelDbTaskStorage.open(options);
    try {
      return await storage.readCheckpoint();
    } finally {
      await storage.close();
    }
  }

  /**
   * Deletes a task's state directory without opening it: for state that fails to open
   * (corruption). The caller must know that no instance has the task open; when one
   * could, open() it (which takes the lock) and call wipe() instead.
   */
  static async wipeDirectory(options: LevelDbTaskStorageOptions): Promise<void> {
    await removeDirectory(taskStateDirectory(options.stateDir, options.applicationId, options.taskId));
  }

  get isOpen(): boolean {
    return this.#open;
  }

  store(name: string): LevelDbKeyValueBytesStore {
    this.#checkOpen();
    let store = this.#stores.get(name);
    if (store === undefined) {
      store = new LevelDbKeyValueBytesStore(this, this.#storeIds.keySpace(name));
      this.#stores.set(name, store);
    }
    return store;
  }

  async readCheckpoint(): Promise<Checkpoint> {
    this.#checkOpen();
    const checkpoint = new Map<string, number>();
    const iterator = this.db.iterator({ gte: CHECKPOINT_PREFIX, lt: CHECKPOINT_END });
    try {
      for (const [key, value] of (await iterator.all()) as [Buffer, Buffer][]) {
        const partition = key.toString("utf8", CHECKPOINT_PREFIX.length);
        try {
          parseChangelogPartition(partition);
          checkpoint.set(partition, offsetSerde.deserialize(value));
        } catch (error) {
          throw new StateStoreError(
            `The checkpoint of task ${this.taskId} in ${this.directory} is corrupted (entry ${JSON.stringify(partition)}); ` +
              "wipe the task's state and restore it from the changelogs",
            this.directory,
            { cause: error },
          );
        }
      }
    } catch (error) {
      if (error instanceof StateStoreError) throw error;
      throw this.#failure("read the checkpoint of", error);
    } finally {
      await iterator.close();
    }
    return checkpoint;
  }

  async commit(
    writes: ReadonlyMap<string, StoreWrites>,
    checkpoint?: Checkpoint,
    streamTimes?: ReadonlyMap<string, number>,
  ): Promise<void> {
    this.#checkOpen();
    if (checkpoint !== undefined) validateCheckpoint(checkpoint);
    // Only the clocks that moved: the others are on disk already.
    const advanced = [...(streamTimes ?? [])].filter(
      ([name, time]) => Number.isSafeInteger(time) && time > this.streamTimes.get(name),
    );
    for (const [name] of advanced) checkStoreName(name);
    const batch = this.db.batch();
    const registering: StoreKeySpace[] = [];
    try {
      for (const [name, entries] of writes) {
        const space = this.#storeIds.keySpace(name);
        if (!space.registered) {
          batch.put(space.registrationKey, space.registrationValue);
          registering.push(space);
        }
        const { prefix } = space;
        for (const [key, value] of entries) {
          if (value === null) batch.del(prefixed(prefix, key));
          else batch.put(prefixed(prefix, key), value);
        }
      }
      if (checkpoint !== undefined) {
        for (const [partition, offset] of checkpoint)
          batch.put(checkpointKey(partition), offsetSerde.serialize(offset));
      }
      for (const [name, time] of advanced) batch.put(...streamTimeEntry(name, time));
    } catch (error) {
      await batch.close();
      throw error;
    }
    try {
      await this.#write(batch, "commit to");
    } finally {
      for (const name of writes.keys()) this.#stores.get(name)?.markChanged();
    }
    for (const [name, time] of advanced) this.streamTimes.of(name).time = time;
    for (const space of registering) space.registered = true;
  }

  async deleteRows(rows: ReadonlyMap<string, readonly string[]>): Promise<void> {
    this.#checkOpen();
    const batch = this.db.batch();
    const written: string[] = [];
    for (const [name, keys] of rows) {
      const space = this.#storeIds.keySpace(name);
      // A store whose id is not on disk yet has no rows on disk.
      if (!space.registered || keys.length === 0) continue;
      written.push(name);
      const { prefix } = space;
      for (const row of keys) batch.del(prefixedRow(prefix, row));
    }
    try {
      await this.#write(batch, "delete from");
    } finally {
      for (const name of written) this.#stores.get(name)?.markChanged();
    }
  }

  async restore(
    store: string,
    records: Iterable<ChangelogRecord>,
    changelogPartition: string,
    nextOffset: number,
  ): Promise<void> {
    this.#checkOpen();
    validateCheckpoint(new Map([[changelogPartition, nextOffset]]));
    const space = this.#storeIds.keySpace(store);
    const { prefix } = space;
    const registering = !space.registered;
    const batch = this.db.batch();
    try {
      if (registering) batch.put(space.registrationKey, space.registrationValue);
      for (const record of records) {
        if (record.value === null) batch.del(prefixed(prefix, record.key));
        else batch.put(prefixed(prefix, record.key), record.value);
      }
      // The records advanced the store's clock as they were read (changelog-records.ts).
      const streamTime = this.streamTimes.get(store);
      if (streamTime !== NO_STREAM_TIME && Number.isSafeInteger(streamTime)) {
        batch.put(...streamTimeEntry(store, streamTime));
      }
      batch.put(checkpointKey(changelogPartition), offsetSerde.serialize(nextOffset));
    } catch (error) {
      await batch.close();
      throw error;
    }
    try {
      await this.#write(batch, "restore into");
    } finally {
      this.#stores.get(store)?.markChanged();
    }
    if (registering) space.registered = true;
  }

  async close(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    try {
      await this.db.close();
    } catch (error) {
      throw new StateStoreError(`Cannot close the state of task ${this.taskId} in ${this.directory}`, this.directory, {
        cause: error,
      });
    }
  }

  /**
   * Closes the database and deletes the task's directory: for state that cannot be
   * trusted (a checkpoint outside the changelog's offsets) or that the instance gives up.
   * Open the task again to start from empty state.
   */
  async wipe(): Promise<void> {
    await this.close();
    await removeDirectory(this.directory);
  }

  /** The layout version on disk (a new database gets the current one). */
  async #checkLayout(): Promise<string> {
    let layout: Buffer | undefined;
    try {
      layout = this.db.getSync(LAYOUT_KEY);
      if (layout === undefined) await this.db.put(LAYOUT_KEY, Buffer.from(LAYOUT_VERSION, "latin1"));
    } catch (error) {
      const failure = this.#failure("initialise", error);
      await this.close();
      throw failure;
    }
    const version = layout === undefined ? LAYOUT_VERSION : layout.toString("latin1");
    if (version !== LAYOUT_VERSION && version !== LEGACY_LAYOUT_VERSION) {
      await this.close();
      throw new StateStoreError(
        `The state in ${this.directory} has layout version ${version}, this Eddy reads versions ${LEGACY_LAYOUT_VERSION} and ${LAYOUT_VERSION}; ` +
          "wipe the directory to restore the state from the changelogs",
        this.directory,
      );
    }
    return version;
  }

  /** Layout 1 to 2: the values of the timestamped stores get their (unknown) timestamp. */
  async #upgradeLayout(timestampedStores: readonly string[]): Promise<void> {
    const stores = timestampedStores
      .filter((name) => this.#storeIds.has(name))
      .map((name) => this.#storeIds.keySpace(name));
    try {
      await upgradeToTimestampedValues(this.db, stores, [[LAYOUT_KEY, Buffer.from(LAYOUT_VERSION, "latin1")]]);
    } catch (error) {
      const failure = this.#failure("upgrade to timestamped stores", error);
      await this.close();
      throw failure;
    }
  }

  async #write(batch: ReturnType<ClassicLevel<Buffer, Buffer>["batch"]>, action: string): Promise<void> {
    if (batch.length === 0) {
      await batch.close();
      return;
    }
    try {
      await batch.write();
    } catch (error) {
      throw this.#failure(action, error);
    }
  }

  #checkOpen(): void {
    if (!this.#open) throw new StoreClosedError(this.taskId, "task");
  }

  #failure(action: string, error: unknown): Error {
    if (!this.#open) return new StoreClosedError(this.taskId, "task");
    return new StateStoreError(
      `Cannot ${action} the state of task ${this.taskId} in ${this.directory}: ${error instanceof Error ? error.message : String(error)}`,
      this.directory,
      { cause: error },
    );
  }
}
