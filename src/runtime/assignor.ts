// The task assignor: a pure function from what every group member reports (its
// application.server, the tasks it holds state for and how fresh that state is) to
// the active and standby tasks of every member. The group leader runs it inside the
// kafkajs partition assigner; everything here is deterministic so that it can be
// tested without I/O.
//
// Goals, in order (as Kafka Streams' HighAvailabilityTaskAssignor):
//   1. every task active on exactly one member, standbys never with their active;
//   2. balanced: active counts differ by at most one between members;
//   3. sticky: a task stays where it runs, so a rebalance moves as little as possible;
//   4. fresh: a moved task goes to the member whose local state is most up to date
//      (a standby holder, or an instance that held it before), so restore is short.
import { sortTaskIds } from "./task-id.js";
import type { TaskId } from "./task-id.js";

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
  const load = new Map<string, number>(members.map((m) => [m.memberId, 0]));
  const quota = activeQuotas(members, tasks);
  const give = (task: TaskId, memberId: string): void => {
    owner.set(task, memberId);
    load.set(memberId, (load.get(memberId) ?? 0) + 1);
    byMember.get(memberId)?.active.push(task);
  };
  const hasRoom = (memberId: string): boolean => (load.get(memberId) ?? 0) < (quota.get(memberId) ?? 0);

  // Sticky: a task stays on the member that runs it, within that member's quota.
  for (const task of tasks) {
    const runner = members.find((m) => m.taskOffsetSums.get(task) === RUNNING_ACTIVE_OFFSET_SUM && hasRoom(m.memberId));
    if (runner) give(task, runner.memberId);
  }

  // Fresh: the remaining (task, member-with-state) pairs, freshest first, greedily.
  const candidates: Array<{ task: TaskId; memberId: string; freshness: number }> = [];
  for (const task of tasks) {
    if (owner.has(task)) continue;
    for (const member of members) {
      const f = freshness(member, task);
      if (f !== Number.NEGATIVE_INFINITY) candidates.push({ task, memberId: member.memberId, freshness: f });
    }
  }
  candidates.sort((a, b) => fresherFirst(a.freshness, b.freshness));
  for (const candidate of candidates) {
    if (!owner.has(candidate.task) && hasRoom(candidate.memberId)) give(candidate.task, candidate.memberId);
  }

  // Whatever is left (no state anywhere, or its holders are full) goes to the least loaded.
  for (const task of tasks) {
    if (owner.has(task)) continue;
    const target = leastLoaded(members.filter((m) => hasRoom(m.memberId)), load) ?? leastLoaded(members, load);
    if (target) give(task, target.memberId);
  }
  return owner;
}

/**
 * floor(T/M) tasks each, and one more for T mod M members: those that ran the most
 * tasks before get the extra ones, so that a balanced group stays exactly as it is.
 */
function activeQuotas(members: MemberState[], tasks: TaskId[]): Map<string, number> {
  const base = Math.floor(tasks.length / members.length);
  let extra = tasks.length % members.length;
  const running = (m: MemberState): number =>
    tasks.filter((t) => m.taskOffsetSums.get(t) === RUNNING_ACTIVE_OFFSET_SUM).length;
  const order = [...members].sort((a, b) => running(b) - running(a) || byMemberId(a, b));
  const quota = new Map<string, number>();
  for (const member of order) {
    quota.set(member.memberId, base + (extra > 0 ? 1 : 0));
    if (extra > 0) extra -= 1;
  }
  return quota;
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
          fresherFirst(freshness(a, task), freshness(b, task)) || load(a.memberId) - load(b.memberId) || byMemberId(a, b),
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
