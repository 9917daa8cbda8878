import { describe, expect, it } from "vitest";
import type { ClusterInternals } from "../../../src/kafka/kafkajs/kafkajs-internals.js";
import { cacheCoordinators } from "../../../src/kafka/kafkajs/coordinator-cache.js";

/** A cluster whose coordinator lookups are counted (the part of kafkajs' Cluster the cache wraps). */
function countingCluster(answers: Array<() => Promise<unknown>>): { cluster: ClusterInternals; lookups: () => number } {
  let lookups = 0;
  const cluster: ClusterInternals = {
    findBroker: () => Promise.resolve(undefined),
    findGroupCoordinator: () => {
      const answer = answers[Math.min(lookups, answers.length - 1)] as () => Promise<unknown>;
      lookups += 1;
      return answer();
    },
  };
  return { cluster, lookups: () => lookups };
}

describe("cacheCoordinators", () => {
  it("asks once per coordinator type and id while the broker stays connected", async () => {
    const broker = { isConnected: () => true };
    const { cluster, lookups } = countingCluster([() => Promise.resolve(broker)]);
    cacheCoordinators(cluster);
    expect(await cluster.findGroupCoordinator({ groupId: "app-0_1", coordinatorType: 1 })).toBe(broker);
    expect(await cluster.findGroupCoordinator({ groupId: "app-0_1", coordinatorType: 1 })).toBe(broker);
    expect(lookups()).toBe(1);
    await cluster.findGroupCoordinator({ groupId: "app-0_1" });
    await cluster.findGroupCoordinator({ groupId: "app-0_2", coordinatorType: 1 });
    expect(lookups()).toBe(3);
  });

  it("asks again when the cached broker disconnected, or the lookup failed", async () => {
    let connected = true;
    const broker = { isConnected: () => connected };
    const { cluster, lookups } = countingCluster([
      () => Promise.reject(new Error("no coordinator")),
      () => Promise.resolve(broker),
    ]);
    cacheCoordinators(cluster);
    await expect(cluster.findGroupCoordinator({ groupId: "g" })).rejects.toThrow(/no coordinator/);
    await cluster.findGroupCoordinator({ groupId: "g" });
    expect(lookups()).toBe(2);
    connected = false;
    await cluster.findGroupCoordinator({ groupId: "g" });
    expect(lookups()).toBe(3);
  });
});
