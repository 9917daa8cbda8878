// Kafka record headers as they are on the wire (v2 record format): an ordered list of
// (key, value) pairs in which a key may repeat and a value may be null. Order and
// repetition are kept, because producers (and Kafka Streams apps) rely on both: the
// last header of a key wins for lastHeader(), and all of them are visible to headers().

export interface Header {
  readonly key: string;
  readonly value: Buffer | null;
}

/** What callers may give for a header value: strings are written as UTF-8. */
export type HeaderValue = Buffer | string | null;

/**
 * Anything that describes headers: another RecordHeaders (copied), a list of pairs
 * (repeats kept in order), or an object (an array value adds the key several times).
 */
export type HeadersInit =
  | RecordHeaders
  | Iterable<Header>
  | Iterable<readonly [string, HeaderValue]>
  | { readonly [key: string]: HeaderValue | readonly HeaderValue[] };

function toBuffer(value: HeaderValue): Buffer | null {
  if (value === null) return null;
  return typeof value === "string" ? Buffer.from(value, "utf8") : value;
}

function isHeader(entry: unknown): entry is Header {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return false;
  const { key, value } = entry as { key?: unknown; value?: unknown };
  return typeof key === "string" && (value === null || Buffer.isBuffer(value));
}

function isPair(entry: unknown): entry is readonly [string, HeaderValue] {
  return Array.isArray(entry) && entry.length === 2 && typeof entry[0] === "string";
}

const NO_ENTRIES: Header[] = Object.freeze([]) as unknown as Header[];

/** Mutable like Kafka's Headers; the executor copies them where one record fans out to several children. */
export class RecordHeaders implements Iterable<Header> {
  // Most records have no headers: they share one empty list until a header is added.
  #entries: Header[] = NO_ENTRIES;

  constructor(init?: HeadersInit) {
    if (init === undefined) return;
    if (init instanceof RecordHeaders) {
      if (init.#entries.length > 0) this.#entries = init.#entries.slice();
      return;
    }
    if (Array.isArray(init) && (init as readonly unknown[]).every(isHeader)) {
      // Consumed records' headers: Header objects are never changed, only replaced, so they are shared.
      if (init.length > 0) this.#entries = (init as readonly Header[]).slice();
      return;
    }
    if (typeof (init as Iterable<unknown>)[Symbol.iterator] === "function") {
      for (const entry of init as Iterable<Header | readonly [string, HeaderValue]>) {
        if (isPair(entry)) this.add(entry[0], entry[1]);
        else this.add(entry.key, entry.value);
      }
      return;
    }
    for (const [key, value] of Object.entries(
      init as { readonly [key: string]: HeaderValue | readonly HeaderValue[] },
    )) {
      if (Array.isArray(value)) for (const one of value as readonly HeaderValue[]) this.add(key, one);
      else this.add(key, value as HeaderValue);
    }
  }

  /** A copy of `init` (or empty headers): never shares state with its argument. */
  static from(init?: HeadersInit): RecordHeaders {
    return new RecordHeaders(init);
  }

  get size(): number {
    return this.#entries.length;
  }

  add(key: string, value: HeaderValue): this {
    if (this.#entries === NO_ENTRIES) this.#entries = [];
    this.#entries.push({ key, value: toBuffer(value) });
    return this;
  }

  /** Removes every header with this key. */
  remove(key: string): this {
    for (let i = this.#entries.length - 1; i >= 0; i--) {
      if (this.#entries[i]?.key === key) this.#entries.splice(i, 1);
    }
    return this;
  }

  /** Replaces every header with this key by one header. */
  set(key: string, value: HeaderValue): this {
    return this.remove(key).add(key, value);
  }

  has(key: string): boolean {
    return this.#entries.some((entry) => entry.key === key);
  }

  /** The last header with this key, as Kafka's Headers.lastHeader(). */
  lastHeader(key: string): Header | undefined {
    for (let i = this.#entries.length - 1; i >= 0; i--) {
      const entry = this.#entries[i];
      if (entry?.key === key) return entry;
    }
    return undefined;
  }

  /** The last value of this key decoded as UTF-8; undefined when absent or null. */
  lastString(key: string): string | undefined {
    const value = this.lastHeader(key)?.value;
    return value === null || value === undefined ? undefined : value.toString("utf8");
  }

  /** Every header with this key, in order. */
  headers(key: string): Header[] {
    return this.#entries.filter((entry) => entry.key === key);
  }

  toArray(): Header[] {
    return [...this.#entries];
  }

  clone(): RecordHeaders {
    return new RecordHeaders(this);
  }

  [Symbol.iterator](): Iterator<Header> {
    return this.#entries[Symbol.iterator]();
  }

  /** For logs and test failure messages: values as UTF-8 text. */
  toJSON(): { key: string; value: string | null }[] {
    return this.#entries.map((entry) => ({
      key: entry.key,
      value: entry.value === null ? null : entry.value.toString("utf8"),
    }));
  }
}
