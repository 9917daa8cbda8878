// Disjoint sets of node names: the builder groups nodes into sub-topologies by their edges
// and the stores they share, as Kafka Streams' InternalTopologyBuilder#makeNodeGroups does.
export class UnionFind {
  readonly #parent = new Map<string, string>();

  find(name: string): string {
    let root = name;
    for (let next = this.#parent.get(root); next !== undefined && next !== root; next = this.#parent.get(root))
      root = next;
    // Path compression keeps later finds flat.
    let cursor = name;
    while (cursor !== root) {
      const next = this.#parent.get(cursor) ?? root;
      this.#parent.set(cursor, root);
      cursor = next;
    }
    return root;
  }

  union(a: string, b: string): void {
    const rootA = this.find(a);
    const rootB = this.find(b);
    if (rootA !== rootB) this.#parent.set(rootB, rootA);
  }
}
