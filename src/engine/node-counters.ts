// Records each processor node of a task processed: Kafka Streams' `process-total` (and,
// over time, `process-rate`) of the stream-processor-node-metrics group, tagged by task
// and node. A node holds its own counter object and adds one to it per record it
// processes: a property write, nothing allocated on the processing path. The counters
// outlive the task's executor (the runtime keeps them per task id), so that a task
// closed and opened again by a rebalance keeps counting from where it was.

/** One node's count. Mutated in place by the node that owns it. */
export interface NodeCounter {
  processed: number;
}

export class ProcessorNodeCounters {
  readonly #byNode = new Map<string, NodeCounter>();

  /** The counter of `node`, made on first use (when the executor builds its nodes). */
  counter(node: string): NodeCounter {
    let counter = this.#byNode.get(node);
    if (counter === undefined) {
      counter = { processed: 0 };
      this.#byNode.set(node, counter);
    }
    return counter;
  }

  /** Records processed so far, by node name, in the order the nodes were built (topology order). */
  totals(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [node, counter] of this.#byNode) out[node] = counter.processed;
    return out;
  }
}
