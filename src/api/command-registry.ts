// The command endpoints: one per topic that a stream.handleCommands() reads, found in
// the Topology data, plus what the application registers for them.
//
// The Topology data records a command handler as a processor (operation
// "handle-commands") but not the zod schema given to handleCommands(): that lives in
// the processor's closure. So the schema the endpoint validates request bodies with
// comes from, in order: the registration (CommandEndpoint.schema), else the command
// topic's value serde when it is Serdes.zod(schema), else none (the body must be JSON;
// the handler itself validates it and answers "invalid", 422).
//
// The key (the aggregate id) comes from `?key=` (key text, read as for queries), or,
// when the registration names a `keyField`, from that field of the body.
import type { ZodType } from "zod";
import type { Serde } from "../topology/serde.js";
import type { SourceNode, TopologyData, TopologyNode } from "../topology/topology.js";
import { ApiConfigError, CommandTopicNotFoundError } from "./errors.js";
import { defaultKeyParser } from "./key-text.js";
import type { KeyTextParser } from "./key-text.js";

/** What an application registers for a command topic. */
export interface CommandEndpoint<C = unknown> {
  /** The command topic (a source topic of the topology). */
  readonly topic: string;
  /** Validates request bodies (400 with the zod issues otherwise) and documents them in /docs. */
  readonly schema?: ZodType<C>;
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
  readonly #topology: TopologyData;
  #version = 0;

  constructor(topology: TopologyData, registrations: readonly CommandEndpoint[] = []) {
    this.#topology = topology;
    for (const [topic, handlers] of commandTopics(topology)) {
      const source = sourceOf(topology, topic);
      if (source !== undefined) this.#endpoints.set(topic, resolve(source, topic, handlers, undefined));
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
    const handlers = this.#endpoints.get(registration.topic)?.handlers ?? [];
    this.#endpoints.set(registration.topic, resolve(source, registration.topic, handlers, registration));
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
  handlers: readonly string[],
  registration: CommandEndpoint | undefined,
): ResolvedCommandEndpoint {
  const serdeSchema = (source.valueSerde as { schema?: unknown }).schema;
  return {
    topic,
    schema: registration?.schema ?? (isZodType(serdeSchema) ? serdeSchema : undefined),
    keyField: registration?.keyField,
    keyParser: registration?.keyParser ?? defaultKeyParser(source.keySerde.name),
    keySerde: source.keySerde,
    valueSerde: source.valueSerde,
    description: registration?.description,
    handlers,
  };
}

function isZodType(value: unknown): value is ZodType {
  return typeof value === "object" && value !== null && typeof (value as { safeParse?: unknown }).safeParse === "function";
}

/** The user source node reading `topic`. */
function sourceOf(topology: TopologyData, topic: string): SourceNode | undefined {
  for (const node of topology.nodes.values()) {
    if (node.kind === "source" && !node.internal && node.topics.includes(topic)) return node;
  }
  return undefined;
}

/**
 * Command topic -> its handleCommands() processors: walk up from each handler to the
 * sources feeding it, through repartition topics (a re-keyed command stream is
 * repartitioned before its handler) to the user topics upstream.
 */
function commandTopics(topology: TopologyData): Map<string, string[]> {
  const byTopic = new Map<string, string[]>();
  for (const node of topology.nodes.values()) {
    if (node.kind !== "processor" || node.operation !== "handle-commands") continue;
    for (const topic of upstreamTopics(topology, node)) byTopic.set(topic, [...(byTopic.get(topic) ?? []), node.name]);
  }
  return byTopic;
}

function upstreamTopics(topology: TopologyData, start: TopologyNode): Set<string> {
  const topics = new Set<string>();
  const seen = new Set<string>();
  const pending: TopologyNode[] = [start];
  while (pending.length > 0) {
    const node = pending.pop();
    if (node === undefined || seen.has(node.name)) continue;
    seen.add(node.name);
    if (node.kind === "source") {
      if (!node.internal) for (const t of node.topics) topics.add(t);
      for (const t of node.internal ? node.topics : []) {
        const sink = topology.repartitionTopics.find((r) => r.name === t)?.sinkNode;
        const sinkNode = sink === undefined ? undefined : topology.nodes.get(sink);
        if (sinkNode !== undefined) pending.push(sinkNode);
      }
    }
    for (const parent of node.predecessors) {
      const parentNode = topology.nodes.get(parent);
      if (parentNode !== undefined) pending.push(parentNode);
    }
  }
  return topics;
}
