// Answers of point lookups read here lately, kept while they are still what a read would
// answer: a URL's visit count or an account's balance is asked for again and again,
// and between two changes of the store every answer is the same text. An answer is
// kept with what it was read from (the task, the store's committed view and its
// version, the assignment), and given again only while the task still runs here, no
// assignment came since, and the view's version is the one it was read at (any write,
// commit or restore of the store, or closing it, changes the version). Read-your-writes
// waits and every check before the read (access, the store, its type) happen as for any
// lookup; only the key's routing, the LevelDB read and the JSON are skipped. Bounded by
// bytes (the oldest of a store go first); large answers are never kept.
import type { HostTasks } from "../runtime/assignor.js";
import type { KeyQueryMetadata } from "../runtime/streams-metadata.js";
import type { ReadOnlyKeyValueStore } from "../stores/key-value-store.js";
import type { RoutedAnswer } from "./key-routing.js";

/** Bytes of answers kept, keys and bodies together (UTF-16: two bytes a character). */
export const LOOKUP_ANSWERS_MAX_BYTES = 8 * 1024 * 1024;
/** A larger answer is read again every time: it would push out many small ones. */
const MAX_ANSWER_BYTES = 16 * 1024;
/** What an entry costs besides its key and body. */
const ENTRY_OVERHEAD = 200;

export interface KeptAnswer {
  readonly answer: RoutedAnswer;
  readonly meta: KeyQueryMetadata;
  /** The committed view it was read from, and that view's version then. */
  readonly view: ReadOnlyKeyValueStore<unknown, unknown>;
  readonly version: number;
  /** The assignment it was read under (a new one is a new Map). */
  readonly hostMap: ReadonlyMap<string, HostTasks>;
  readonly size: number;
}

export class LookupAnswers {
  readonly #maxBytes: number;
  /** By store, then key text; each Map in insertion order, the oldest first. */
  readonly #stores = new Map<string, Map<string, KeptAnswer>>();
  #bytes = 0;

  constructor(maxBytes = LOOKUP_ANSWERS_MAX_BYTES) {
    this.#maxBytes = maxBytes;
  }

  get sizeBytes(): number {
    return this.#bytes;
  }

  get(store: string, keyText: string): KeptAnswer | undefined {
    return this.#stores.get(store)?.get(keyText);
  }

  keep(store: string, keyText: string, kept: Omit<KeptAnswer, "size">): void {
    const size = ENTRY_OVERHEAD + 2 * (keyText.length + kept.answer.body.length);
    if (size > MAX_ANSWER_BYTES || size > this.#maxBytes) return;
    let answers = this.#stores.get(store);
    if (answers === undefined) {
      answers = new Map();
      this.#stores.set(store, answers);
    }
    this.forget(store, keyText);
    while (this.#bytes + size > this.#maxBytes) this.#evictOldest();
    answers.set(keyText, { ...kept, size });
    this.#bytes += size;
  }

  forget(store: string, keyText: string): void {
    const answers = this.#stores.get(store);
    const kept = answers?.get(keyText);
    if (answers === undefined || kept === undefined) return;
    answers.delete(keyText);
    this.#bytes -= kept.size;
  }

  #evictOldest(): void {
    for (const [store, answers] of this.#stores) {
      for (const keyText of answers.keys()) {
        this.forget(store, keyText);
        return;
      }
    }
  }
}
