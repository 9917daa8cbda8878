// The server.properties of one KRaft node (broker and controller in one process, as Kafka's
// own quickstart runs it), on loopback ports. Only what a test run needs differs from Kafka's
// defaults, each for a stated reason; a cluster or a test may override any of it.

export interface NodeAddress {
  readonly id: number;
  /** The PLAINTEXT listener clients use. */
  readonly port: number;
  /** The CONTROLLER listener the quorum uses. */
  readonly controllerPort: number;
}

export interface NodeSettings {
  readonly node: NodeAddress;
  /** Every voter of the quorum (all nodes of the cluster, this one included). */
  readonly voters: readonly NodeAddress[];
  readonly logDir: string;
  readonly overrides?: Readonly<Record<string, string | number | boolean>>;
}

const HOST = "127.0.0.1";

/** Settings that differ from Kafka's defaults for every test node, and why. */
export function testDefaults(nodes: number): Record<string, string | number | boolean> {
  const replicas = Math.min(nodes, 3);
  return {
    // The internal topics cannot have more replicas than there are nodes; on three nodes they
    // are replicated as in production, with min.insync.replicas 2 (on one node Kafka's defaults
    // are already 1, and left unset they describe as defaults, as on the embedded broker).
    "offsets.topic.replication.factor": replicas,
    "transaction.state.log.replication.factor": replicas,
    "transaction.state.log.min.isr": Math.min(replicas, 2),
    ...(nodes > 1 ? { "min.insync.replicas": 2, "default.replication.factor": replicas } : {}),
    // Fewer partitions of the internal topics than the 50 of production: created on a group's
    // or a transaction's first use, they would cost seconds per fresh broker.
    "offsets.topic.num.partitions": nodes > 1 ? 12 : 6,
    "transaction.state.log.num.partitions": nodes > 1 ? 12 : 6,
    // A group's first rebalance waits 3 s by default for more members; tests start them at once.
    "group.initial.rebalance.delay.ms": 0,
    // Tests use session timeouts of a few seconds, so that a killed member is noticed quickly
    // (Kafka's floor is 6 s; the embedded broker's test setup uses the same 1 s floor).
    "group.min.session.timeout.ms": 1000,
    // Timed-out transactions are aborted within a second rather than ten: a killed producer's
    // open transaction holds the LSO back until then.
    "transaction.abort.timed.out.transaction.cleanup.interval.ms": 1000,
    // The cleaner looks for work every half second (15 s by default), so compaction shows in tests.
    "log.cleaner.backoff.ms": 500,
  };
}

function line(key: string, value: string | number | boolean): string {
  return `${key}=${String(value)}`;
}

export function serverProperties(settings: NodeSettings): string {
  const { node, voters } = settings;
  const properties: Record<string, string | number | boolean> = {
    "process.roles": "broker,controller",
    "node.id": node.id,
    "controller.quorum.voters": voters.map((v) => `${v.id}@${HOST}:${v.controllerPort}`).join(","),
    listeners: `PLAINTEXT://${HOST}:${node.port},CONTROLLER://${HOST}:${node.controllerPort}`,
    "advertised.listeners": `PLAINTEXT://${HOST}:${node.port}`,
    "controller.listener.names": "CONTROLLER",
    "inter.broker.listener.name": "PLAINTEXT",
    "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
    "log.dirs": settings.logDir,
    ...testDefaults(voters.length),
    ...settings.overrides,
  };
  return `${Object.entries(properties)
    .map(([key, value]) => line(key, value))
    .join("\n")}\n`;
}
