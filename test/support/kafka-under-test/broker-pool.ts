// Apache Kafka brokers shared by the test files of one run (kept by the vitest global setup):
// a file leases a broker for itself alone, and on release the broker is cleaned (cleanup.ts)
// and kept for the next file, so that a run starts a JVM per concurrent file rather than per
// file. A broker that cannot be cleaned, or whose file stopped it, is stopped and replaced.
import { startApacheKafka } from "../apache-kafka/kafka-cluster.js";
import type { ApacheKafka } from "../apache-kafka/kafka-cluster.js";
import type { KafkaLine } from "../apache-kafka/versions.js";
import { deleteEverything } from "./cleanup.js";
import { warmUp } from "./warm-up.js";

export interface Lease {
  readonly id: string;
  readonly bootstrap: string;
  readonly version: string;
  readonly logFiles: readonly string[];
}

export class ApacheKafkaPool {
  readonly #idle: ApacheKafka[] = [];
  readonly #leased = new Map<string, ApacheKafka>();
  readonly #all = new Set<ApacheKafka>();
  #next = 0;
  #closed = false;

  constructor(
    readonly line: KafkaLine,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  /** Starts `count` brokers ahead of the first leases. */
  async prestart(count: number): Promise<void> {
    const started = await Promise.all(Array.from({ length: count }, () => this.#start()));
    this.#idle.push(...started);
  }

  async lease(): Promise<Lease> {
    if (this.#closed) throw new Error("the Apache Kafka pool is closed");
    const kafka = this.#idle.shift() ?? (await this.#start());
    const id = `lease-${(this.#next += 1)}`;
    this.#leased.set(id, kafka);
    return { id, bootstrap: kafka.bootstrap, version: kafka.release.version, logFiles: kafka.logFiles };
  }

  /** Cleans the broker and keeps it for the next lease; a broker that cannot be cleaned is stopped. */
  async release(id: string): Promise<void> {
    const kafka = this.#leased.get(id);
    if (kafka === undefined) return;
    this.#leased.delete(id);
    try {
      if (kafka.nodes.some((node) => node.state !== "running")) throw new Error("a node is not running");
      await deleteEverything(kafka.bootstrap);
      if (this.#closed) throw new Error("the pool is closed");
      this.#idle.push(kafka);
    } catch (error) {
      this.log(`not reusing the broker at ${kafka.bootstrap} (${kafka.logFiles.join(", ")}): ${String(error)}`);
      this.#all.delete(kafka);
      await kafka.stop({ kill: true });
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const all = [...this.#all];
    this.#all.clear();
    this.#idle.length = 0;
    this.#leased.clear();
    await Promise.all(all.map((kafka) => kafka.stop({ kill: true })));
  }

  async #start(): Promise<ApacheKafka> {
    const kafka = await startApacheKafka({ line: this.line });
    this.#all.add(kafka);
    try {
      await warmUp(kafka.bootstrap);
    } catch (error) {
      this.#all.delete(kafka);
      await kafka.stop({ kill: true });
      throw new Error(`warming up Apache Kafka failed (see ${kafka.logFiles.join(", ")}): ${String(error)}`, {
        cause: error,
      });
    }
    if (this.#closed) {
      this.#all.delete(kafka);
      await kafka.stop({ kill: true });
      throw new Error("the Apache Kafka pool is closed");
    }
    return kafka;
  }
}
