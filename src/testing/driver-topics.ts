// The TopologyTestDriver's in-memory topics: one partition each, offsets counted per
// topic, what the topology wrote kept per topic for the output topics to take, and which
// sub-topology reads a topic (by name, or by a source pattern that matches it).
import type { ConsumedRecord } from "../engine/consumed-record.js";
import type { ProducedRecord } from "../engine/record-collector.js";
import type { Topology } from "../topology/topology.js";
import { matchesWhole } from "../topology/topic-pattern.js";

/** A record the topology wrote; a null timestamp is none (a changelog record Kafka Streams sends without one). */
export type DriverRecord = Omit<ProducedRecord, "timestamp"> & { readonly timestamp: number | null };

export class DriverTopics {
  readonly #topology: Topology;
  readonly #taskByTopic = new Map<string, number>();
  readonly #offsets = new Map<string, number>();
  readonly #outputs = new Map<string, DriverRecord[]>();

  constructor(topology: Topology, applicationId: string) {
    this.#topology = topology;
    for (const subtopology of [
      ...topology.globalStores.map((global) => global.subtopology),
      ...topology.subtopologies,
    ]) {
      for (const topic of topology.sourceTopicsOf(subtopology.id, applicationId))
        this.#taskByTopic.set(topic, subtopology.id);
    }
  }

  /** The topics known to be read so far (for errors naming a topic nothing reads). */
  readTopics(): string[] {
    return [...this.#taskByTopic.keys()];
  }

  /**
   * A topic a source names that, read as a regular expression, matches `topic` (which no
   * source reads): Kafka Streams' driver refuses to pipe into it (validateSourceTopicNameRegexPattern).
   */
  sourceTopicMatching(topic: string): string | undefined {
    for (const name of this.#taskByTopic.keys()) {
      if (name === topic) continue;
      try {
        if (new RegExp(`^(?:${name})$`).test(topic)) return name;
      } catch {
        // Not a regular expression: then it cannot be taken for one.
      }
    }
    return undefined;
  }

  /** The sub-topology reading a topic: by name, or by a source pattern that matches it. */
  subtopologyOf(topic: string): number | undefined {
    const known = this.#taskByTopic.get(topic);
    if (known !== undefined) return known;
    const source = this.#topology
      .sourceNodes()
      .find((node) => node.pattern !== undefined && matchesWhole(node.pattern, topic));
    if (source !== undefined) this.#taskByTopic.set(topic, source.subtopology);
    return source?.subtopology;
  }

  /** A record as its reader consumes it, at the topic's next offset. */
  consumed(
    topic: string,
    key: Buffer | null,
    value: Buffer | null,
    timestamp: number,
    headers: ConsumedRecord["headers"],
  ): ConsumedRecord {
    const offset = this.#offsets.get(topic) ?? 0;
    this.#offsets.set(topic, offset + 1);
    return { topic, partition: 0, offset, timestamp, key, value, headers };
  }

  /** Keeps a record the topology wrote, for an output topic to take. */
  written(record: DriverRecord): void {
    let queue = this.#outputs.get(record.topic);
    if (queue === undefined) {
      queue = [];
      this.#outputs.set(record.topic, queue);
    }
    queue.push(record);
  }

  take(topic: string): DriverRecord | undefined {
    return this.#outputs.get(topic)?.shift();
  }

  queueSize(topic: string): number {
    return this.#outputs.get(topic)?.length ?? 0;
  }

  /** The topics written so far. */
  writtenTopics(): Set<string> {
    return new Set(this.#outputs.keys());
  }
}
