// Which nodes form one sub-topology (Kafka Streams' InternalTopologyBuilder.makeNodeGroups):
// nodes joined by an edge or by a store they share, numbered in the order their first node
// was added; and which processors use each store.
import { StorePlacementError, UnknownStoreError } from "./errors.js";
import type { TopologyError } from "./errors.js";
import type { PendingNode, PendingStore } from "./pending-graph.js";
import { UnionFind } from "./union-find.js";

/** Each store's processors, in the order they were added; unknown and unused stores are problems. */
export function storeUsers(
  nodes: readonly PendingNode[],
  stores: ReadonlyMap<string, PendingStore>,
  problems: TopologyError[],
): Map<string, string[]> {
  const storeUsers = new Map<string, string[]>();
  for (const node of nodes) {
    if (node.kind !== "processor") continue;
    for (const store of node.stores) {
      if (!stores.has(store)) problems.push(new UnknownStoreError(store, node.name));
      else storeUsers.set(store, [...(storeUsers.get(store) ?? []), node.name]);
    }
  }
  for (const store of stores.values()) {
    if (store.userAdded && !storeUsers.has(store.name)) {
      problems.push(
        new StorePlacementError(
          store.name,
          `State store "${store.name}" was added but no processor uses it: pass it in process(..., { stores: ["${store.name}"] })`,
        ),
      );
    }
  }
  return storeUsers;
}

/**
 * Numbers the sub-topologies: nodes joined by an edge or by a shared store are one,
 * numbered in the order their first node was added (as Kafka Streams does).
 */
export function numberSubtopologies(
  nodes: readonly PendingNode[],
  storeUsers: ReadonlyMap<string, string[]>,
  repartitionTopics: ReadonlyMap<string, { readonly sink: string; readonly source: string }>,
  problems: TopologyError[],
): Map<string, number> {
  const groups = new UnionFind();
  for (const node of nodes) for (const parent of node.predecessors) groups.union(node.name, parent);
  const edgeGroups = new UnionFind();
  for (const node of nodes) for (const parent of node.predecessors) edgeGroups.union(node.name, parent);
  for (const users of storeUsers.values()) for (const user of users.slice(1)) groups.union(users[0] ?? user, user);
  for (const [topic, { sink, source }] of repartitionTopics) {
    // Only a store can pull both ends of a repartition topic into one sub-topology by
    // accident; edges that do so (merging a stream with its own repartition) are the
    // user's explicit choice and Kafka Streams accepts them.
    if (groups.find(sink) !== groups.find(source) || edgeGroups.find(sink) === edgeGroups.find(source)) continue;
    const culprits = [...storeUsers].filter(
      ([, users]) => new Set(users.map((user) => edgeGroups.find(user))).size > 1,
    );
    const names = culprits.map(([store]) => `"${store}"`).join(", ");
    problems.push(
      new StorePlacementError(
        culprits[0]?.[0] ?? topic,
        `State store ${names} is used on both sides of repartition topic "${topic}" (${sink} writes it, ${source} reads it): ` +
          "a store lives in one sub-topology, keyed like the records that reach it; use it only after the repartition",
      ),
    );
  }
  const ids = new Map<string, number>();
  const subtopologyOf = new Map<string, number>();
  for (const node of nodes) {
    const root = groups.find(node.name);
    let id = ids.get(root);
    if (id === undefined) {
      id = ids.size;
      ids.set(root, id);
    }
    subtopologyOf.set(node.name, id);
  }
  return subtopologyOf;
}
