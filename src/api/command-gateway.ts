// Sends commands and waits for their replies: the Kafka side of POST /commands/:topic.
//
// Each instance has its own reply topic (`<applicationId>-replies-<instance>`, one
// partition, created at start, time-retained) and tails it from its end. A command
// goes out with a fresh `correlation-id` and that topic in `reply-to`; the handler's
// reply carries the correlation id back, which finds the waiting request. Replies that
// nobody waits for any more (the request timed out) are dropped.
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { KafkaAdmin } from "../kafka/admin-client.js";
import { createKafkaClient } from "../kafka/client.js";
import type { KafkaSaslSettings, KafkaTlsSettings } from "../kafka/client-security.js";
import { IdempotentProducer } from "../kafka/idempotent-producer.js";
import { partitionForKey } from "../kafka/partitioner.js";
import { ReplyConsumer } from "../kafka/reply-consumer.js";
import type { ConsumedRecord, KafkaHeaders, TopicPartitionOffset } from "../kafka/types.js";
import { CommandHeaders, parseReplyEnvelope } from "../topology/command-handling.js";
import type { ReplyEnvelope } from "../topology/command-handling.js";
import { CommandTimeoutError, UnavailableError } from "./errors.js";

/** How to reach Kafka: the fields of the streams config the gateway uses. */
export interface KafkaConnection {
  readonly bootstrapServers: readonly string[];
  readonly clientId?: string;
  readonly ssl?: boolean | KafkaTlsSettings;
  readonly sasl?: KafkaSaslSettings;
  /** Eddy's kafkajs fast paths (the config field kafkajsFastPaths); on by default. */
  readonly kafkajsFastPaths?: boolean;
}

export interface CommandGatewayOptions {
  readonly kafka: KafkaConnection;
  readonly applicationId: string;
  /** This instance's reply topic; by default derived from the application id and the instance's host:port. */
  readonly replyTopic: string;
  readonly logger: Logger;
  /** Replies are only needed for minutes: a reply topic keeps an hour by default. */
  readonly replyRetentionMs?: number;
  /** Replication factor of the reply topic; -1 takes the broker's default. */
  readonly replicationFactor?: number;
}

export interface CommandResult {
  readonly envelope: ReplyEnvelope;
  readonly correlationId: string;
  /** The reply was the one remembered for the Idempotency-Key: the command was not applied again. */
  readonly replayed: boolean;
  /** Where the command record landed: a lookup bounded by it reads the command's effects. */
  readonly position: TopicPartitionOffset;
}

interface Waiter {
  resolve(result: Omit<CommandResult, "position">): void;
  reject(error: Error): void;
}

/**
 * `<applicationId>-replies-<instance>`, the instance's host:port with every other
 * character a dash: Kafka warns about names that mix '.' and '_' (their metric names
 * collide), which "127.0.0.1_8080" would.
 */
export function defaultReplyTopic(applicationId: string, instance: string): string {
  return `${applicationId}-replies-${instance.replace(/[^a-zA-Z0-9]/g, "-")}`;
}

export class CommandGateway {
  readonly replyTopic: string;
  readonly #admin: KafkaAdmin;
  readonly #producer: IdempotentProducer;
  readonly #consumer: ReplyConsumer;
  readonly #waiting = new Map<string, Waiter>();
  readonly #partitionCounts = new Map<string, number>();
  readonly #logger: Logger;
  #closed = false;

  private constructor(
    options: CommandGatewayOptions,
    admin: KafkaAdmin,
    producer: IdempotentProducer,
    consumer: ReplyConsumer,
  ) {
    this.replyTopic = options.replyTopic;
    this.#admin = admin;
    this.#producer = producer;
    this.#consumer = consumer;
    this.#logger = options.logger;
  }

  static async start(options: CommandGatewayOptions): Promise<CommandGateway> {
    const logger = options.logger.child({ component: "command-gateway" });
    const kafka = createKafkaClient({
      clientId: `${options.kafka.clientId ?? options.applicationId}-commands`,
      brokers: [...options.kafka.bootstrapServers],
      ssl: options.kafka.ssl,
      sasl: options.kafka.sasl,
      logger,
      ...(options.kafka.kafkajsFastPaths === undefined ? {} : { fastPaths: options.kafka.kafkajsFastPaths }),
    });
    const admin = new KafkaAdmin(kafka, logger);
    await admin.connect();
    const producer = new IdempotentProducer(kafka);
    try {
      const existing = await admin.partitionCounts([options.replyTopic]);
      if (!existing.has(options.replyTopic)) {
        await admin.createTopics([
          {
            name: options.replyTopic,
            partitions: 1,
            replicationFactor: options.replicationFactor ?? -1,
            configs: { "cleanup.policy": "delete", "retention.ms": String(options.replyRetentionMs ?? 3_600_000) },
          },
        ]);
        logger.info({ topic: options.replyTopic }, "created the reply topic");
      }
      await producer.connect();
      // Replies are only for requests sent through the gateway, which exists before any is sent.
      const ready: { gateway?: CommandGateway } = {};
      const consumer = await ReplyConsumer.start(kafka, `${options.replyTopic}-reader`, {
        topic: options.replyTopic,
        partitions: 1,
        logger,
        onRecord: (record) => ready.gateway?.onReply(record),
      });
      ready.gateway = new CommandGateway(options, admin, producer, consumer);
      return ready.gateway;
    } catch (error) {
      await producer.close().catch(() => undefined);
      await admin.close().catch(() => undefined);
      throw error;
    }
  }

  /** Produces the command and resolves with its reply; rejects with CommandTimeoutError after `timeoutMs`. */
  async send(
    topic: string,
    key: Buffer,
    value: Buffer,
    options: { timeoutMs: number; idempotencyKey?: string },
  ): Promise<CommandResult> {
    if (this.#closed) throw new UnavailableError("The command endpoint is shutting down", 1);
    const correlationId = randomUUID();
    const headers: KafkaHeaders = [
      { key: CommandHeaders.correlationId, value: Buffer.from(correlationId) },
      { key: CommandHeaders.replyTo, value: Buffer.from(this.replyTopic) },
      ...(options.idempotencyKey === undefined
        ? []
        : [{ key: CommandHeaders.idempotencyKey, value: Buffer.from(options.idempotencyKey) }]),
    ];
    const partitions = await this.#partitionsOf(topic);
    let timer: NodeJS.Timeout | undefined;
    // Waiting starts before the send: the reply may be read before send() resolves.
    const reply = new Promise<Omit<CommandResult, "position">>((resolve, reject) => {
      this.#waiting.set(correlationId, { resolve, reject });
      timer = setTimeout(() => {
        this.#waiting.delete(correlationId);
        reject(new CommandTimeoutError(topic, correlationId, options.timeoutMs));
      }, options.timeoutMs);
    });
    // The timeout may fire while the send is still in flight: handled when awaited below.
    reply.catch(() => undefined);
    const partition = partitionForKey(key, partitions);
    let offset: number;
    try {
      const [produced] = await this.#producer.send([{ topic, partition, key, value, headers, timestamp: Date.now() }]);
      offset = produced?.baseOffset ?? -1;
    } catch (error) {
      clearTimeout(timer);
      this.#waiting.delete(correlationId);
      throw new UnavailableError(
        `Cannot send the command to "${topic}": ${error instanceof Error ? error.message : String(error)}`,
        1,
        {
          topic,
        },
      );
    }
    try {
      return { ...(await reply), position: { topic, partition, offset } };
    } finally {
      clearTimeout(timer);
    }
  }

  async #partitionsOf(topic: string): Promise<number> {
    const known = this.#partitionCounts.get(topic);
    if (known !== undefined) return known;
    const count = (await this.#admin.partitionCounts([topic])).get(topic);
    if (count === undefined)
      throw new UnavailableError(`The command topic "${topic}" does not exist on the cluster`, 5, { topic });
    this.#partitionCounts.set(topic, count);
    return count;
  }

  private onReply(record: ConsumedRecord): void {
    const correlationId = headerString(record.headers, CommandHeaders.correlationId);
    if (correlationId === undefined) return;
    const waiter = this.#waiting.get(correlationId);
    if (waiter === undefined) return;
    if (record.value === null) return;
    let envelope: ReplyEnvelope;
    try {
      envelope = parseReplyEnvelope(record.value, { topic: record.topic });
    } catch (error) {
      this.#logger.warn(
        { err: error, correlationId, offset: record.offset },
        "ignoring a reply that is not a reply envelope",
      );
      return;
    }
    this.#waiting.delete(correlationId);
    waiter.resolve({
      envelope,
      correlationId,
      replayed: headerString(record.headers, CommandHeaders.idempotentReplay) === "true",
    });
  }

  /** Commands still waiting for replies. */
  get pending(): number {
    return this.#waiting.size;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const waiter of this.#waiting.values())
      waiter.reject(new UnavailableError("The command endpoint is shutting down", 1));
    this.#waiting.clear();
    await this.#consumer
      .close()
      .catch((error: unknown) => this.#logger.warn({ err: error }, "closing the reply consumer failed"));
    await this.#producer
      .close()
      .catch((error: unknown) => this.#logger.warn({ err: error }, "closing the command producer failed"));
    await this.#admin.close().catch(() => undefined);
  }
}

/** The last value of a header as UTF-8 (Kafka's lastHeader()), undefined when absent or null. */
function headerString(headers: KafkaHeaders, key: string): string | undefined {
  for (let i = headers.length - 1; i >= 0; i -= 1) {
    const header = headers[i];
    if (header?.key === key) return header.value === null ? undefined : header.value.toString("utf8");
  }
  return undefined;
}
