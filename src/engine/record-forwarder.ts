// forward() inside one task: delivers a record to a node's children depth-first, each
// processor with the record as its record context, and wraps what a processor throws in a
// ProcessorError naming it. Processors and sinks that finish synchronously are not awaited,
// so a record costs as few promises as its processors make.
import { RecordHeaders } from "../topology/headers.js";
import { FORWARDED } from "../topology/processor.js";
import type { StreamRecord } from "../topology/record.js";
import type { ProcessorNodeRuntime, RuntimeNode } from "./processor-node.js";
import { ProcessorError, UnknownChildError } from "./processing-errors.js";
import { isThenable } from "./task-record-context.js";
import type { TaskRecordContext } from "./task-record-context.js";

export class RecordForwarder {
  readonly #taskId: string;
  readonly #nodes: ReadonlyMap<string, RuntimeNode>;
  readonly #children: ReadonlyMap<string, readonly RuntimeNode[]>;
  readonly #context: TaskRecordContext;

  constructor(
    taskId: string,
    graph: {
      readonly nodes: ReadonlyMap<string, RuntimeNode>;
      readonly children: ReadonlyMap<string, readonly RuntimeNode[]>;
    },
    context: TaskRecordContext,
  ) {
    this.#taskId = taskId;
    this.#nodes = graph.nodes;
    this.#children = graph.children;
    this.#context = context;
  }

  /**
   * Delivers `record` to the children of `from` (or the named one), depth-first.
   * Returns undefined when every child finished synchronously, otherwise a promise of
   * the rest of the delivery.
   */
  forward(
    from: RuntimeNode,
    record: StreamRecord<unknown, unknown>,
    childName: string | undefined,
  ): Promise<void> | undefined {
    const children = this.#children.get(from.name) ?? NO_CHILDREN;
    let targets = children;
    if (childName !== undefined) {
      const child = children.find((candidate) => candidate.name === childName);
      if (child === undefined)
        throw new UnknownChildError(
          from.name,
          childName,
          children.map((candidate) => candidate.name),
        );
      targets = [child];
    }
    // Headers are mutable: siblings each get their own copy (the last one the original).
    const headers = record.headers instanceof RecordHeaders ? record.headers : new RecordHeaders(record.headers);
    const last = targets.length - 1;
    for (let i = 0; i <= last; i++) {
      const copy = i === last ? headers : headers.clone();
      const pending = this.#deliver(
        targets[i] as RuntimeNode,
        copy === record.headers ? record : { ...record, headers: copy },
      );
      if (pending !== undefined)
        return i === last ? pending : this.#forwardRest(pending, targets, i + 1, record, headers);
    }
    return undefined;
  }

  /** What a processor's forward() returns: always a promise, FORWARDED itself when delivery was synchronous. */
  forwardFromProcessor(
    from: string,
    record: StreamRecord<unknown, unknown>,
    childName: string | undefined,
  ): Promise<void> {
    const node = this.#nodes.get(from);
    if (node === undefined) return Promise.reject(new RangeError(`Task ${this.#taskId} has no node "${from}"`));
    try {
      return this.forward(node, record, childName) ?? FORWARDED;
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  async #forwardRest(
    pending: Promise<void>,
    targets: readonly RuntimeNode[],
    next: number,
    record: StreamRecord<unknown, unknown>,
    headers: RecordHeaders,
  ): Promise<void> {
    await pending;
    const last = targets.length - 1;
    for (let i = next; i <= last; i++) {
      const copy = i === last ? headers : headers.clone();
      const more = this.#deliver(
        targets[i] as RuntimeNode,
        copy === record.headers ? record : { ...record, headers: copy },
      );
      if (more !== undefined) await more;
    }
  }

  #deliver(node: RuntimeNode, record: StreamRecord<unknown, unknown>): Promise<void> | undefined {
    switch (node.kind) {
      case "processor": {
        // The record context follows the record: set for this processor, back to the caller's after it.
        node.counter.processed += 1;
        const context = this.#context;
        const previous = context.current;
        context.current = record;
        let result: void | Promise<void>;
        try {
          result = node.processor.process(record);
        } catch (error) {
          context.current = previous;
          throw this.#processorFailure(node, error);
        }
        // A processor that returns what forward() gave it finished when delivery did.
        if (result === FORWARDED || !isThenable(result)) {
          context.current = previous;
          return undefined;
        }
        return this.#awaitProcessor(node, result, previous);
      }
      case "sink": {
        node.counter.processed += 1;
        const sent = node.send(record, this.#taskId, this.#context);
        return isThenable(sent) ? sent : undefined;
      }
      case "source":
        // A source has no parent inside a sub-topology.
        throw new RangeError(`Source ${node.name} cannot receive forwarded records`);
    }
  }

  async #awaitProcessor(
    node: ProcessorNodeRuntime,
    result: PromiseLike<void>,
    previous: StreamRecord<unknown, unknown> | undefined,
  ): Promise<void> {
    try {
      await result;
    } catch (error) {
      throw this.#processorFailure(node, error);
    } finally {
      this.#context.current = previous;
    }
  }

  #processorFailure(node: ProcessorNodeRuntime, error: unknown): ProcessorError {
    return error instanceof ProcessorError
      ? error
      : new ProcessorError(node.name, this.#taskId, this.#context.metadata, error);
  }
}

const NO_CHILDREN: readonly RuntimeNode[] = Object.freeze([]);
