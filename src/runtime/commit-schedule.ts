// When the stream thread's ticker wakes next. It fires wall-clock punctuators every tick and
// commits what is due; under exactly-once v2 every task's commit interval counts from the
// thread's last commit, so the ticker also wakes when that interval ends. Woken on a fixed
// 50 ms beat instead, a commit that fell due just after a tick (the interval counts from
// when the last commit took the tasks' work, a moment after its tick) waited for the tick
// after, and a 100 ms interval became 150 ms in every cycle: a record's latency to its
// output, under a steady load, is mostly that interval.

/**
 * Milliseconds until the next tick: the end of the commit interval begun at `lastCommitAt`
 * when it comes within `tickMs`, else `tickMs`. An interval already over (its commit was put
 * off behind the one still ending, or there was nothing to commit) leaves the beat as it is.
 */
export function nextTickInMs(
  now: number,
  tickMs: number,
  lastCommitAt: number | undefined,
  commitIntervalMs: number,
): number {
  if (lastCommitAt === undefined) return tickMs;
  const untilDue = lastCommitAt + commitIntervalMs - now;
  return untilDue > 0 ? Math.min(untilDue, tickMs) : tickMs;
}
