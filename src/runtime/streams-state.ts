// The lifecycle of a KafkaStreams instance, with Kafka Streams' states and legal
// transitions (KafkaStreams.State):
//
//   CREATED ──────────► REBALANCING ◄──► RUNNING
//      │                    │               │
//      │                    ├──► PENDING_ERROR ──► ERROR
//      ▼                    ▼               │
//   PENDING_SHUTDOWN ◄──────┴───────────────┘
//      │
//      ▼
//   NOT_RUNNING
//
// REBALANCING covers both "the group is reassigning partitions" and "assigned tasks
// are restoring their state"; RUNNING means every assigned active task processes.
import { IllegalStateError } from "./errors.js";

export const StreamsState = {
  CREATED: "CREATED",
  REBALANCING: "REBALANCING",
  RUNNING: "RUNNING",
  PENDING_SHUTDOWN: "PENDING_SHUTDOWN",
  NOT_RUNNING: "NOT_RUNNING",
  PENDING_ERROR: "PENDING_ERROR",
  ERROR: "ERROR",
} as const;
export type StreamsState = (typeof StreamsState)[keyof typeof StreamsState];

const LEGAL: Record<StreamsState, readonly StreamsState[]> = {
  CREATED: ["REBALANCING", "PENDING_SHUTDOWN", "PENDING_ERROR"],
  REBALANCING: ["RUNNING", "REBALANCING", "PENDING_SHUTDOWN", "PENDING_ERROR"],
  RUNNING: ["REBALANCING", "RUNNING", "PENDING_SHUTDOWN", "PENDING_ERROR"],
  PENDING_SHUTDOWN: ["NOT_RUNNING"],
  NOT_RUNNING: [],
  PENDING_ERROR: ["ERROR"],
  ERROR: [],
};

export function isLegalTransition(from: StreamsState, to: StreamsState): boolean {
  return LEGAL[from].includes(to);
}

/** States in which the instance may still process: close() is meaningful, queries may be served. */
export function isRunningOrRebalancing(state: StreamsState): boolean {
  return state === StreamsState.RUNNING || state === StreamsState.REBALANCING;
}

export type StateListener = (newState: StreamsState, oldState: StreamsState) => void;

export class StreamsStateMachine {
  #state: StreamsState = StreamsState.CREATED;
  #listener: StateListener | undefined;

  get state(): StreamsState {
    return this.#state;
  }

  setListener(listener: StateListener | undefined): void {
    this.#listener = listener;
  }

  /** Moves to `to`; returns false (and does nothing) when the move is not legal, like Kafka Streams' setState. */
  transition(to: StreamsState): boolean {
    const from = this.#state;
    if (from === to && to !== StreamsState.REBALANCING && to !== StreamsState.RUNNING) return false;
    if (!isLegalTransition(from, to)) return false;
    this.#state = to;
    if (from !== to) this.#listener?.(to, from);
    return true;
  }

  /** Like transition() but a programming error when illegal. */
  require(to: StreamsState): void {
    if (!this.transition(to)) throw new IllegalStateError(`Cannot go from ${this.#state} to ${to}`);
  }
}
