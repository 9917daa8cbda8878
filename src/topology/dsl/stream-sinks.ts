// Where a stream ends: to() a topic (or the topic a function picks per record), with the
// stream's serdes unless given others, and print() (Kafka Streams' Printed).
import type { Named, ProducedOptions } from "./dsl-options.js";
import { anySerde } from "./dsl-state.js";
import type { StreamState } from "./dsl-state.js";
import { NodePrefix } from "../node-names.js";
import type { ProcessorSupplier, StreamPartitioner, TopicNameExtractor } from "../processor.js";
import { describeTopicExtractor } from "../topic-extractor-description.js";
import { printSupplier, printable } from "./processors/print-processor.js";
import type { PrintTarget } from "./processors/print-processor.js";

type AnySupplier = ProcessorSupplier<unknown, unknown, unknown, unknown>;

/** KStream.print(): Kafka Streams' Printed. */
export interface PrintOptions<K, V> extends Named {
  /** Printed in brackets before each record; the name of the node printed by default. */
  label?: string;
  /** What to print of a record: "<key>, <value>" by default. */
  mapper?: (key: K, value: V) => string;
  /** "stdout" (the default), "stderr", { file } (appended to), or a function given each line. */
  to?: PrintTarget;
}

/** Adds the sink of KStream.to(). */
export function addTopicSink<K, V>(
  state: StreamState<K, V>,
  topic: string | TopicNameExtractor<K, V>,
  options: ProducedOptions<K, V> | undefined,
): void {
  const name = state.builder.nameOr(NodePrefix.SINK, options?.name);
  const extractor = typeof topic === "function" ? topic : undefined;
  state.builder.addSink({
    name,
    parents: [state.name],
    ...(extractor === undefined
      ? { topic: topic as string }
      : {
          topicExtractor: extractor as TopicNameExtractor<unknown, unknown>,
          extractorDescription: describeTopicExtractor(extractor),
        }),
    keySerde: anySerde(options?.key ?? state.keySerde),
    valueSerde: anySerde(options?.value ?? state.valueSerde),
    partitioner: options?.partitioner as StreamPartitioner<unknown, unknown> | undefined,
    serdeHint: "pass { {part}: <serde> } to to()",
  });
}

/** Adds the printing node of KStream.print(). */
export function addPrint<K, V>(state: StreamState<K, V>, options: PrintOptions<K, V> | undefined): void {
  const name = state.builder.nameOr(NodePrefix.PRINTING, options?.name);
  const mapper = options?.mapper ?? ((key: K, value: V) => `${printable(key)}, ${printable(value)}`);
  state.builder.addProcessor({
    name,
    operation: "print",
    supplier: printSupplier(options?.label ?? state.name, mapper, options?.to ?? "stdout") as AnySupplier,
    parents: [state.name],
  });
}
