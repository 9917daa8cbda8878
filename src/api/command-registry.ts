// The command endpoints: one per topic that a stream.handleCommands() reads, found in
// the Topology data, plus what the application registers for them.
//
// The schema the endpoint validates request bodies with (400 with the zod issues when
// they fail, before anything reaches Kafka) comes from, in order:
// 1. the registration (CommandEndpoint.schema);
// 2. the handler's own schema, handleCommands({ command }), which the Topology data keeps
//    on the handler's node (ProcessorNode.commandHandler): used when every handler the
//    topic feeds receives the body as it was sent (only filters, key changes, peeks,
//    merges, splits and repartitions in between: value-preserving-operations.ts) and
//    they all check it with that one schema. A handler fed a value built from the body
//    (a join, a mapValues) checks something else than the body, so it gives no default;
// 3. the command topic's value serde, when it is Serdes.zod(schema);
// 4. none, or a registration with `schema: false`: the body must be JSON, and the
//    handler itself validates it and answers "invalid" (422).
//
// The key (the aggregate id) comes from `?key=` (key text, read as for queries), or,
// when the registration names a `keyField`, from that field of the body.
import type { ZodType } from "zod";
import type { Serde } from "../serdes/serde.js";
import type { SourceNode, TopologyData, TopologyNode } from "../topology/topology.js";
import { keepsValue } from "../topology/value-preserving-operations.js";
import { ApiConfigError, CommandTopicNotFoundError } from "./errors.js";
import { defaultKeyParser } from "./key-text.js";
import type { KeyTextParser } from "./key-text.js";

/** What an application registers for a command topic. */
export interface CommandEndpoint<C = unknown> {
  /** The command topic (a source topic of the topology). */
  readonly topic: string;
  /**
   * Validates request bodies (400 with the zod issues otherwise) and documents them in
   * /docs. Without it, the default described above; `false` turns validation here off:
   * any JSON goes to the topic, and the handler's own checks answer ("invalid", 422).
   */
  readonly schema?: ZodType<C> | false;
  /** The body field that holds the command key; without it, the key is the `?key=` query parameter. */
  readonly keyField?: string;
  /** Reads `?key=` text into the typed key; by default as for queries (see key-text.ts). */
  readonly keyParser?: KeyTextParser;
  readonly description?: string;
}

export interface ResolvedCommandEndpoint {
  readonly topic: string;
  readonly schema: ZodType | undefined;
  readonly keyField: string | undefined;
  readonly keyParser: KeyTextParser;
  readonly keySerde: Serde<unknown>;
  readonly valueSerde: Serde<unknown>;
  readonly description: string | undefined;
  /** The handleCommands() processors fed by the topic. */
  readonly handlers: readonly string[];
}

export class CommandRegistry {
  readonly #endpoints = new Map<string, ResolvedCommandEndpoint>();
  readonly #feeds: ReadonlyMap<string, readonly HandlerFeed[]>;
  readonly #topology: TopologyData;
  #version = 0;

  constructor(topology: TopologyData, registrations: readonly CommandEndpoint[] = []) {
    this.#topology = topology;
    this.#feeds = commandTopics(topology);
    for (const [topic, feeds] of this.#feeds) {
      const source = sourceOf(topology, topic);
      if (source !== undefined) this.#endpoints.set(topic, resolve(source, topic, feeds, undefined));
    }
    for (const registration of registrations) this.register(registration);
  }

  /** Adds or replaces the endpoint of a topic; throws ApiConfigError when the topology does not read it. */
  register(registration: CommandEndpoint): void {
    const source = sourceOf(this.#topology, registration.topic);
    if (source === undefined) {
      throw new ApiConfigError(
        `Cannot register a command endpoint for "${registration.topic}": no source of the topology reads it ` +
          `(command topics: ${[...this.#endpoints.keys()].join(", ") || "none"}).`,
      );
    }
    const feeds = this.#feeds.get(registration.topic) ?? [];
    this.#endpoints.set(registration.topic, resolve(source, registration.topic, feeds, registration));
    this.#version += 1;
  }

  get(topic: string): ResolvedCommandEndpoint {
    const endpoint = this.#endpoints.get(topic);
    if (endpoint === undefined) throw new CommandTopicNotFoundError(topic, this.topics());
    return endpoint;
  }

  topics(): string[] {
    return [...this.#endpoints.keys()];
  }

  endpoints(): ResolvedCommandEndpoint[] {
    return [...this.#endpoints.values()];
  }

  /** Changes with every registration (the OpenAPI document is rebuilt then). */
  get version(): number {
    return this.#version;
  }
}

function resolve(
  source: SourceNode,
  topic: string,
  feeds: readonly HandlerFeed[],
  registration: CommandEndpoint | undefined,
): ResolvedCommandEndpoint {
  const serdeSchema = (source.valueSerde as { schema?: unknown }).schema;
  return {
    topic,
    schema:
      registration?.schema === false
        ? undefined
        : (registration?.schema ?? handlerSchema(feeds) ?? (isZodType(serdeSchema) ? serdeSchema : undefined)),
    keyField: registration?.keyField,
    keyParser: registration?.keyParser ?? defaultKeyParser(source.keySerde.name),
    keySerde: source.keySerde,
    valueSerde: source.valueSerde,
    description: registration?.description,
    handlers: feeds.map((feed) => feed.handler),
  };
}

/** The one schema every handler fed by the topic checks the body with, as sent; otherwise none. */
function handlerSchema(feeds: readonly HandlerFeed[]): ZodType | undefined {
  const schemas = new Set(feeds.map((feed) => (feed.bodyAsSent ? feed.schema : undefined)));
  return schemas.size === 1 ? [...schemas][0] : undefined;
}

function isZodType(value: unknown): value is ZodType {
  return (
    typeof value === "object" && value !== null && typeof (value as { safeParse?: unknown }).safeParse === "function"
  );
}

/** The user source node reading `topic`. */
function sourceOf(topology: TopologyData, topic: string): SourceNode | undefined {
  for (const node of topology.nodes.values()) {
    if (node.kind === "source" && !node.internal && node.topics.includes(topic)) return node;
  }
  return undefined;
}

/** A handleCommands() processor fed by a command topic. */
interface HandlerFeed {
  readonly handler: string;
  /** handleCommands({ command }), from the Topology data. */
  readonly schema: ZodType | undefined;
  /** Every path from the topic to the handler keeps the value: the handler checks the body as it was sent. */
  readonly bodyAsSent: boolean;
}

/**
 * Command topic -> the handleCommands() processors it feeds: walk up from each handler
 * to the sources feeding it, through repartition topics (a re-keyed command stream is
 * repartitioned before its handler) to the user topics upstream.
 */
function commandTopics(topology: TopologyData): Map<string, HandlerFeed[]> {
  const byTopic = new Map<string, HandlerFeed[]>();
  for (const node of topology.nodes.values()) {
    if (node.kind !== "processor" || node.operation !== "handle-commands") continue;
    const schema = node.commandHandler?.schema;
    for (const [topic, bodyAsSent] of upstreamTopics(topology, node)) {
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), { handler: node.name, schema, bodyAsSent }]);
    }
  }
  return byTopic;
}

/** The user topics upstream of `start`, each with whether every path from it keeps the value. */
function upstreamTopics(topology: TopologyData, start: TopologyNode): Map<string, boolean> {
  const topics = new Map<string, boolean>();
  // A node is visited at most twice: once on value-keeping paths, once on the others.
  const seen = new Set<string>();
  const pending: { node: TopologyNode; kept: boolean }[] = [{ node: start, kept: true }];
  while (pending.length > 0) {
    const step = pending.pop();
    if (step === undefined) continue;
    const { node } = step;
    // What `start` receives is what its parents forward: its own operation does not count.
    const kept = step.kept && (node === start || keepsValue(node));
    const visit = `${kept ? "=" : "~"}${node.name}`;
    if (seen.has(visit)) continue;
    seen.add(visit);
    if (node.kind === "source") {
      if (!node.internal) for (const t of node.topics) topics.set(t, (topics.get(t) ?? true) && kept);
      for (const t of node.internal ? node.topics : []) {
        const sink = topology.repartitionTopics.find((r) => r.name === t)?.sinkNode;
        const sinkNode = sink === undefined ? undefined : topology.nodes.get(sink);
        if (sinkNode !== undefined) pending.push({ node: sinkNode, kept });
      }
    }
    for (const parent of node.predecessors) {
      const parentNode = topology.nodes.get(parent);
      if (parentNode !== undefined) pending.push({ node: parentNode, kept });
    }
  }
  return topics;
}
