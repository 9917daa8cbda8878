// Read-your-writes for interactive queries. A task's outputs (a command's reply above
// all) can become visible to other clients a moment before the task's state reaches
// LevelDB: under exactly-once the reply is readable once EndTxn commits, and the
// overlay is written after that; under at-least-once a background flush makes records
// readable before the next commit writes their state. A client that got the reply and
// reads the key at once would see the state from before its command.
//
// The gate closes before anything the store does not hold yet can be seen (EndTxn sent,
// an at-least-once send) and opens once the store holds it; lookups of a running task
// wait while it is closed. It also keeps the task's store position, as Kafka Streams'
// IQv2 Position: per input partition, the next offset whose effects the store holds, so
// that a lookup bounded by a position (the offset of a command the client sent) waits
// until the store got there.
//
// At-least-once has no fencing: an earlier owner of the task (another instance, or this one
// before the task lost its uncommitted work) may have made replies visible whose state never
// reached the changelog or the committed offsets. The task processes those commands again,
// but a lookup in between would read the state from before them. So a task that starts
// catching up holds lookups until its store got past where its input partitions ended when
// it started (catchUp): every command an earlier owner could have answered is behind that.
import type { TopicPartitionOffset } from "../kafka/types.js";
import { topicPartitionKey } from "../kafka/types.js";

/** What a lookup waits for: undefined means "read now". */
export type ReadWait = Promise<ReadReadiness> | undefined;

export type ReadReadiness = { readonly ready: true } | { readonly ready: false; readonly reason: string };

const READY: ReadReadiness = Object.freeze({ ready: true });

export class ReadGate {
  #closed = false;
  readonly #position = new Map<string, number>();
  /** Per input partition, where the store must get before any lookup goes (see catchUp). */
  readonly #floor = new Map<string, number>();
  readonly #waiters = new Set<{ check(): void; finish(readiness: ReadReadiness): void }>();

  /** From now on clients may see outputs whose state the store does not hold yet. */
  close(): void {
    this.#closed = true;
  }

  /** The store holds everything processed up to `position` (next offsets, per input partition). */
  open(position?: Iterable<TopicPartitionOffset>): void {
    if (position !== undefined) for (const p of position) this.#position.set(topicPartitionKey(p), p.offset);
    this.#closed = false;
    this.#wake();
  }

  /**
   * Lookups wait until the store's position reaches `ends` (the input partitions' end
   * offsets when the task started), however open the gate is; see the top of this file.
   */
  catchUp(ends: Iterable<TopicPartitionOffset>): void {
    for (const end of ends) {
      const key = topicPartitionKey(end);
      if ((this.#position.get(key) ?? -1) < end.offset) this.#floor.set(key, end.offset);
    }
  }

  /** Whether lookups wait for the store to catch up (catchUp) rather than for a commit. */
  get catchingUp(): boolean {
    return this.#floor.size > 0;
  }

  /** The task stopped running (suspended, failed, closed): waiting readers give up. */
  abandon(reason: string): void {
    this.#closed = false;
    this.#position.clear();
    this.#floor.clear();
    for (const waiter of [...this.#waiters]) waiter.finish({ ready: false, reason });
  }

  /** The next offset whose effects the store holds, for an input partition. */
  positionOf(topic: string, partition: number): number | undefined {
    return this.#position.get(`${topic}|${partition}`);
  }

  #wake(): void {
    for (const [key, end] of this.#floor) if ((this.#position.get(key) ?? -1) >= end) this.#floor.delete(key);
    for (const waiter of [...this.#waiters]) waiter.check();
  }

  #reached(bound: readonly TopicPartitionOffset[]): boolean {
    // A bound is the offset of a record the client wants reflected (Kafka Streams'
    // PositionBound): reached once the store's next offset is past it.
    return this.#floor.size === 0 && bound.every((b) => (this.#position.get(topicPartitionKey(b)) ?? -1) > b.offset);
  }

  /**
   * undefined when a read may go ahead at once; otherwise a promise that settles once
   * the gate is open and `bound` (offsets of records the caller wants reflected) is
   * reached, or when `timeoutMs` passed (ready: false, with the reason).
   */
  wait(bound: readonly TopicPartitionOffset[], timeoutMs: number): ReadWait {
    if (!this.#closed && this.#reached(bound)) return undefined;
    return new Promise<ReadReadiness>((resolve) => {
      const waiter = {
        check: () => {
          if (!this.#closed && this.#reached(bound)) waiter.finish(READY);
        },
        finish: (readiness: ReadReadiness) => {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          resolve(readiness);
        },
      };
      const timer = setTimeout(() => {
        const behind = bound
          .filter((b) => (this.#position.get(topicPartitionKey(b)) ?? -1) <= b.offset)
          .map(
            (b) =>
              `${b.topic}-${b.partition} is at ${this.#position.get(topicPartitionKey(b)) ?? "no offset"}, asked past ${b.offset}`,
          );
        const catchingUp = [...this.#floor].map(
          ([key, end]) => `${key.replace("|", "-")} is at ${this.#position.get(key) ?? "no offset"} of ${end}`,
        );
        waiter.finish({
          ready: false,
          reason:
            behind.length > 0
              ? `the store did not reach the position within ${timeoutMs} ms (${behind.join("; ")})`
              : catchingUp.length > 0
                ? `the task did not catch up with its input within ${timeoutMs} ms (${catchingUp.join("; ")})`
                : `the task's commit did not finish within ${timeoutMs} ms`,
        });
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }
}
