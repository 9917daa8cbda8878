// The `eddy` command in a child process, as an operator or a supervisor runs it: its
// stdout and stderr collected, lines waited for, signals sent, the exit awaited.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

export const EDDY_BIN = fileURLToPath(new URL("../../../bin/eddy.js", import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export class CliProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout = "";
  stderr = "";

  constructor(
    readonly name: string,
    args: readonly string[],
    options: { env?: Record<string, string | undefined>; cwd?: string; command?: string } = {},
  ) {
    this.child = spawn(
      options.command ?? process.execPath,
      options.command === undefined ? [EDDY_BIN, ...args] : args,
      {
        cwd: options.cwd ?? REPO_ROOT,
        env: { ...process.env, ...options.env },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    this.child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      this.stdout += chunk;
      if (process.env.EDDY_E2E_VERBOSE) process.stderr.write(`[${name} out] ${chunk}`);
    });
    this.child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-200_000);
      if (process.env.EDDY_E2E_VERBOSE) process.stderr.write(`[${name} err] ${chunk}`);
    });
    this.exited = new Promise((resolve) => this.child.once("exit", (code, signal) => resolve({ code, signal })));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the first match of `pattern` in stdout (or stderr), failing if the process exits first. */
  async waitFor(pattern: RegExp, timeoutMs = 60_000, stream: "stdout" | "stderr" = "stdout"): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const match = pattern.exec(stream === "stdout" ? this.stdout : this.stderr);
      if (match) return match;
      if (!this.running) {
        throw new Error(
          `${this.name} exited (${this.child.exitCode ?? this.child.signalCode}) before printing ${pattern}:\n${this.stdout}\n${this.stderr.slice(-3000)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(
      `${this.name} did not print ${pattern} within ${timeoutMs} ms:\n${this.stdout}\n${this.stderr.slice(-3000)}`,
    );
  }

  signal(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  /** Sends `signal` and resolves with how long the process took to exit, and how. */
  async stop(
    signal: NodeJS.Signals = "SIGTERM",
  ): Promise<{ ms: number; code: number | null; signal: NodeJS.Signals | null }> {
    const started = Date.now();
    this.signal(signal);
    const exit = await this.exited;
    return { ms: Date.now() - started, ...exit };
  }

  /** kill -9, and wait for it. */
  async kill(): Promise<void> {
    if (this.running) this.child.kill("SIGKILL");
    await this.exited;
  }
}
