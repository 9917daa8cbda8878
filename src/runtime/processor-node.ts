// The nodes of one task's instance of a sub-topology: a source deserializes, a
// processor runs its (per-task) Processor instance, a sink serializes and hands the
// record to the RecordCollector. Built from the Topology data only.
import { DeserializationError, SerializationError } from "../topology/errors.js";
import type { Processor } from "../topology/processor.js";
import type { RecordMetadata, StreamRecord } from "../topology/record.js";
import { RecordHeaders } from "../topology/headers.js";
import type { ProcessorNode, SinkNode, SourceNode } from "../topology/topology.js";
import { physicalTopicName } from "../topology/topology.js";
import type { ConsumedRecord } from "./consumed-record.js";
import { ProcessorError } from "./processing-errors.js";
import type { RecordCollector } from "./record-collector.js";

export class SourceNodeRuntime {
  readonly kind = "source";
  readonly definition: SourceNode;

  constructor(definition: SourceNode) {
    this.definition = definition;
  }

  get name(): string {
    return this.definition.name;
  }

  /**
   * The typed record, or a DeserializationError naming the topic and the part that
   * failed. Any error a deserializer throws counts: bad input must never stop a task.
   */
  deserialize(record: ConsumedRecord): StreamRecord<unknown, unknown> | DeserializationError {
    const part = (which: "key" | "value", bytes: Buffer | null): unknown => {
      if (bytes === null) return null;
      const serde = which === "key" ? this.definition.keySerde : this.definition.valueSerde;
      const context = { topic: record.topic, part: which };
      try {
        return serde.deserialize(bytes, context);
      } catch (error) {
        if (error instanceof DeserializationError) throw error;
        const reason = error instanceof Error ? error.message : String(error);
        throw new DeserializationError(`Serde ${serde.name} cannot deserialize the ${which} of topic "${record.topic}": ${reason}`, context, undefined, {
          cause: error,
        });
      }
    };
    try {
      return {
        key: part("key", record.key),
        value: part("value", record.value),
        timestamp: record.timestamp,
        headers: new RecordHeaders(record.headers),
      };
    } catch (error) {
      return error as DeserializationError;
    }
  }
}

export class ProcessorNodeRuntime {
  readonly kind = "processor";
  readonly definition: ProcessorNode;
  readonly processor: Processor<unknown, unknown, unknown, unknown>;

  constructor(definition: ProcessorNode, processor: Processor<unknown, unknown, unknown, unknown>) {
    this.definition = definition;
    this.processor = processor;
  }

  get name(): string {
    return this.definition.name;
  }
}

export class SinkNodeRuntime {
  readonly kind = "sink";
  readonly definition: SinkNode;
  readonly #applicationId: string;
  readonly #collector: RecordCollector;

  constructor(definition: SinkNode, applicationId: string, collector: RecordCollector) {
    this.definition = definition;
    this.#applicationId = applicationId;
    this.#collector = collector;
  }

  get name(): string {
    return this.definition.name;
  }

  async send(record: StreamRecord<unknown, unknown>, taskId: string, metadata: RecordMetadata | undefined): Promise<void> {
    const sink = this.definition;
    const fail = (cause: unknown): ProcessorError => new ProcessorError(sink.name, taskId, metadata, cause);
    let topic: string;
    try {
      topic = sink.topic ?? (sink.topicExtractor?.(record) as string);
    } catch (error) {
      throw fail(error);
    }
    if (typeof topic !== "string" || topic.length === 0) {
      throw fail(new TypeError(`the topic extractor of sink ${sink.name} returned ${JSON.stringify(topic)} instead of a topic name`));
    }
    if (!Number.isFinite(record.timestamp) || record.timestamp < 0) {
      throw fail(new RangeError(`a record with timestamp ${record.timestamp} cannot be written: Kafka timestamps are milliseconds since the epoch`));
    }
    const physical = physicalTopicName(this.#applicationId, topic, sink.internal);
    let key: Buffer | null;
    let value: Buffer | null;
    try {
      key = record.key === null || record.key === undefined ? null : sink.keySerde.serialize(record.key, { topic: physical, part: "key" });
      value =
        record.value === null || record.value === undefined ? null : sink.valueSerde.serialize(record.value, { topic: physical, part: "value" });
    } catch (error) {
      throw fail(error instanceof SerializationError ? error : new SerializationError(`Sink ${sink.name} cannot serialize its record`, { topic: physical }, undefined, { cause: error }));
    }
    let partition: number | undefined;
    if (sink.partitioner !== undefined) {
      try {
        const count = this.#collector.partitionsFor(physical);
        partition = sink.partitioner(physical, record.key, record.value, count);
        if (partition !== undefined && (!Number.isInteger(partition) || partition < 0 || partition >= count)) {
          throw new RangeError(`the partitioner of sink ${sink.name} chose partition ${partition}, but "${physical}" has ${count}`);
        }
      } catch (error) {
        throw fail(error);
      }
    }
    const headers = record.headers instanceof RecordHeaders ? record.headers.toArray() : new RecordHeaders(record.headers).toArray();
    await this.#collector.send({ topic: physical, partition, key, value, headers, timestamp: record.timestamp });
  }
}

export type RuntimeNode = SourceNodeRuntime | ProcessorNodeRuntime | SinkNodeRuntime;
