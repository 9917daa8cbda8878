// kafkajs looks the coordinator up (FindCoordinator) before every transactional
// request: AddPartitionsToTxn, AddOffsetsToTxn, TxnOffsetCommit (and the group's), and
// EndTxn, so a commit every 100 ms costs four extra round trips. This cluster
// decorator keeps each answer for a second, as long as the broker stays connected. A
// coordinator that moves meanwhile answers NOT_COORDINATOR, which kafkajs retries with
// backoff, by when the entry has expired.
import type { ClusterInternals } from "./kafkajs-internals.js";

const TTL_MS = 1_000;

interface Cached {
  until: number;
  broker: { isConnected?(): boolean } | undefined;
  lookup: Promise<unknown>;
}

export function cacheCoordinators(cluster: ClusterInternals): void {
  const lookup = cluster.findGroupCoordinator.bind(cluster);
  const cache = new Map<string, Cached>();
  cluster.findGroupCoordinator = (group) => {
    const key = `${group.coordinatorType ?? 0}:${group.groupId}`;
    const now = Date.now();
    const hit = cache.get(key);
    if (hit && hit.until > now && (hit.broker === undefined || hit.broker.isConnected?.() !== false)) return hit.lookup;
    const entry: Cached = { until: now + TTL_MS, broker: undefined, lookup: lookup(group) };
    cache.set(key, entry);
    entry.lookup.then(
      (broker) => {
        entry.broker = broker as Cached["broker"];
      },
      () => {
        if (cache.get(key) === entry) cache.delete(key);
      },
    );
    return entry.lookup;
  };
}
