// One task's instance of its sub-topology: a runtime node per node (a processor made by
// its supplier, with its context), each node's children, the sources by the physical
// topic they read (and those subscribed by pattern), and the sources' own timestamp
// extractors. The executor runs records through it.
import type { Topology } from "../topology/topology.js";
import { physicalTopicName } from "../topology/topology.js";
import type { TimestampExtractorFunction } from "../topology/timestamp-extractor.js";
import type { ProcessorNodeCounters } from "./node-counters.js";
import { NodeProcessorContext } from "./processor-context.js";
import type { TaskServices } from "./processor-context.js";
import { ProcessorNodeRuntime, SinkNodeRuntime, SourceNodeRuntime } from "./processor-node.js";
import type { RuntimeNode } from "./processor-node.js";
import { ProcessorError } from "./processing-errors.js";
import type { RecordCollector } from "./record-collector.js";
import { isDefaultExtractor, timestampExtractorFunction } from "./timestamp-extraction.js";

export interface TaskGraphOptions {
  readonly topology: Topology;
  readonly applicationId: string;
  readonly subtopology: number;
  readonly taskId: string;
  readonly collector: RecordCollector;
  readonly services: TaskServices;
  /** Global stores every processor may read without being connected to them. */
  readonly globalStoreNames: readonly string[];
  /** For sources without a timestampExtractor of their own. */
  readonly defaultExtractor: TimestampExtractorFunction;
  /** Each node's record count (Kafka Streams' process-total). */
  readonly counters: ProcessorNodeCounters;
}

export interface TaskGraph {
  readonly nodes: Map<string, RuntimeNode>;
  readonly children: Map<string, RuntimeNode[]>;
  readonly sourcesByTopic: Map<string, SourceNodeRuntime>;
  /** Sources subscribed by pattern: a topic they match is added to sourcesByTopic when first seen. */
  readonly patternSources: SourceNodeRuntime[];
  /** Extractors of the sources that do not use the default one. */
  readonly extractors: Map<SourceNodeRuntime, TimestampExtractorFunction>;
  /** Each processor's context, for its init(). */
  readonly contexts: Map<string, NodeProcessorContext>;
}

/** Instantiates the sub-topology's nodes, in topology order, and wires their children. */
export function buildTaskGraph(options: TaskGraphOptions): TaskGraph {
  const { topology, applicationId, taskId, services, globalStoreNames, counters } = options;
  const graph: TaskGraph = {
    nodes: new Map(),
    children: new Map(),
    sourcesByTopic: new Map(),
    patternSources: [],
    extractors: new Map(),
    contexts: new Map(),
  };
  for (const name of topology.subtopology(options.subtopology).nodes) {
    const definition = topology.node(name);
    switch (definition.kind) {
      case "source": {
        const node = new SourceNodeRuntime(definition, counters.counter(name));
        graph.nodes.set(name, node);
        const extractor =
          definition.timestampExtractor === undefined
            ? options.defaultExtractor
            : timestampExtractorFunction(definition.timestampExtractor);
        for (const topic of definition.topics) {
          graph.sourcesByTopic.set(physicalTopicName(applicationId, topic, definition.internal), node);
        }
        // The default needs no call per record: a negative timestamp is checked inline.
        if (!isDefaultExtractor(extractor)) graph.extractors.set(node, extractor);
        if (definition.pattern !== undefined) graph.patternSources.push(node);
        break;
      }
      case "processor": {
        let processor;
        try {
          processor = definition.supplier();
        } catch (error) {
          throw new ProcessorError(name, taskId, undefined, error);
        }
        graph.nodes.set(name, new ProcessorNodeRuntime(definition, processor, counters.counter(name)));
        graph.contexts.set(
          name,
          new NodeProcessorContext(
            services,
            name,
            globalStoreNames.length === 0 ? definition.stores : [...definition.stores, ...globalStoreNames],
          ),
        );
        break;
      }
      case "sink":
        graph.nodes.set(
          name,
          new SinkNodeRuntime(definition, applicationId, options.collector, counters.counter(name)),
        );
        break;
    }
  }
  for (const [name, node] of graph.nodes) {
    graph.children.set(
      name,
      node.definition.successors.map((child) => {
        const runtime = graph.nodes.get(child);
        if (runtime === undefined)
          throw new RangeError(`Node ${name} of sub-topology ${options.subtopology} has a child ${child} outside it`);
        return runtime;
      }),
    );
  }
  return graph;
}

/** Runs each processor's init() with its context, in topology order. */
export async function initProcessors(graph: TaskGraph, taskId: string): Promise<void> {
  for (const node of graph.nodes.values()) {
    if (node.kind !== "processor" || node.processor.init === undefined) continue;
    const context = graph.contexts.get(node.name);
    try {
      await node.processor.init(context as NodeProcessorContext);
    } catch (error) {
      throw new ProcessorError(node.name, taskId, undefined, error);
    }
  }
}
