// The task assignor: a pure function from what every group member reports (its
// application.server, the tasks it holds state for and how fresh that state is) to
// the active and standby tasks of every member. The group leader runs it inside the
// kafkajs partition assigner; everything here is deterministic so that it can be
// tested without I/O.
//
// Goals, in order (as Kafka Streams' HighAvailabilityTaskAssignor):
//   1. every task active on exactly one member, standbys never with their active;
//   2. balanced: active counts differ by at most one between members, in total and
//      within every sub-topology;
//   3. sticky: a task stays where it runs, so a rebalance moves as little as possible;
//   4. fresh: a moved task goes to the member whose local state is most up to date
//      (a standby holder, or an instance that held it before), so restore is short.
import { parseTaskId, sortTaskIds } from "../engine/task-id.js";
import type { TaskId } from "../engine/task-id.js";

/** Offset sum reported for a task that is running active on the member: fresher than any checkpoint. */
export const RUNNING_ACTIVE_OFFSET_SUM = -2;

export interface MemberState {
  memberId: string;
  /** host:port of the member's query endpoint, or undefined if it serves none. */
  applicationServer?: string;
  /**
   * Tasks the member has local state for, with the sum of their checkpointed changelog
   * offsets (the higher, the fresher), or RUNNING_ACTIVE_OFFSET_SUM for tasks it runs.
   */
  taskOffsetSums: ReadonlyMap<TaskId, number>;
}

export interface AssignmentInput {
  members: readonly MemberState[];
  tasks: readonly TaskId[];
  /** Tasks that have stores; only those get standbys. */
  statefulTasks: ReadonlySet<TaskId>;
  numStandbyReplicas: number;
}

export interface MemberTasks {
  active: TaskId[];
  standby: TaskId[];
}

export interface HostTasks {
  active: TaskId[];
  standby: TaskId[];
}

export interface TaskAssignment {
  byMember: Map<string, MemberTasks>;
  /** host:port -> tasks, for every member that has an applicationServer. */
  hostMap: Map<string, HostTasks>;
}

/** How fresh a member's state for a task is; higher is fresher. No state at all is -Infinity. */
function freshness(member: MemberState, task: TaskId): number {
  const sum = member.taskOffsetSums.get(task);
  if (sum === undefined) return Number.NEGATIVE_INFINITY;
  if (sum === RUNNING_ACTIVE_OFFSET_SUM) return Number.POSITIVE_INFINITY;
  return sum;
}

/** Descending order that also handles infinities (Infinity - Infinity is NaN). */
function fresherFirst(a: number, b: number): number {
  return a > b ? -1 : a < b ? 1 : 0;
}

function byMemberId(a: MemberState, b: MemberState): number {
  return a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0;
}

export function assignTasks(input: AssignmentInput): TaskAssignment {
  const members = [...input.members].sort(byMemberId);
  const tasks = sortTaskIds(new Set(input.tasks));
  const byMember = new Map<string, MemberTasks>(members.map((m) => [m.memberId, { active: [], standby: [] }]));
  if (members.length > 0) {
    const activeOwner = assignActive(members, tasks, byMember);
    assignStandbys(members, tasks, input, activeOwner, byMember);
  }
  for (const assigned of byMember.values()) {
    assigned.active = sortTaskIds(assigned.active);
    assigned.standby = sortTaskIds(assigned.standby);
  }
  return { byMember, hostMap: hostMapOf(members, byMember) };
}

function assignActive(
  members: MemberState[],
  tasks: TaskId[],
  byMember: Map<string, MemberTasks>,
): Map<TaskId, string> {
  const owner = new Map<TaskId, string>();
  const subOf = new Map<TaskId, number>(tasks.map((t) => [t, parseTaskId(t).subtopology]));
  const load = new Map<string, number>(members.map((m) => [m.memberId, 0]));
  const subLoad = new Map<string, number>();
  const quota = activeQuotas(members, tasks);
  const slot = (memberId: string, task: TaskId): string => `${memberId}\u0000${subOf.get(task) ?? 0}`;
  const give = (task: TaskId, memberId: string): void => {
    owner.set(task, memberId);
    load.set(memberId, (load.get(memberId) ?? 0) + 1);
    subLoad.set(slot(memberId, task), (subLoad.get(slot(memberId, task)) ?? 0) + 1);
    byMember.get(memberId)?.active.push(task);
  };
  const hasRoom = (memberId: string, task: TaskId): boolean =>
    (subLoad.get(slot(memberId, task)) ?? 0) < (quota.get(slot(memberId, task)) ?? 0);

  // Sticky: a task stays on the member that runs it, within that member's quota.
  for (const task of tasks) {
    const runner = members.find(
      (m) => m.taskOffsetSums.get(task) === RUNNING_ACTIVE_OFFSET_SUM && hasRoom(m.memberId, task),
    );
    if (runner) give(task, runner.memberId);
  }

  // Fresh: the remaining (task, member-with-state) pairs, freshest first, greedily. Among
  // equally fresh pairs, tasks whose state fewer members hold go first: a member's
  // quota is better spent on the task nobody else could restore quickly.
  const candidates: Array<{ task: TaskId; memberId: string; freshness: number; holders: number }> = [];
  for (const task of tasks) {
    if (owner.has(task)) continue;
    const holders = members.filter((m) => m.taskOffsetSums.has(task)).length;
    for (const member of members) {
      const f = freshness(member, task);
      if (f !== Number.NEGATIVE_INFINITY) candidates.push({ task, memberId: member.memberId, freshness: f, holders });
    }
  }
  candidates.sort((a, b) => fresherFirst(a.freshness, b.freshness) || a.holders - b.holders);
  for (const candidate of candidates) {
    if (!owner.has(candidate.task) && hasRoom(candidate.memberId, candidate.task))
      give(candidate.task, candidate.memberId);
  }

  // Whatever is left (no state anywhere, or its holders are full) goes to the least
  // loaded member with room in the task's sub-topology. The quotas of a sub-topology
  // add up to its task count, so there always is one.
  for (const task of tasks) {
    if (owner.has(task)) continue;
    const target =
      leastLoaded(
        members.filter((m) => hasRoom(m.memberId, task)),
        load,
      ) ?? leastLoaded(members, load);
    if (target) give(task, target.memberId);
  }
  return owner;
}

/**
 * How many tasks of each sub-topology each member gets, keyed `memberId NUL subtopology`.
 *
 * Balanced twice over: a member's total is floor(T/M) or one more, and so is its share
 * of every sub-topology (floor(Ts/M) or one more). Balancing only the total could put
 * all of one sub-topology on one member, and sub-topologies rarely cost the same: a
 * repartitioned aggregation next to a stateless filter would leave one member doing
 * all the stateful work.
 *
 * Every member gets floor(Ts/M) of each sub-topology; the Ts mod M "extra" tasks of
 * each sub-topology go to distinct members, each member taking exactly as many extras
 * as its total quota leaves room for. Which members take a sub-topology's extras is
 * the sticky part: those already running the most of its tasks, as long as the
 * remaining extras can still be dealt out (Gale-Ryser), so a balanced group keeps
 * exactly what it runs.
 */
function activeQuotas(members: MemberState[], tasks: TaskId[]): Map<string, number> {
  const bySub = new Map<number, TaskId[]>();
  for (const task of tasks) {
    const sub = parseTaskId(task).subtopology;
    bySub.set(sub, [...(bySub.get(sub) ?? []), task]);
  }
  const subs = [...bySub.keys()].sort((a, b) => a - b);
  const runs = (m: MemberState, subTasks: readonly TaskId[]): number =>
    subTasks.filter((t) => m.taskOffsetSums.get(t) === RUNNING_ACTIVE_OFFSET_SUM).length;
  const holds = (m: MemberState, subTasks: readonly TaskId[]): number =>
    subTasks.filter((t) => m.taskOffsetSums.has(t)).length;

  // Totals: floor(T/M) each, one more for T mod M members, those that ran the most tasks first.
  const base = Math.floor(tasks.length / members.length);
  let extraTotal = tasks.length % members.length;
  const totalOrder = [...members].sort((a, b) => runs(b, tasks) - runs(a, tasks) || byMemberId(a, b));
  const owed = new Map<string, number>();
  const subBase = subs.map((sub) => Math.floor((bySub.get(sub)?.length ?? 0) / members.length));
  const baseSum = subBase.reduce((sum, n) => sum + n, 0);
  for (const member of totalOrder) {
    const total = base + (extraTotal > 0 ? 1 : 0);
    if (extraTotal > 0) extraTotal -= 1;
    owed.set(member.memberId, total - baseSum);
  }

  const quota = new Map<string, number>();
  subs.forEach((sub, index) => {
    const subTasks = bySub.get(sub) ?? [];
    const extras = subTasks.length % members.length;
    const later = subs.slice(index + 1).map((s) => (bySub.get(s)?.length ?? 0) % members.length);
    const affinity = (m: MemberState): number => runs(m, subTasks) * (subTasks.length + 1) + holds(m, subTasks);
    const owes = (m: MemberState): number => owed.get(m.memberId) ?? 0;
    // Largest remaining demand first always leaves a feasible rest; then swap in the
    // members with the most affinity for this sub-topology where feasibility allows.
    const ranked = [...members].sort((a, b) => owes(b) - owes(a) || affinity(b) - affinity(a) || byMemberId(a, b));
    const chosen = new Set(ranked.slice(0, extras));
    const byAffinity = [...members].sort((a, b) => affinity(b) - affinity(a) || byMemberId(a, b));
    for (const candidate of byAffinity) {
      if (chosen.has(candidate) || owes(candidate) === 0) continue;
      const weakest = [...chosen]
        .filter((m) => affinity(m) < affinity(candidate))
        .sort((a, b) => affinity(a) - affinity(b) || byMemberId(b, a));
      for (const out of weakest) {
        const trial = new Set(chosen);
        trial.delete(out);
        trial.add(candidate);
        if (
          feasible(
            members.map((m) => owes(m) - (trial.has(m) ? 1 : 0)),
            later,
          )
        ) {
          chosen.delete(out);
          chosen.add(candidate);
          break;
        }
      }
    }
    for (const member of members) {
      const extra = chosen.has(member) ? 1 : 0;
      owed.set(member.memberId, owes(member) - extra);
      quota.set(`${member.memberId}\u0000${sub}`, (subBase[index] ?? 0) + extra);
    }
  });
  return quota;
}

/**
 * Gale-Ryser: can every member m take exactly demand[m] extras when each sub-topology
 * hands its extras[s] to distinct members? Sorted demands d1 >= d2 >= ...: for every
 * k, d1 + ... + dk <= sum over s of min(extras[s], k), with equal totals.
 */
function feasible(demand: number[], extras: number[]): boolean {
  if (demand.some((d) => d < 0)) return false;
  const sorted = [...demand].sort((a, b) => b - a);
  const total = extras.reduce((sum, e) => sum + e, 0);
  if (sorted.reduce((sum, d) => sum + d, 0) !== total) return false;
  let prefix = 0;
  for (let k = 1; k <= sorted.length; k += 1) {
    prefix += sorted[k - 1] ?? 0;
    if (prefix > extras.reduce((sum, e) => sum + Math.min(e, k), 0)) return false;
  }
  return true;
}

function leastLoaded(members: MemberState[], load: Map<string, number>): MemberState | undefined {
  let best: MemberState | undefined;
  for (const member of members) {
    if (best === undefined || (load.get(member.memberId) ?? 0) < (load.get(best.memberId) ?? 0)) best = member;
  }
  return best;
}

function assignStandbys(
  members: MemberState[],
  tasks: TaskId[],
  input: AssignmentInput,
  activeOwner: Map<TaskId, string>,
  byMember: Map<string, MemberTasks>,
): void {
  const replicas = Math.min(input.numStandbyReplicas, members.length - 1);
  if (replicas <= 0) return;
  const stateful = tasks.filter((t) => input.statefulTasks.has(t));
  const quota = Math.ceil((stateful.length * replicas) / members.length);
  const holders = new Map<TaskId, Set<string>>();
  const standbys = new Map<string, Set<TaskId>>(members.map((m) => [m.memberId, new Set<TaskId>()]));
  const load = (memberId: string): number => standbys.get(memberId)?.size ?? 0;
  const place = (task: TaskId, memberId: string): void => {
    holders.get(task)?.add(memberId);
    standbys.get(memberId)?.add(task);
  };

  for (const task of stateful) {
    const owner = activeOwner.get(task);
    holders.set(task, new Set(owner === undefined ? [] : [owner]));
    for (let replica = 0; replica < replicas; replica += 1) {
      const taken = holders.get(task) ?? new Set<string>();
      const eligible = members.filter((m) => !taken.has(m.memberId));
      const withRoom = eligible.filter((m) => load(m.memberId) < quota);
      const pool = withRoom.length > 0 ? withRoom : eligible;
      // Freshest state first (a previous standby or active keeps its copy warm), then the least loaded.
      pool.sort(
        (a, b) =>
          fresherFirst(freshness(a, task), freshness(b, task)) ||
          load(a.memberId) - load(b.memberId) ||
          byMemberId(a, b),
      );
      const chosen = pool[0];
      if (chosen === undefined) break;
      place(task, chosen.memberId);
    }
  }

  // The greedy pass can corner itself (the only member with room is the task's active
  // owner); move standbys from the most to the least loaded member until balanced.
  for (let moves = 0; moves < stateful.length * replicas; moves += 1) {
    const sorted = [...members].sort((a, b) => load(b.memberId) - load(a.memberId) || byMemberId(a, b));
    let moved = false;
    for (const donor of sorted) {
      for (const recipient of [...sorted].reverse()) {
        if (load(donor.memberId) - load(recipient.memberId) <= 1) continue;
        const movable = [...(standbys.get(donor.memberId) ?? [])]
          .filter((task) => !(holders.get(task)?.has(recipient.memberId) ?? true))
          // Move the copy the donor has least state for, to where it is warmest.
          .sort(
            (a, b) =>
              fresherFirst(freshness(donor, b), freshness(donor, a)) ||
              fresherFirst(freshness(recipient, a), freshness(recipient, b)),
          );
        const task = movable[0];
        if (task === undefined) continue;
        standbys.get(donor.memberId)?.delete(task);
        holders.get(task)?.delete(donor.memberId);
        place(task, recipient.memberId);
        moved = true;
        break;
      }
      if (moved) break;
    }
    if (!moved) break;
  }

  for (const [memberId, assigned] of standbys) byMember.get(memberId)?.standby.push(...assigned);
}

function hostMapOf(members: MemberState[], byMember: Map<string, MemberTasks>): Map<string, HostTasks> {
  const hosts = new Map<string, HostTasks>();
  for (const member of members) {
    if (member.applicationServer === undefined) continue;
    const assigned = byMember.get(member.memberId);
    if (!assigned) continue;
    const host = hosts.get(member.applicationServer) ?? { active: [], standby: [] };
    host.active.push(...assigned.active);
    host.standby.push(...assigned.standby);
    hosts.set(member.applicationServer, host);
  }
  for (const host of hosts.values()) {
    host.active = sortTaskIds(host.active);
    host.standby = sortTaskIds(host.standby);
  }
  return hosts;
}
