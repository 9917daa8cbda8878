// A task's punctuators: schedule() for its processors' contexts, and firing those due on
// stream time (after each record) or on the wall clock, each with the punctuation's time as
// its record context and what it throws wrapped in a ProcessorError naming its node.
import type { Cancellable, PunctuationType, Punctuator } from "../topology/processor.js";
import { ProcessorError } from "./processing-errors.js";
import { PunctuationScheduler } from "./punctuation-scheduler.js";
import type { PunctuationSchedule } from "./punctuation-scheduler.js";
import type { TaskRecordContext } from "./task-record-context.js";

export class TaskPunctuation {
  readonly #taskId: string;
  readonly #clock: () => number;
  readonly #context: TaskRecordContext;
  readonly #streamTime = new PunctuationScheduler();
  readonly #wallClock = new PunctuationScheduler();

  constructor(taskId: string, clock: () => number, context: TaskRecordContext) {
    this.#taskId = taskId;
    this.#clock = clock;
    this.#context = context;
  }

  /** No stream-time schedule: the executor skips punctuate() per record. */
  get noStreamTimePunctuators(): boolean {
    return this.#streamTime.isEmpty;
  }

  schedule(node: string, intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable {
    if (type === "stream-time") return this.#streamTime.schedule(node, intervalMs, 0, punctuator);
    if (type === "wall-clock-time")
      return this.#wallClock.schedule(node, intervalMs, this.#clock() + intervalMs, punctuator);
    throw new RangeError(`Unknown punctuation type ${JSON.stringify(type)}: use "stream-time" or "wall-clock-time"`);
  }

  /** Fires the punctuators of `type` due at `now`; answers how many fired. */
  punctuate(type: PunctuationType, now: number): Promise<number> {
    const scheduler = type === "stream-time" ? this.#streamTime : this.#wallClock;
    return scheduler.punctuate(now, (schedule, time) => this.#fire(schedule, time));
  }

  async #fire(schedule: PunctuationSchedule, now: number): Promise<void> {
    const context = this.#context;
    context.metadata = undefined;
    context.current = undefined;
    context.punctuationTime = now;
    try {
      await schedule.punctuator(now);
    } catch (error) {
      if (error instanceof ProcessorError) throw error;
      throw new ProcessorError(schedule.node, this.#taskId, undefined, error);
    } finally {
      context.punctuationTime = -1;
    }
  }
}
