// split(): Kafka Streams' BranchedKStream. A KSTREAM-BRANCH node sends each record to
// the first branch whose predicate holds, or to the default branch. Branch nodes are
// named `<split name><branch name>`, or `<split name><position>` (1, 2, ... and 0 for
// the default branch), and each burns one index, as in Kafka Streams.
import type { Named } from "./dsl-options.js";
import { dsl } from "./dsl-state.js";
import type { StreamState } from "./dsl-state.js";
import { InvalidOperationError } from "../errors.js";
import { KStream } from "./kstream.js";
import { NodePrefix } from "../node-names.js";
import type { ProcessorSupplier } from "../processor.js";
import { branchSupplier, passThroughSupplier } from "./processors/stream-processors.js";
import type { Predicate } from "./processors/stream-processors.js";

type AnySupplier = ProcessorSupplier<unknown, unknown, unknown, unknown>;

export interface BranchOptions<K, V> {
  /** Appended to the split's name to name the branch (and its key in the returned map). */
  name?: string;
  /**
   * Builds on the branch right away. What it returns goes in the returned map instead of
   * the branch; when it returns nothing (or null), the branch is left out of the map.
   */
  chain?: (branch: KStream<K, V>) => KStream<K, V> | null | void;
}

export class BranchedKStream<K, V> {
  readonly #source: StreamState<K, V>;
  readonly #splitName: string;
  readonly #predicates: Predicate<K, V>[] = [];
  readonly #children: string[] = [];
  readonly #branches = new Map<string, KStream<K, V>>();
  #closed = false;

  /** @internal Created by KStream.split(). */
  constructor(source: StreamState<K, V>, name: Named["name"]) {
    this.#source = source;
    this.#splitName = source.builder.nameOr(NodePrefix.BRANCH, name);
    source.builder.addProcessor({
      name: this.#splitName,
      operation: "split",
      supplier: branchSupplier(this.#predicates, this.#children) as AnySupplier,
      parents: [source.name],
    });
  }

  branch(predicate: (key: K, value: V) => boolean, options?: BranchOptions<K, V>): this {
    this.#ensureOpen();
    this.#predicates.push(predicate);
    this.#addBranch(options, this.#predicates.length);
    return this;
  }

  /** Adds the branch for records no predicate took, and returns the branches by name. */
  defaultBranch(options?: BranchOptions<K, V>): Map<string, KStream<K, V>> {
    this.#ensureOpen();
    this.#addBranch(options, 0);
    this.#closed = true;
    return this.#branches;
  }

  /** Returns the branches by name; records no predicate took are dropped. */
  noDefaultBranch(): Map<string, KStream<K, V>> {
    this.#ensureOpen();
    this.#closed = true;
    return this.#branches;
  }

  #ensureOpen(): void {
    if (this.#closed)
      throw new InvalidOperationError(
        `split ${this.#splitName} is complete: add branches before defaultBranch()/noDefaultBranch()`,
      );
  }

  #addBranch(options: BranchOptions<K, V> | undefined, position: number): void {
    const builder = this.#source.builder;
    const name = `${this.#splitName}${options?.name ?? String(position)}`;
    this.#children.push(name);
    builder.newProcessorName(name);
    builder.addProcessor({
      name,
      operation: "branch",
      supplier: passThroughSupplier() as AnySupplier,
      parents: [this.#splitName],
    });
    const branch = new KStream<K, V>({ ...this.#source, name });
    if (options?.chain === undefined) {
      this.#branches.set(name, branch);
      return;
    }
    const chained = options.chain(branch);
    // Kafka Streams' Branched.withFunction: a chain returning null (or nothing) leaves the branch out.
    if (chained !== undefined && chained !== null && chained[dsl] !== undefined) this.#branches.set(name, chained);
  }
}
