// The nodes of one task's instance of a sub-topology: a source deserializes, a
// processor runs its (per-task) Processor instance, a sink serializes and hands the
// record to the RecordCollector. Built from the Topology data only. Each node holds its
// counter of records processed (node-counters.ts); the executor adds one per record.
import { DeserializationError, SerializationError } from "../serdes/errors.js";
import type { Processor } from "../topology/processor.js";
import type { RecordContext, RecordMetadata, StreamRecord } from "../topology/record.js";
import type { Serde, SerdeContext } from "../serdes/serde.js";
import { RecordHeaders } from "../topology/headers.js";
import type { Header } from "../topology/headers.js";
import { isWindowedSerde } from "../serdes/windowed.js";
import type { Windowed } from "../serdes/windowed.js";
import type { ProcessorNode, SinkNode, SourceNode } from "../topology/topology.js";
import { physicalTopicName } from "../topology/topology.js";
import type { ConsumedRecord } from "./consumed-record.js";
import type { NodeCounter } from "./node-counters.js";
import { ProcessorError } from "./processing-errors.js";
import type { RecordCollector } from "./record-collector.js";

interface PartContexts {
  readonly key: SerdeContext;
  readonly value: SerdeContext;
}

export class SourceNodeRuntime {
  readonly kind = "source";
  readonly definition: SourceNode;
  /** Records this source forwarded into the sub-topology (read, deserialized, timestamped). */
  readonly counter: NodeCounter;
  /** Serde contexts per topic, made once: a record's deserialization allocates nothing of its own. */
  readonly #contexts = new Map<string, PartContexts>();

  constructor(definition: SourceNode, counter: NodeCounter) {
    this.definition = definition;
    this.counter = counter;
  }

  get name(): string {
    return this.definition.name;
  }

  /**
   * The typed record, or a DeserializationError naming the topic and the part that
   * failed. Any error a deserializer throws counts: bad input must never stop a task.
   */
  deserialize(record: ConsumedRecord): StreamRecord<unknown, unknown> | DeserializationError {
    let contexts = this.#contexts.get(record.topic);
    if (contexts === undefined) {
      contexts = { key: { topic: record.topic, part: "key" }, value: { topic: record.topic, part: "value" } };
      this.#contexts.set(record.topic, contexts);
    }
    const { keySerde, valueSerde } = this.definition;
    let key: unknown = null;
    let value: unknown = null;
    const bytes = record.bytes;
    try {
      if (bytes !== undefined && keySerde.deserializeAt !== undefined) {
        const at = record.keyAt as number;
        const length = record.keyLength as number;
        if (length >= 0) key = keySerde.deserializeAt(bytes, at, at + length, contexts.key);
      } else {
        const keyBytes = record.key;
        if (keyBytes !== null) key = keySerde.deserialize(keyBytes, contexts.key);
      }
    } catch (error) {
      return deserializationFailure(keySerde, contexts.key, error);
    }
    try {
      if (bytes !== undefined && valueSerde.deserializeAt !== undefined) {
        const at = record.valueAt as number;
        const length = record.valueLength as number;
        if (length >= 0) value = valueSerde.deserializeAt(bytes, at, at + length, contexts.value);
      } else {
        const valueBytes = record.value;
        if (valueBytes !== null) value = valueSerde.deserialize(valueBytes, contexts.value);
      }
    } catch (error) {
      return deserializationFailure(valueSerde, contexts.value, error);
    }
    return { key, value, timestamp: record.timestamp, headers: new RecordHeaders(record.headers) };
  }
}

function deserializationFailure(serde: Serde<unknown>, context: SerdeContext, error: unknown): DeserializationError {
  if (error instanceof DeserializationError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new DeserializationError(
    `Serde ${serde.name} cannot deserialize the ${context.part} of topic "${context.topic}": ${reason}`,
    context,
    undefined,
    {
      cause: error,
    },
  );
}

export class ProcessorNodeRuntime {
  readonly kind = "processor";
  readonly definition: ProcessorNode;
  readonly processor: Processor<unknown, unknown, unknown, unknown>;
  /** Records handed to process(), from its parents or from a punctuator's forward(). */
  readonly counter: NodeCounter;

  constructor(
    definition: ProcessorNode,
    processor: Processor<unknown, unknown, unknown, unknown>,
    counter: NodeCounter,
  ) {
    this.definition = definition;
    this.processor = processor;
    this.counter = counter;
  }

  get name(): string {
    return this.definition.name;
  }
}

export class SinkNodeRuntime {
  readonly kind = "sink";
  readonly definition: SinkNode;
  /** Records handed to send(). */
  readonly counter: NodeCounter;
  readonly #applicationId: string;
  readonly #collector: RecordCollector;
  readonly #targets = new Map<string, SinkTarget>();

  constructor(definition: SinkNode, applicationId: string, collector: RecordCollector, counter: NodeCounter) {
    this.definition = definition;
    this.#applicationId = applicationId;
    this.#collector = collector;
    this.counter = counter;
  }

  get name(): string {
    return this.definition.name;
  }

  /**
   * Serializes the record and hands it to the collector. Synchronous unless the
   * collector is not (a topic new to it, a full buffer); failures are ProcessorErrors.
   * The input record's metadata is read from `where` only when needed: most records never need it.
   */
  send(
    record: StreamRecord<unknown, unknown>,
    taskId: string,
    where: { readonly metadata: RecordMetadata | undefined },
  ): void | Promise<void> {
    const sink = this.definition;
    let topic: string;
    try {
      topic = sink.topic ?? (sink.topicExtractor?.(record, recordContextOf(record, where.metadata)) as string);
    } catch (error) {
      throw new ProcessorError(sink.name, taskId, where.metadata, error);
    }
    if (typeof topic !== "string" || topic.length === 0) {
      throw new ProcessorError(
        sink.name,
        taskId,
        where.metadata,
        new TypeError(
          `the topic extractor of sink ${sink.name} returned ${JSON.stringify(topic)} instead of a topic name`,
        ),
      );
    }
    if (!Number.isFinite(record.timestamp) || record.timestamp < 0) {
      throw new ProcessorError(
        sink.name,
        taskId,
        where.metadata,
        new RangeError(
          `a record with timestamp ${record.timestamp} cannot be written: Kafka timestamps are milliseconds since the epoch`,
        ),
      );
    }
    const target = this.#target(topic);
    const physical = target.physical;
    let key: Buffer | null;
    let value: Buffer | null;
    try {
      key = record.key === null || record.key === undefined ? null : sink.keySerde.serialize(record.key, target.key);
      value =
        record.value === null || record.value === undefined
          ? null
          : sink.valueSerde.serialize(record.value, target.value);
    } catch (error) {
      throw new ProcessorError(
        sink.name,
        taskId,
        where.metadata,
        error instanceof SerializationError
          ? error
          : new SerializationError(`Sink ${sink.name} cannot serialize its record`, { topic: physical }, undefined, {
              cause: error,
            }),
      );
    }
    let partition: number | undefined;
    if (sink.partitioner !== undefined) {
      try {
        const count = this.#collector.partitionsFor(physical);
        partition = sink.partitioner(physical, record.key, record.value, count);
        if (partition !== undefined && (!Number.isInteger(partition) || partition < 0 || partition >= count)) {
          throw new RangeError(
            `the partitioner of sink ${sink.name} chose partition ${partition}, but "${physical}" has ${count}`,
          );
        }
      } catch (error) {
        throw new ProcessorError(sink.name, taskId, where.metadata, error);
      }
    }
    const headers = headerList(record.headers);
    // As Kafka Streams' StreamSinkNode: a windowed key goes where its inner key goes.
    if (partition === undefined && key !== null && !sink.internal && isWindowedSerde(sink.keySerde)) {
      const partitionKey = sink.keySerde.serializeBaseKey(record.key as Windowed<unknown>, target.key);
      return this.#collector.send({
        topic: physical,
        partition,
        key,
        partitionKey,
        value,
        headers,
        timestamp: record.timestamp,
      });
    }
    return this.#collector.send({ topic: physical, partition, key, value, headers, timestamp: record.timestamp });
  }

  /** The physical topic and its serde contexts, made once per topic. */
  #target(topic: string): SinkTarget {
    let target = this.#targets.get(topic);
    if (target === undefined) {
      const physical = physicalTopicName(this.#applicationId, topic, this.definition.internal);
      target = { physical, key: { topic: physical, part: "key" }, value: { topic: physical, part: "value" } };
      this.#targets.set(topic, target);
    }
    return target;
  }
}

/** What a topic extractor learns of the record's origin (Kafka Streams' RecordContext). */
function recordContextOf(record: StreamRecord<unknown, unknown>, metadata: RecordMetadata | undefined): RecordContext {
  return {
    topic: metadata?.topic ?? null,
    partition: metadata?.partition ?? -1,
    offset: metadata?.offset ?? -1,
    timestamp: record.timestamp,
    headers: record.headers instanceof RecordHeaders ? record.headers : new RecordHeaders(record.headers),
  };
}

/** Headerless records (most) share one empty, frozen list: the collector only reads it. */
const NO_HEADERS: readonly Header[] = Object.freeze([]);

function headerList(headers: StreamRecord<unknown, unknown>["headers"]): readonly Header[] {
  const copy = headers instanceof RecordHeaders ? headers : new RecordHeaders(headers);
  return copy.size === 0 ? NO_HEADERS : copy.toArray();
}

interface SinkTarget {
  readonly physical: string;
  readonly key: SerdeContext;
  readonly value: SerdeContext;
}

export type RuntimeNode = SourceNodeRuntime | ProcessorNodeRuntime | SinkNodeRuntime;
