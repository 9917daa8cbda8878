// The lifecycle of a stream task, as Kafka Streams' Task.State plus FAILED (a task that
// stopped for good: its error is the instance's), with the legal moves checked:
//
//   created ──► restoring ──► running
//      │           │  ▲          │
//      │           ▼  │          │
//      ├──────► suspended ◄──────┤        restoring, running, suspended ──► failed
//      ▼           │             │
//   closed ◄───────┴─────────────┘        (every state but closed) ──► closed
//
// suspended -> restoring is a task re-initialised from its committed state (after a
// lost transaction, a broker restart); a failed task only closes.
import { IllegalStateError } from "./errors.js";

export const TaskState = {
  CREATED: "created",
  RESTORING: "restoring",
  RUNNING: "running",
  SUSPENDED: "suspended",
  FAILED: "failed",
  CLOSED: "closed",
} as const;
export type TaskState = (typeof TaskState)[keyof typeof TaskState];

const LEGAL: Record<TaskState, readonly TaskState[]> = {
  created: ["restoring", "suspended", "closed"],
  restoring: ["running", "suspended", "failed", "closed"],
  running: ["suspended", "failed", "closed"],
  suspended: ["restoring", "suspended", "failed", "closed"],
  failed: ["closed"],
  closed: [],
};

export function isLegalTaskTransition(from: TaskState, to: TaskState): boolean {
  return LEGAL[from].includes(to);
}

/** A task's state; an illegal move is a programming error, as in Kafka Streams' transitionTo. */
export class TaskStateMachine {
  readonly #taskId: string;
  #state: TaskState = TaskState.CREATED;

  constructor(taskId: string) {
    this.#taskId = taskId;
  }

  get state(): TaskState {
    return this.#state;
  }

  moveTo(to: TaskState): void {
    if (!isLegalTaskTransition(this.#state, to)) {
      throw new IllegalStateError(`Task ${this.#taskId} cannot go from ${this.#state} to ${to}`);
    }
    this.#state = to;
  }
}
