// Starting, watching and killing streams-runner processes from a test.
import { fork } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { RunnerEvent, RunnerOptions } from "./streams-runner.js";

const RUNNER = fileURLToPath(new URL("./streams-runner.ts", import.meta.url));

export class StreamsProcess {
  readonly events: RunnerEvent[] = [];
  /** Every distinct log message (pino's msg) the process wrote to stderr. */
  readonly logged = new Set<string>();
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  #stderr = "";

  constructor(
    readonly name: string,
    options: RunnerOptions,
  ) {
    this.child = fork(RUNNER, [JSON.stringify(options)], {
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    let buffered = "";
    this.child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      buffered += chunk;
      let newline = buffered.indexOf("\n");
      while (newline >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line.trim() !== "") this.events.push(JSON.parse(line) as RunnerEvent);
        newline = buffered.indexOf("\n");
      }
    });
    let stderrLine = "";
    this.child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-20_000);
      const lines = (stderrLine + chunk).split("\n");
      stderrLine = lines.pop() ?? "";
      for (const line of lines) {
        const msg = /"msg":"((?:[^"\\]|\\.)*)"/.exec(line)?.[1];
        if (msg !== undefined) this.logged.add(msg);
      }
      if (process.env.EDDY_E2E_VERBOSE) process.stderr.write(`[${name}] ${chunk}`);
    });
    this.exited = new Promise((resolve) => this.child.once("exit", (code) => resolve(code)));
  }

  get stderr(): string {
    return this.#stderr;
  }

  /** Events since index `from` of the given kind. */
  eventsOf<K extends RunnerEvent["event"]>(kind: K, from = 0): Array<Extract<RunnerEvent, { event: K }>> {
    return this.events.slice(from).filter((e): e is Extract<RunnerEvent, { event: K }> => e.event === kind);
  }

  /** Resolves when the process reached `state` after event index `from`. */
  async waitForState(state: string, from = 0, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.eventsOf("state", from).some((e) => e.state === state)) return;
      const error = this.eventsOf("error")[0];
      if (error) throw new Error(`${this.name} failed: ${error.message}`);
      if (this.child.exitCode !== null)
        throw new Error(`${this.name} exited with ${this.child.exitCode}: ${this.#stderr.slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(
      `${this.name} did not reach ${state} in ${timeoutMs} ms; last events: ${JSON.stringify(this.events.slice(-5))}\n${this.#stderr.slice(-2000)}`,
    );
  }

  /** kill -9: no shutdown hook runs, nothing is committed or closed. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    process.kill(this.child.pid as number, "SIGKILL");
    await this.exited;
  }

  /** kill -STOP / kill -CONT: the process freezes (no timer, no heartbeat) and later goes on where it was. */
  freeze(): void {
    process.kill(this.child.pid as number, "SIGSTOP");
  }

  thaw(): void {
    process.kill(this.child.pid as number, "SIGCONT");
  }

  /** A clean shutdown (SIGTERM: the runner closes KafkaStreams). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill("SIGTERM");
    await this.exited;
  }
}
