// Notices a kafkajs consumer that fell out of its group for good without a word. When the
// coordinator forgets a member (UNKNOWN_MEMBER_ID: a session that expired while a handler
// waited, a broker that restarted), kafkajs clears its member id and rejoins; if that
// JoinGroup is refused (INCONSISTENT_GROUP_PROTOCOL, the coordinator gone again), kafkajs
// gives up the join but goes back to fetching with no member id, and its heartbeat then
// sends nothing and reports nothing. The consumer fetches on, owning nothing, while the
// group has moved its partitions to the others: its tasks wait for a heartbeat that never
// comes. The Java consumer rejoins on its next poll in that state.
//
// The signature is precise: with a member id, kafkajs heartbeats (successfully, or failing
// into a rejoin or a crash) at least once per heartbeat interval between fetches, so a fetch
// that starts more than a session timeout after the last heartbeat or join is one the
// coordinator can no longer know about. A handler that runs long starts no fetch and is not
// mistaken for it.

export class MembershipWatch {
  #lastSign: number;
  #lastFetchStart = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly sessionTimeoutMs: number,
    now = Date.now(),
  ) {
    this.#lastSign = now;
  }

  /** A join completed or a heartbeat succeeded: the coordinator knows this member now. */
  member(now = Date.now()): void {
    this.#lastSign = now;
  }

  /** kafkajs started a fetch. */
  fetchStarted(now = Date.now()): void {
    this.#lastFetchStart = now;
  }

  /** The consumer (re)started: it joins before it fetches, and the clock starts again. */
  reset(now = Date.now()): void {
    this.#lastSign = now;
    this.#lastFetchStart = Number.NEGATIVE_INFINITY;
  }

  /** True when the consumer fetched on for a whole session timeout after its last sign of membership. */
  get lost(): boolean {
    return this.#lastFetchStart - this.#lastSign > this.sessionTimeoutMs;
  }

  /** Milliseconds since the last heartbeat or join, as of `now`. */
  silentFor(now = Date.now()): number {
    return now - this.#lastSign;
  }
}
