// kafkajs' Connection.connect() opens a new socket at every call, and its ConnectionPool
// calls it for every request made while that connection is down. Requests sent side by side
// across a reconnect (sends go one partition per call; the tasks' restores share a reader)
// each opened a socket to the same broker: the connection kept the last one, the others stayed
// open unused until the broker dropped them (and their 'end' then closed the live one), and the
// requests of callers whose own socket connected first were written to the last socket while
// it was still connecting, each adding a 'connect' listener (MaxListenersExceededWarning past
// ten). This decorator makes the connect() calls of one connection share one attempt. It is a
// fix, not a fast path: installed whatever the fast-path setting, where the cluster has this
// shape (BrokerPool.createBroker, Broker.connectionPool.pool of connections with connect()).

interface KafkajsConnection {
  connect(): Promise<unknown>;
}

interface PooledBroker {
  connectionPool?: { pool?: unknown };
}

interface BrokerFactoryCluster {
  brokerPool?: { createBroker?: (options: unknown) => PooledBroker };
}

/** Returns false (and changes nothing) when the cluster does not have the expected shape. */
export function connectOnce(cluster: unknown): boolean {
  const pool = (cluster as BrokerFactoryCluster).brokerPool;
  const createBroker = pool?.createBroker;
  if (pool === undefined || typeof createBroker !== "function") return false;
  pool.createBroker = (options) => {
    const broker = createBroker.call(pool, options);
    const connections = broker.connectionPool?.pool;
    if (Array.isArray(connections)) for (const connection of connections) shareConnectAttempts(connection);
    return broker;
  };
  return true;
}

/** Concurrent connect() calls of `connection` wait for one attempt; a later call (after it settled) makes a new one. */
export function shareConnectAttempts(connection: unknown): void {
  const c = connection as Partial<KafkajsConnection>;
  const connect = c.connect;
  if (typeof connect !== "function") return;
  let attempt: Promise<unknown> | undefined;
  c.connect = () => {
    attempt ??= connect.call(connection).finally(() => {
      attempt = undefined;
    });
    return attempt;
  };
}
