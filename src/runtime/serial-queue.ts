// Runs async work one piece at a time, in call order: a task's process/commit/suspend
// steps and the task manager's assignment changes must never interleave. A failed piece
// rejects its own caller only; the queue goes on with the next.
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(work);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
