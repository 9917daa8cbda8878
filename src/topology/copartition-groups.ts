// The co-partitioning requirements of joins, each group's source topics and repartition
// topics (checked against the cluster at start); repartition topics a join reads that were
// declared with different partition counts are a problem already here.
import { CopartitionError } from "./errors.js";
import type { TopologyError } from "./errors.js";
import type { PendingNode } from "./pending-graph.js";
import type { CopartitionGroup } from "./topology-data.js";

/** A join's requirement: the source nodes whose topics must be co-partitioned. */
export interface CopartitionRequest {
  readonly requiredBy: string;
  readonly sourceNodes: ReadonlySet<string>;
}

/** One group per distinct set of two or more sources, in the order they were required. */
export function copartitionGroups(
  requested: readonly CopartitionRequest[],
  nodes: ReadonlyMap<string, PendingNode>,
  declaredTopics: ReadonlyMap<string, { readonly partitions: number | undefined }>,
  problems: TopologyError[],
): readonly CopartitionGroup[] {
  const groups: CopartitionGroup[] = [];
  const seen = new Set<string>();
  for (const group of requested) {
    const sources = [...group.sourceNodes].filter((name) => nodes.get(name)?.kind === "source");
    const key = [...sources].sort().join("\u0000");
    if (sources.length < 2 || seen.has(key)) continue;
    seen.add(key);
    const topics: string[] = [];
    const repartitionTopics: string[] = [];
    for (const name of sources) {
      const node = nodes.get(name);
      if (node?.kind !== "source") continue;
      (node.internal ? repartitionTopics : topics).push(...node.topics);
    }
    const declared = repartitionTopics
      .map((topic) => ({ topic, partitions: declaredTopics.get(topic)?.partitions }))
      .filter((entry): entry is { topic: string; partitions: number } => entry.partitions !== undefined);
    if (new Set(declared.map((entry) => entry.partitions)).size > 1) {
      problems.push(
        new CopartitionError(
          `${group.requiredBy} joins repartition topics declared with different partition counts ` +
            `(${declared.map((entry) => `${entry.topic}: ${entry.partitions}`).join(", ")}); joined topics must be co-partitioned: give them the same count`,
        ),
      );
    }
    groups.push(
      Object.freeze({
        requiredBy: group.requiredBy,
        sourceNodes: Object.freeze(sources),
        topics: Object.freeze(topics),
        repartitionTopics: Object.freeze(repartitionTopics),
      }),
    );
  }
  return Object.freeze(groups);
}
