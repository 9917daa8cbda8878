// The store ids of one task's LevelDB (leveldb-key-layout.ts): the name -> id entries
// on disk, read once when the database opens, and the next id for a store not yet
// there. A new store's key space is not registered until its first data is written,
// in the same batch (leveldb-task-storage.ts).
import type { ClassicLevel } from "classic-level";
import { StateStoreError } from "./errors.js";
import { MAX_STORE_ID, STORE_ID_END, STORE_ID_PREFIX, storeKeySpace } from "./leveldb-key-layout.js";
import type { StoreKeySpace } from "./leveldb-key-layout.js";
import { checkStoreName } from "./store-name.js";

export class LevelDbStoreIds {
  readonly #taskId: string;
  readonly #directory: string;
  readonly #keySpaces = new Map<string, StoreKeySpace>();
  // Store ids on disk, by name, and the highest id handed out (on disk or not).
  readonly #storeIds = new Map<string, number>();
  #lastStoreId = 0;

  constructor(taskId: string, directory: string) {
    this.#taskId = taskId;
    this.#directory = directory;
  }

  /** Reads the ids on disk; throws StateStoreError when they are unreadable. */
  async load(db: ClassicLevel<Buffer, Buffer>): Promise<void> {
    try {
      const iterator = db.iterator({ gte: STORE_ID_PREFIX, lt: STORE_ID_END });
      for (const [key, value] of (await iterator.all()) as [Buffer, Buffer][]) {
        const name = key.toString("latin1", STORE_ID_PREFIX.length);
        if (value.length !== 2) throw new Error(`store ${JSON.stringify(name)} has a ${value.length}-byte id`);
        const id = value.readUInt16BE(0);
        this.#storeIds.set(name, id);
        if (id > this.#lastStoreId) this.#lastStoreId = id;
      }
    } catch (error) {
      throw new StateStoreError(
        `The store index of task ${this.#taskId} in ${this.#directory} is unreadable; ` +
          "wipe the task's state and restore it from the changelogs",
        this.#directory,
        { cause: error },
      );
    }
  }

  /** Whether the store has an id on disk. */
  has(name: string): boolean {
    return this.#storeIds.has(name);
  }

  keySpace(name: string): StoreKeySpace {
    let keySpace = this.#keySpaces.get(name);
    if (keySpace === undefined) {
      checkStoreName(name);
      const id = this.#storeIds.get(name);
      if (id !== undefined) {
        keySpace = storeKeySpace(name, id, true);
      } else {
        if (this.#lastStoreId === MAX_STORE_ID) {
          throw new StateStoreError(
            `Task ${this.#taskId} cannot hold more than ${MAX_STORE_ID} state stores`,
            this.#directory,
          );
        }
        this.#lastStoreId += 1;
        keySpace = storeKeySpace(name, this.#lastStoreId, false);
      }
      this.#keySpaces.set(name, keySpace);
    }
    return keySpace;
  }
}
