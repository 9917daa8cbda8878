// Keeps the raw SyncGroup answer of a consumer's group coordinator. kafkajs decodes the
// member's own assignment but drops the leader's user data in it (GROUP_JOIN reports only
// topic partitions), and Eddy's user data carries the standby tasks and the host map that
// query routing needs. kafkajs looks the coordinator up on every join through the cluster
// it gave the partition assigner, so wrapping that lookup sees every coordinator broker
// the consumer talks to. Not a fast path: it stays on with the fast paths off, whenever
// probe.ts finds Cluster.findGroupCoordinator and Broker.syncGroup.
import type { BrokerInternals, ClusterInternals } from "./kafkajs-internals.js";

const WRAPPED = Symbol("eddy:syncGroupWrapped");

type WrappedBroker = BrokerInternals & { [WRAPPED]?: true };

/** `onAnswer` receives each SyncGroup answer of `groupId`: the member's raw assignment and the generation asked for. */
export function captureSyncGroup(
  cluster: ClusterInternals,
  groupId: string,
  onAnswer: (memberAssignment: Buffer, generationId: number | undefined) => void,
): void {
  const findGroupCoordinator = cluster.findGroupCoordinator.bind(cluster);
  cluster.findGroupCoordinator = async (group) => {
    const broker = (await findGroupCoordinator(group)) as WrappedBroker;
    if (group.groupId === groupId && broker[WRAPPED] !== true) {
      const syncGroup = broker.syncGroup.bind(broker);
      broker.syncGroup = async (request) => {
        const response = await syncGroup(request);
        onAnswer(response.memberAssignment, request.generationId);
        return response;
      };
      broker[WRAPPED] = true;
    }
    return broker;
  };
}
