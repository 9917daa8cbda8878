// The ProcessorContext a processor gets in init(): bound to its node (forward() goes to
// the node's children, getStateStore() only opens the node's stores) and to its task
// (stream time, punctuation, the metadata of the record in flight).
import type { KeyValueStore } from "../stores/key-value-store.js";
import type { StateStore } from "../stores/state-store.js";
import type { Cancellable, ProcessorContext, PunctuationType, Punctuator } from "../topology/processor.js";
import type { RecordContext, RecordMetadata, StreamRecord } from "../topology/record.js";
import { StoreAccessError } from "./processing-errors.js";
import type { Serde } from "../serdes/serde.js";
import type { ProcessorMetadata } from "./processor-metadata.js";

/** What a node's context needs from its task. */
export interface TaskServices {
  readonly applicationId: string;
  readonly taskId: string;
  forward(from: string, record: StreamRecord<unknown, unknown>, childName: string | undefined): Promise<void>;
  store(name: string): StateStore;
  schedule(node: string, intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable;
  recordMetadata(): RecordMetadata | undefined;
  recordContext(): RecordContext;
  streamTime(): number;
  wallClockTime(): number;
  requestCommit(): void;
  readonly appConfigs: Readonly<Record<string, unknown>>;
  droppedRecord(node: string, reason: string): void;
  readonly defaultSerdes: { readonly key?: Serde<unknown>; readonly value?: Serde<unknown> } | undefined;
  /** Committed with the task's offsets and read back when the task starts (processor-metadata.ts). */
  readonly processorMetadata: ProcessorMetadata;
}

export class NodeProcessorContext implements ProcessorContext<unknown, unknown> {
  readonly #task: TaskServices;
  readonly #node: string;
  readonly #stores: readonly string[];

  constructor(task: TaskServices, node: string, stores: readonly string[]) {
    this.#task = task;
    this.#node = node;
    this.#stores = stores;
  }

  get applicationId(): string {
    return this.#task.applicationId;
  }

  get taskId(): string {
    return this.#task.taskId;
  }

  forward(record: StreamRecord<unknown, unknown>, childName?: string): Promise<void> {
    return this.#task.forward(this.#node, record, childName);
  }

  getStateStore<K, V>(name: string): KeyValueStore<K, V> {
    if (!this.#stores.includes(name)) throw new StoreAccessError(this.#node, name, this.#stores);
    // The store's own interface (key-value, window, session): the caller names the type.
    return this.#task.store(name) as KeyValueStore<K, V>;
  }

  schedule(intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable {
    return this.#task.schedule(this.#node, intervalMs, type, punctuator);
  }

  recordMetadata(): RecordMetadata | undefined {
    return this.#task.recordMetadata();
  }

  currentStreamTimeMs(): number {
    return this.#task.streamTime();
  }

  recordContext(): RecordContext {
    return this.#task.recordContext();
  }

  currentSystemTimeMs(): number {
    return this.#task.wallClockTime();
  }

  commit(): void {
    this.#task.requestCommit();
  }

  appConfigs(): Readonly<Record<string, unknown>> {
    return this.#task.appConfigs;
  }

  appConfigsWithPrefix(prefix: string): Readonly<Record<string, unknown>> {
    const entries = Object.entries(this.#task.appConfigs).filter(([name]) => name.startsWith(prefix));
    return Object.freeze(Object.fromEntries(entries.map(([name, value]) => [name.slice(prefix.length), value])));
  }

  recordDropped(reason: string): void {
    this.#task.droppedRecord(this.#node, reason);
  }

  keySerde(): Serde<unknown> | undefined {
    return this.#task.defaultSerdes?.key;
  }

  valueSerde(): Serde<unknown> | undefined {
    return this.#task.defaultSerdes?.value;
  }

  addProcessorMetadataKeyValue(key: string, value: number): void {
    this.#task.processorMetadata.put(key, value);
  }

  processorMetadataForKey(key: string): number | undefined {
    return this.#task.processorMetadata.get(key);
  }
}
