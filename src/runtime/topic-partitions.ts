// Partition counts of the topics the application writes, for partitioning output
// records, and their write rules (record-checks.ts), for checking them. Fixed sinks,
// repartition topics, changelogs and the dead-letter topic are known at start; topics
// chosen per record (a reply-to header, a topic extractor) are looked up the first time
// and cached.
import type { KafkaAdmin } from "../kafka/admin-client.js";
import { EddyError } from "../errors/eddy-error.js";
import { WRITE_RULE_CONFIGS, writeRulesOf } from "./record-checks.js";
import type { TopicWriteRules } from "./record-checks.js";

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
  readonly #rules = new Map<string, TopicWriteRules>();
  readonly #ruleLookups = new Map<string, Promise<TopicWriteRules>>();

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
    const counts = await this.admin.partitionCounts(missing);
    for (const [topic, count] of counts) this.#counts.set(topic, count);
    await this.#loadRules([...counts.keys()]);
  }

  /** What the topic's broker refuses, once known (see resolveRules()). */
  rules(topic: string): TopicWriteRules | undefined {
    return this.#rules.get(topic);
  }

  /** The write rules, asking the cluster once for a topic not seen before. */
  resolveRules(topic: string): Promise<TopicWriteRules> {
    const known = this.#rules.get(topic);
    if (known !== undefined) return Promise.resolve(known);
    let lookup = this.#ruleLookups.get(topic);
    if (!lookup) {
      lookup = this.#loadRules([topic]).then(() => this.#rules.get(topic) as TopicWriteRules);
      lookup.catch(() => this.#ruleLookups.delete(topic));
      this.#ruleLookups.set(topic, lookup);
    }
    return lookup;
  }

  async #loadRules(topics: readonly string[]): Promise<void> {
    if (topics.length === 0) return;
    const configs = await this.admin.topicConfigs(topics, WRITE_RULE_CONFIGS);
    for (const topic of topics) this.#rules.set(topic, writeRulesOf(configs.get(topic) ?? new Map()));
  }

  /** The partition count, asking the cluster once for a topic not seen before. */
  async resolve(topic: string): Promise<number> {
    const known = this.#counts.get(topic);
    if (known !== undefined) return known;
    let lookup = this.#lookups.get(topic);
    if (!lookup) {
      lookup = this.admin.partitionCounts([topic]).then(async (counts) => {
        const count = counts.get(topic);
        if (count === undefined) throw new UnknownOutputTopicError(topic);
        await this.resolveRules(topic);
        this.#counts.set(topic, count);
        return count;
      });
      lookup.catch(() => this.#lookups.delete(topic));
      this.#lookups.set(topic, lookup);
    }
    return lookup;
  }
}
