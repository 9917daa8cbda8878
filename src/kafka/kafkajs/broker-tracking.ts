// kafkajs drops a broker it lost (a closed connection) from its cluster's pool and
// creates a new one, but whoever held the old Broker keeps using it: the consumer group
// keeps its coordinator, and the old Broker reconnects on its next heartbeat. The
// pool's disconnect() then closes only the pool's brokers, and that socket keeps the
// process alive after close(). This decorator remembers every Broker a cluster creates
// and disconnects them all when the cluster disconnects. It is a fix, not a fast path:
// it is installed whatever the fast-path setting, where the cluster has this shape
// (BrokerPool.createBroker, Cluster.disconnect).
import type { BrokerInternals, ClusterInternals } from "./kafkajs-internals.js";

interface TrackedCluster {
  brokerPool?: { createBroker?: (options: unknown) => Pick<BrokerInternals, "disconnect"> };
  disconnect?: () => Promise<void>;
}

/** Returns false (and changes nothing) when the cluster does not have the expected shape. */
export function closeEveryBroker(cluster: ClusterInternals): boolean {
  const tracked = cluster as unknown as TrackedCluster;
  const pool = tracked.brokerPool;
  const createBroker = pool?.createBroker;
  const disconnect = tracked.disconnect?.bind(cluster);
  if (pool === undefined || typeof createBroker !== "function" || disconnect === undefined) return false;
  const created = new Set<Pick<BrokerInternals, "disconnect">>();
  pool.createBroker = (options) => {
    const broker = createBroker.call(pool, options);
    created.add(broker);
    return broker;
  };
  tracked.disconnect = async () => {
    try {
      await disconnect();
    } finally {
      const brokers = [...created];
      created.clear();
      await Promise.all(brokers.map((broker) => broker.disconnect().catch(() => undefined)));
    }
  };
  return true;
}
