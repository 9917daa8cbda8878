// Partition counts of the topics the application writes, for partitioning output
// records. Fixed sinks, repartition topics, changelogs and the dead-letter topic are
// known at start; topics chosen per record (a reply-to header, a topic extractor) are
// looked up the first time and cached.
import type { KafkaAdmin } from "../kafka/admin-client.js";
import { EddyError } from "../errors/eddy-error.js";

export class UnknownOutputTopicError extends EddyError {
  readonly topic: string;

  constructor(topic: string) {
    super(
      "EDDY_ERR_UNKNOWN_OUTPUT_TOPIC",
      `Topic "${topic}" does not exist; create it before the application writes to it.`,
    );
    this.topic = topic;
  }
}

export class TopicPartitions {
  readonly #counts = new Map<string, number>();
  readonly #lookups = new Map<string, Promise<number>>();

  constructor(private readonly admin: KafkaAdmin) {}

  set(topic: string, partitions: number): void {
    this.#counts.set(topic, partitions);
  }

  get(topic: string): number | undefined {
    return this.#counts.get(topic);
  }

  async preload(topics: Iterable<string>): Promise<void> {
    const missing = [...new Set(topics)].filter((t) => !this.#counts.has(t));
    if (missing.length === 0) return;
    for (const [topic, count] of await this.admin.partitionCounts(missing)) this.#counts.set(topic, count);
  }

  /** The partition count, asking the cluster once for a topic not seen before. */
  async resolve(topic: string): Promise<number> {
    const known = this.#counts.get(topic);
    if (known !== undefined) return known;
    let lookup = this.#lookups.get(topic);
    if (!lookup) {
      lookup = this.admin.partitionCounts([topic]).then((counts) => {
        const count = counts.get(topic);
        if (count === undefined) throw new UnknownOutputTopicError(topic);
        this.#counts.set(topic, count);
        return count;
      });
      lookup.catch(() => this.#lookups.delete(topic));
      this.#lookups.set(topic, lookup);
    }
    return lookup;
  }
}
