// Regular-expression subscriptions on Kafka. A source with a pattern reads every topic
// whose whole name matches, topics created later included, as Kafka Streams' pattern
// subscription does. The runtime lists the cluster's topics, resolves the topology
// against them (each pattern source reads the matching topics as if they had been
// named), and runs that resolved topology; when a later listing matches other topics,
// it runs the newly resolved topology instead (see StreamsRuntime).
import type { SourceNode, TopologyData, TopologyNode } from "../topology/topology.js";
import { Topology, changelogTopicName, deadLetterTopicName } from "../topology/topology.js";
import { matchesWhole } from "../topology/topic-pattern.js";

/** Whether the topology subscribes to anything by pattern. */
export function hasPatternSources(topology: TopologyData): boolean {
  return [...topology.nodes.values()].some((node) => node.kind === "source" && node.pattern !== undefined);
}

/**
 * The user topics each pattern source reads, by source name, sorted. Internal topics
 * (this application's changelogs, repartition topics and dead-letter topic) and Kafka's
 * own (`__consumer_offsets`...) are never matched.
 */
export function matchPatternTopics(
  topology: TopologyData,
  applicationId: string,
  topics: readonly string[],
): Map<string, string[]> {
  const internal = new Set<string>([deadLetterTopicName(applicationId)]);
  for (const store of topology.stores.keys()) internal.add(changelogTopicName(applicationId, store));
  for (const topic of topology.repartitionTopics) internal.add(`${applicationId}-${topic.name}`);
  const named = new Set<string>();
  for (const node of topology.nodes.values()) if (node.kind === "source") for (const t of node.topics) named.add(t);
  const candidates = topics.filter((topic) => !topic.startsWith("__") && !internal.has(topic) && !named.has(topic));
  const matches = new Map<string, string[]>();
  for (const node of topology.nodes.values()) {
    if (node.kind !== "source" || node.pattern === undefined) continue;
    const pattern = node.pattern;
    matches.set(node.name, candidates.filter((topic) => matchesWhole(pattern, topic)).sort());
  }
  return matches;
}

/** Two resolutions read the same topics. */
export function sameMatches(a: ReadonlyMap<string, string[]>, b: ReadonlyMap<string, string[]>): boolean {
  if (a.size !== b.size) return false;
  for (const [node, topics] of a) {
    const other = b.get(node);
    if (other === undefined || other.join("\u0000") !== topics.join("\u0000")) return false;
  }
  return true;
}

/** The topology with each pattern source reading its matched topics (the pattern kept, for the partition rules). */
export function resolvePatterns(topology: Topology, matches: ReadonlyMap<string, string[]>): Topology {
  if (matches.size === 0) return topology;
  const nodes = new Map<string, TopologyNode>();
  for (const [name, node] of topology.nodes) {
    const matched = matches.get(name);
    nodes.set(
      name,
      node.kind !== "source" || matched === undefined ? node : Object.freeze<SourceNode>({ ...node, topics: matched }),
    );
  }
  const subtopologies = topology.subtopologies.map((subtopology) => {
    const added = subtopology.nodes.flatMap((name) => matches.get(name) ?? []);
    return added.length === 0
      ? subtopology
      : Object.freeze({ ...subtopology, sourceTopics: Object.freeze([...subtopology.sourceTopics, ...added]) });
  });
  return new Topology({
    nodes,
    subtopologies: Object.freeze(subtopologies),
    stores: topology.stores,
    repartitionTopics: topology.repartitionTopics,
    copartitionGroups: topology.copartitionGroups,
    globalStores: topology.globalStores,
    ...(topology.defaultSerdes === undefined ? {} : { defaultSerdes: topology.defaultSerdes }),
  });
}
