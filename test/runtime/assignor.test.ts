import { describe, expect, it } from "vitest";
import { assignTasks, RUNNING_ACTIVE_OFFSET_SUM } from "../../src/runtime/assignor.js";
import type { MemberState, TaskAssignment } from "../../src/runtime/assignor.js";

const tasks6 = ["0_0", "0_1", "0_2", "0_3", "0_4", "0_5"];
const stateful6 = new Set(tasks6);

function member(memberId: string, offsets: Record<string, number> = {}, applicationServer?: string): MemberState {
  return { memberId, applicationServer, taskOffsetSums: new Map(Object.entries(offsets)) };
}

function running(tasks: string[]): Record<string, number> {
  return Object.fromEntries(tasks.map((t) => [t, RUNNING_ACTIVE_OFFSET_SUM]));
}

function activeOf(result: TaskAssignment, memberId: string): string[] {
  return result.byMember.get(memberId)?.active ?? [];
}

function standbyOf(result: TaskAssignment, memberId: string): string[] {
  return result.byMember.get(memberId)?.standby ?? [];
}

function expectEveryTaskOnce(result: TaskAssignment, tasks: string[]): void {
  const all = [...result.byMember.values()].flatMap((m) => m.active).sort();
  expect(all).toEqual([...tasks].sort());
}

function activeCounts(result: TaskAssignment): number[] {
  return [...result.byMember.values()].map((m) => m.active.length);
}

/** Active tasks of one sub-topology per member. */
function subtopologyCounts(result: TaskAssignment, subtopology: number): number[] {
  return [...result.byMember.values()].map((m) => m.active.filter((t) => t.startsWith(`${subtopology}_`)).length);
}

function tasksOf(subtopologies: number, partitions: number): string[] {
  return Array.from({ length: subtopologies }, (_, s) =>
    Array.from({ length: partitions }, (_, p) => `${s}_${p}`),
  ).flat();
}

describe("assignTasks", () => {
  it("gives every task to exactly one member, balanced", () => {
    const result = assignTasks({
      members: [member("a"), member("b"), member("c"), member("d")],
      tasks: [...tasks6, "1_0", "1_1", "1_2", "1_3", "1_4", "1_5"],
      statefulTasks: new Set(),
      numStandbyReplicas: 0,
    });
    expectEveryTaskOnce(result, [...tasks6, "1_0", "1_1", "1_2", "1_3", "1_4", "1_5"]);
    expect(activeCounts(result).sort()).toEqual([3, 3, 3, 3]);
  });

  it("balances every sub-topology, not only the totals", () => {
    const tasks = tasksOf(2, 4);
    const fresh = assignTasks({
      members: [member("a"), member("b")],
      tasks,
      statefulTasks: new Set(tasks),
      numStandbyReplicas: 0,
    });
    expectEveryTaskOnce(fresh, tasks);
    expect(subtopologyCounts(fresh, 0)).toEqual([2, 2]);
    expect(subtopologyCounts(fresh, 1)).toEqual([2, 2]);
    // Both restart; "a" has the freshest state of all of sub-topology 0, "b" of all of 1.
    const restarted = assignTasks({
      members: [
        member("a", { "0_0": 90, "0_1": 90, "0_2": 90, "0_3": 90, "1_0": 10, "1_1": 10 }),
        member("b", { "1_0": 90, "1_1": 90, "1_2": 90, "1_3": 90, "0_2": 10, "0_3": 10 }),
      ],
      tasks,
      statefulTasks: new Set(tasks),
      numStandbyReplicas: 0,
    });
    expect(subtopologyCounts(restarted, 0)).toEqual([2, 2]);
    expect(subtopologyCounts(restarted, 1)).toEqual([2, 2]);
    // Each member still restores as little as it can: the tasks it has some state for.
    expect(activeOf(restarted, "a")).toEqual(["0_0", "0_1", "1_0", "1_1"]);
    expect(activeOf(restarted, "b")).toEqual(["0_2", "0_3", "1_2", "1_3"]);
  });

  it("rebalances a group that ran a whole sub-topology on one member, moving as little as possible", () => {
    const tasks = tasksOf(2, 4);
    const members = [
      member("a", running(["0_0", "0_1", "0_2", "0_3"])),
      member("b", running(["1_0", "1_1", "1_2", "1_3"])),
    ];
    const result = assignTasks({ members, tasks, statefulTasks: new Set(tasks), numStandbyReplicas: 0 });
    expect(subtopologyCounts(result, 0)).toEqual([2, 2]);
    expect(subtopologyCounts(result, 1)).toEqual([2, 2]);
    // Two tasks of each sub-topology stay where they ran; only the other two move.
    expect(activeOf(result, "a")).toEqual(["0_0", "0_1", "1_2", "1_3"]);
    expect(activeOf(result, "b")).toEqual(["0_2", "0_3", "1_0", "1_1"]);
  });

  it("spreads the uneven remainders of sub-topologies over different members", () => {
    // Three sub-topologies of one task each, three members: one task each, not all on one.
    const single = assignTasks({
      members: [member("a"), member("b"), member("c")],
      tasks: ["0_0", "1_0", "2_0"],
      statefulTasks: new Set(),
      numStandbyReplicas: 0,
    });
    expect(activeCounts(single)).toEqual([1, 1, 1]);
    // 3 x 3 tasks over 2 members: 5 and 4 in total, 2 or 1 of each sub-topology.
    const tasks = tasksOf(3, 3);
    const result = assignTasks({
      members: [member("a"), member("b")],
      tasks,
      statefulTasks: new Set(tasks),
      numStandbyReplicas: 0,
    });
    expect(activeCounts(result).sort()).toEqual([4, 5]);
    for (const sub of [0, 1, 2]) expect(subtopologyCounts(result, sub).sort()).toEqual([1, 2]);
  });

  it("keeps a group balanced per sub-topology exactly as it is, uneven remainders included", () => {
    const tasks = tasksOf(3, 3);
    const members = [
      member("a", running(["0_0", "0_1", "1_0", "2_0"])),
      member("b", running(["0_2", "1_1", "1_2", "2_1", "2_2"])),
    ];
    const result = assignTasks({ members, tasks, statefulTasks: new Set(tasks), numStandbyReplicas: 0 });
    expect(activeOf(result, "a")).toEqual(["0_0", "0_1", "1_0", "2_0"]);
    expect(activeOf(result, "b")).toEqual(["0_2", "1_1", "1_2", "2_1", "2_2"]);
  });

  it("gives a sub-topology's moved tasks to the freshest member with room in that sub-topology", () => {
    // "c" left; it ran 0_2, 0_3, 1_2, 1_3. "a" has a warm copy of 0_2 and 1_3, "b" of 0_3 and 1_2.
    const tasks = tasksOf(2, 4);
    const members = [
      member("a", { ...running(["0_0", "1_0"]), "0_2": 500, "1_3": 500, "0_3": 1 }),
      member("b", { ...running(["0_1", "1_1"]), "0_3": 500, "1_2": 500 }),
    ];
    const result = assignTasks({ members, tasks, statefulTasks: new Set(tasks), numStandbyReplicas: 0 });
    expect(activeOf(result, "a")).toEqual(["0_0", "0_2", "1_0", "1_3"]);
    expect(activeOf(result, "b")).toEqual(["0_1", "0_3", "1_1", "1_2"]);
  });

  it("leaves extra members idle when there are fewer tasks than members", () => {
    const result = assignTasks({
      members: [member("a"), member("b"), member("c")],
      tasks: ["0_0", "0_1"],
      statefulTasks: new Set(),
      numStandbyReplicas: 0,
    });
    expectEveryTaskOnce(result, ["0_0", "0_1"]);
    expect(activeCounts(result).sort()).toEqual([0, 1, 1]);
  });

  it("returns nothing when there are no members", () => {
    const result = assignTasks({ members: [], tasks: tasks6, statefulTasks: stateful6, numStandbyReplicas: 1 });
    expect(result.byMember.size).toBe(0);
    expect(result.hostMap.size).toBe(0);
  });

  it("is sticky: a balanced group keeps its tasks exactly", () => {
    const members = [
      member("a", running(["0_0", "0_4"])),
      member("b", running(["0_1", "0_3"])),
      member("c", running(["0_2", "0_5"])),
    ];
    const result = assignTasks({ members, tasks: tasks6, statefulTasks: stateful6, numStandbyReplicas: 0 });
    expect(activeOf(result, "a")).toEqual(["0_0", "0_4"]);
    expect(activeOf(result, "b")).toEqual(["0_1", "0_3"]);
    expect(activeOf(result, "c")).toEqual(["0_2", "0_5"]);
  });

  it("moves only what balance requires when a member joins", () => {
    const members = [
      member("a", running(["0_0", "0_1", "0_2"])),
      member("b", running(["0_3", "0_4", "0_5"])),
      member("c"),
    ];
    const result = assignTasks({ members, tasks: tasks6, statefulTasks: stateful6, numStandbyReplicas: 0 });
    expect(activeCounts(result)).toEqual([2, 2, 2]);
    const kept = [...activeOf(result, "a"), ...activeOf(result, "b")].filter((t) =>
      ["0_0", "0_1", "0_2"].includes(t) ? activeOf(result, "a").includes(t) : activeOf(result, "b").includes(t),
    );
    expect(kept).toHaveLength(4);
  });

  it("gives a moved task to the member with the freshest state", () => {
    // "a" died; its tasks 0_0 and 0_1 have state on b (stale) and c (fresher), and on d for 0_1 only.
    const members = [
      member("b", { ...running(["0_2", "0_3"]), "0_0": 100, "0_1": 50 }),
      member("c", { ...running(["0_4"]), "0_0": 900, "0_1": 10 }),
      member("d", { ...running(["0_5"]), "0_1": 400 }),
    ];
    const result = assignTasks({ members, tasks: tasks6, statefulTasks: stateful6, numStandbyReplicas: 0 });
    expectEveryTaskOnce(result, tasks6);
    expect(activeOf(result, "c")).toContain("0_0");
    expect(activeOf(result, "d")).toContain("0_1");
    expect(activeCounts(result)).toEqual([2, 2, 2]);
  });

  it("keeps balance over freshness when the freshest member is full", () => {
    const members = [member("a", { ...running(["0_0", "0_1", "0_2"]), "0_3": 10, "0_4": 10, "0_5": 10 }), member("b")];
    const result = assignTasks({ members, tasks: tasks6, statefulTasks: stateful6, numStandbyReplicas: 0 });
    expect(activeOf(result, "a")).toEqual(["0_0", "0_1", "0_2"]);
    expect(activeOf(result, "b")).toEqual(["0_3", "0_4", "0_5"]);
  });

  it("places standbys away from their active, balanced, on members with state first", () => {
    const members = [
      member("a", { ...running(["0_0", "0_1"]), "0_2": 5 }),
      member("b", { ...running(["0_2", "0_3"]), "0_4": 5 }),
      member("c", { ...running(["0_4", "0_5"]), "0_0": 5 }),
    ];
    const result = assignTasks({ members, tasks: tasks6, statefulTasks: stateful6, numStandbyReplicas: 1 });
    for (const id of ["a", "b", "c"]) {
      for (const task of standbyOf(result, id)) expect(activeOf(result, id)).not.toContain(task);
    }
    const standbys = [...result.byMember.values()].flatMap((m) => m.standby).sort();
    expect(standbys).toEqual([...tasks6].sort());
    expect(standbyOf(result, "a")).toContain("0_2");
    expect(standbyOf(result, "b")).toContain("0_4");
    expect(standbyOf(result, "c")).toContain("0_0");
    expect([...result.byMember.values()].map((m) => m.standby.length)).toEqual([2, 2, 2]);
  });

  it("caps standbys at members - 1 and gives stateless tasks none", () => {
    const result = assignTasks({
      members: [member("a"), member("b")],
      tasks: ["0_0", "0_1", "1_0", "1_1"],
      statefulTasks: new Set(["1_0", "1_1"]),
      numStandbyReplicas: 3,
    });
    const standbys = [...result.byMember.values()].flatMap((m) => m.standby).sort();
    expect(standbys).toEqual(["1_0", "1_1"]);
    for (const id of ["a", "b"]) {
      for (const task of standbyOf(result, id)) expect(activeOf(result, id)).not.toContain(task);
    }
  });

  it("fails over each task to its standby holder", () => {
    // "a" ran 0_0 and 0_1 and is gone; b kept a standby of 0_0, c one of 0_1.
    const members = [
      member("b", { ...running(["0_2", "0_3"]), "0_0": 700 }),
      member("c", { ...running(["0_4", "0_5"]), "0_1": 700 }),
    ];
    const result = assignTasks({ members, tasks: tasks6, statefulTasks: stateful6, numStandbyReplicas: 1 });
    expect(activeOf(result, "b")).toEqual(["0_0", "0_2", "0_3"]);
    expect(activeOf(result, "c")).toEqual(["0_1", "0_4", "0_5"]);
  });

  it("does not depend on the order members are listed in", () => {
    const members = [member("m3", { "0_1": 7 }), member("m1", running(["0_0"])), member("m2", { "0_2": 9, "0_3": 1 })];
    const input = { tasks: tasks6, statefulTasks: stateful6, numStandbyReplicas: 1 };
    const one = assignTasks({ ...input, members });
    const two = assignTasks({ ...input, members: [...members].reverse() });
    expect([...one.byMember.entries()].sort()).toEqual([...two.byMember.entries()].sort());
  });

  it("builds the host map from members' application servers", () => {
    const result = assignTasks({
      members: [member("a", running(["0_0"]), "h1:8080"), member("b", running(["0_1"]), "h2:8080"), member("c")],
      tasks: ["0_0", "0_1", "0_2"],
      statefulTasks: new Set(["0_0", "0_1", "0_2"]),
      numStandbyReplicas: 1,
    });
    expect([...result.hostMap.keys()].sort()).toEqual(["h1:8080", "h2:8080"]);
    expect(result.hostMap.get("h1:8080")).toEqual(result.byMember.get("a"));
    expect(result.hostMap.get("h2:8080")).toEqual(result.byMember.get("b"));
  });

  it("keeps any assignment balanced per sub-topology exactly as it is", () => {
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 200; round += 1) {
      const memberCount = 2 + random(5);
      const tasks = Array.from({ length: 1 + random(4) }, (_, sub) =>
        Array.from({ length: 1 + random(9) }, (_, p) => `${sub}_${p}`),
      ).flat();
      // A balanced assignment, shuffled: deal each sub-topology's tasks round-robin from a random member.
      const owned = new Map<string, string[]>(Array.from({ length: memberCount }, (_, i) => [`m${i}`, []]));
      let next = random(memberCount);
      for (const task of [...tasks]
        .sort(() => random(3) - 1)
        .sort((a, b) => Number(a.split("_")[0]) - Number(b.split("_")[0]))) {
        owned.get(`m${next}`)?.push(task);
        next = (next + 1) % memberCount;
      }
      const members = [...owned].map(([id, held]) => member(id, running(held)));
      const result = assignTasks({ members, tasks, statefulTasks: new Set(tasks), numStandbyReplicas: 0 });
      for (const [id, held] of owned)
        expect(activeOf(result, id)).toEqual([...held].sort((a, b) => a.localeCompare(b, "en", { numeric: true })));
    }
  });

  it("keeps its invariants over many random groups", () => {
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 300; round += 1) {
      const memberCount = 1 + random(6);
      const partitions = 1 + random(12);
      const subtopologies = 1 + random(3);
      const tasks = Array.from({ length: subtopologies }, (_, sub) =>
        Array.from({ length: 1 + random(partitions) }, (_, p) => `${sub}_${p}`),
      ).flat();
      const replicas = random(3);
      const members = Array.from({ length: memberCount }, (_, i) => {
        const offsets: Record<string, number> = {};
        for (const task of tasks) {
          const dice = random(6);
          if (dice === 0) offsets[task] = RUNNING_ACTIVE_OFFSET_SUM;
          else if (dice === 1) offsets[task] = random(1000);
        }
        return member(`m${i}`, offsets, `h${i}:1`);
      });
      const result = assignTasks({ members, tasks, statefulTasks: new Set(tasks), numStandbyReplicas: replicas });
      expectEveryTaskOnce(result, tasks);
      const counts = activeCounts(result);
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      for (let sub = 0; sub < subtopologies; sub += 1) {
        const perSub = subtopologyCounts(result, sub);
        expect(Math.max(...perSub) - Math.min(...perSub)).toBeLessThanOrEqual(1);
      }
      const expectedCopies = Math.min(replicas, memberCount - 1);
      for (const task of tasks) {
        const holders = [...result.byMember.entries()].filter(([, m]) => m.standby.includes(task)).map(([id]) => id);
        expect(new Set(holders).size).toBe(expectedCopies);
        const owner = [...result.byMember.entries()].find(([, m]) => m.active.includes(task))?.[0];
        expect(holders).not.toContain(owner);
      }
      const standbyCounts = [...result.byMember.values()].map((m) => m.standby.length);
      expect(Math.max(...standbyCounts) - Math.min(...standbyCounts)).toBeLessThanOrEqual(1);
    }
  });
});
