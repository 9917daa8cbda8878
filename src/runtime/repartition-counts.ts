// The partition counts of a topology's repartition topics, resolved against the partition
// counts of its user topics as Kafka Streams' RepartitionTopics sizes them.
import type { TopologyData } from "../topology/topology.js";
import { CopartitioningError } from "./errors.js";

export function describeCounts(counts: ReadonlyMap<string, number>): string {
  return [...counts].map(([topic, n]) => `${topic} has ${n}`).join(", ");
}

/**
 * Partition counts of the repartition topics (logical names), as Kafka Streams sizes
 * them: an explicit count wins; a topic in a co-partition group takes the count of the
 * group's user topics; otherwise it takes the largest count among the sources of the
 * sub-topology that writes it (which may itself read repartition topics, hence the
 * fixed point).
 */
export function resolveRepartitionCounts(
  topology: TopologyData,
  userCounts: ReadonlyMap<string, number>,
): Map<string, number> {
  const counts = new Map<string, number>();
  const fixed = new Set<string>();
  for (const topic of topology.repartitionTopics) {
    if (topic.partitions !== undefined) {
      counts.set(topic.name, topic.partitions);
      fixed.add(topic.name);
    }
  }
  for (const group of topology.copartitionGroups) {
    const userTopics = group.topics.filter((t) => !group.repartitionTopics.includes(t));
    const groupCounts = new Map(userTopics.map((t) => [t, userCounts.get(t) ?? 0] as const));
    const distinct = new Set(groupCounts.values());
    if (distinct.size > 1) {
      throw new CopartitioningError(
        `${group.requiredBy} joins topics that are not co-partitioned: ${describeCounts(groupCounts)}. ` +
          `Both sides of a join must have the same number of partitions; repartition one side.`,
        groupCounts,
      );
    }
    const count = [...distinct][0];
    if (count === undefined) continue;
    for (const topic of group.repartitionTopics) {
      if (!fixed.has(topic)) {
        counts.set(topic, count);
        fixed.add(topic);
      }
    }
  }
  const writerOf = new Map<string, number>();
  for (const topic of topology.repartitionTopics) {
    const sink = topology.nodes.get(topic.sinkNode);
    if (sink) writerOf.set(topic.name, sink.subtopology);
  }
  const sourceCount = (subtopology: number): number | undefined => {
    let max: number | undefined;
    for (const node of topology.nodes.values()) {
      if (node.kind !== "source" || node.subtopology !== subtopology) continue;
      for (const topic of node.topics) {
        const n = node.internal ? counts.get(topic) : userCounts.get(topic);
        if (n === undefined) return undefined;
        max = max === undefined ? n : Math.max(max, n);
      }
    }
    return max;
  };
  for (let round = 0; round <= topology.repartitionTopics.length; round += 1) {
    let changed = false;
    for (const topic of topology.repartitionTopics) {
      if (counts.has(topic.name)) continue;
      const writer = writerOf.get(topic.name);
      const n = writer === undefined ? undefined : sourceCount(writer);
      if (n !== undefined) {
        counts.set(topic.name, n);
        changed = true;
      }
    }
    // A co-partition group made only of repartition topics: all take the largest.
    for (const group of topology.copartitionGroups) {
      if (group.topics.some((t) => !group.repartitionTopics.includes(t))) continue;
      const known = group.repartitionTopics.map((t) => counts.get(t)).filter((n): n is number => n !== undefined);
      if (known.length < group.repartitionTopics.length) continue;
      const max = Math.max(...known);
      for (const t of group.repartitionTopics) {
        if (!fixed.has(t) && counts.get(t) !== max) {
          counts.set(t, max);
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  const unresolved = topology.repartitionTopics.filter((t) => !counts.has(t.name)).map((t) => t.name);
  if (unresolved.length > 0) {
    throw new CopartitioningError(
      `Cannot size repartition topic(s) ${unresolved.join(", ")}: their upstream has no source with a known partition count. ` +
        `Give them a count with repartition({ partitions }).`,
      new Map(),
    );
  }
  return counts;
}
