// The one place the kafkajs client's private cluster factory is reached: every Cluster
// the client creates (one per producer, consumer and admin client) is handed to the
// decorators given here before kafkajs uses it. kafkajs 2.2.4 is pinned exactly; the
// factory is its symbol-keyed property "private:Kafka:createCluster".
import type { Kafka } from "kafkajs";

/** What decorators may touch on a kafkajs Cluster. */
export interface ClusterInternals {
  findBroker(node: { nodeId: string }): Promise<unknown>;
  findGroupCoordinator(group: { groupId: string; coordinatorType?: number }): Promise<unknown>;
}

type ClusterFactory = (options: unknown) => ClusterInternals;

/** Returns false (and changes nothing) when the client is not shaped as expected. */
export function decorateClusters(kafka: Kafka, ...decorators: Array<(cluster: ClusterInternals) => void>): boolean {
  const holder = kafka as unknown as Record<symbol, ClusterFactory | undefined>;
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === "private:Kafka:createCluster");
  const createCluster = symbol === undefined ? undefined : holder[symbol];
  if (symbol === undefined || typeof createCluster !== "function") return false;
  holder[symbol] = (options: unknown) => {
    const cluster = createCluster(options);
    for (const decorate of decorators) decorate(cluster);
    return cluster;
  };
  return true;
}
