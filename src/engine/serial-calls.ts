// One call at a time for a task, whatever its caller does: a call made while others are
// scheduled starts when the last of them settles. When none is, a call starts at once
// and chains no promise, so a record processed synchronously costs none.
const RESOLVED: Promise<void> = Promise.resolve();

export class SerialCalls {
  /** The last call scheduled; later calls start when it settles. */
  #tail: Promise<unknown> = RESOLVED;
  /** Calls scheduled and not finished: when none is, a call starts at once. */
  #outstanding = 0;

  /**
   * `work(argument)` at once when no call is scheduled, answering its outcome itself when
   * it finishes synchronously (throwing what it throws), else as run() would.
   */
  now<A, T>(work: (argument: A) => T | Promise<T>, argument: A): T | Promise<T> {
    if (this.#outstanding !== 0) return this.run(work, argument);
    this.#outstanding += 1;
    let result: T | Promise<T>;
    try {
      result = work(argument);
    } catch (error) {
      this.#outstanding -= 1;
      throw error;
    }
    if (!(result instanceof Promise)) {
      this.#outstanding -= 1;
      return result;
    }
    const settled = result.finally(() => {
      this.#outstanding -= 1;
    });
    this.#tail = settled;
    return settled;
  }

  /** `work(argument)` as a promise: at once when no call is scheduled, else after the last one. */
  run<A, T>(work: (argument: A) => T | Promise<T>, argument: A): Promise<T> {
    if (this.#outstanding !== 0) return this.queue(work, argument);
    this.#outstanding += 1;
    const result = this.#counted(work, argument);
    this.#tail = result;
    return result;
  }

  /** `work(argument)` after the last call scheduled (or the last one settled), as a promise. */
  queue<A, T>(work: (argument: A) => T | Promise<T>, argument: A): Promise<T> {
    this.#outstanding += 1;
    const start = (): Promise<T> => this.#counted(work, argument);
    const run = this.#tail.then(start, start);
    this.#tail = run;
    return run;
  }

  async #counted<A, T>(work: (argument: A) => T | Promise<T>, argument: A): Promise<T> {
    try {
      return await work(argument);
    } finally {
      this.#outstanding -= 1;
    }
  }
}
