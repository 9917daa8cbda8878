// The peers' processes as the bench sees them: their output lines, the CPU time and peak
// resident memory Linux keeps for them (/proc/<pid>/stat and status: every thread of the
// process counted, a JVM's GC and JIT threads included), and stopping them.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { createInterface } from "node:readline";

/** Runs a command to its end; rejects with its output when it fails. */
export function run(command: string, args: readonly string[], options: { cwd?: string } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} exited with ${code}:\n${output}`)),
    );
  });
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

export interface ProcessSample {
  /** User + system CPU seconds of every thread so far. */
  readonly cpuSeconds: number;
  /** Peak resident set size so far (VmHWM), in bytes. */
  readonly peakRssBytes: number;
  /** Each thread so far, by thread id (/proc/<pid>/task/<tid>/stat): its name and user + system CPU seconds. */
  readonly threads: ReadonlyMap<number, ThreadSample>;
}

export interface ThreadSample {
  /** Its name as Linux keeps it (15 characters at most); "main" for the process's first thread. */
  readonly name: string;
  readonly cpuSeconds: number;
}

/** undefined once the process is gone. */
export function sampleProcess(pid: number): ProcessSample | undefined {
  try {
    const cpuSeconds = statCpuSeconds(readFileSync(`/proc/${pid}/stat`, "utf8"));
    const threads = new Map<number, ThreadSample>();
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
        const name = Number(tid) === pid ? "main" : stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
        threads.set(Number(tid), { name, cpuSeconds: statCpuSeconds(stat) });
      } catch {
        // The thread ended between the listing and the read.
      }
    }
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(status);
    return { cpuSeconds, peakRssBytes: hwm ? Number(hwm[1]) * 1024 : 0, threads };
  } catch {
    return undefined;
  }
}

/** utime + stime of a /proc stat line, in seconds. */
function statCpuSeconds(stat: string): number {
  // The command name (field 2) may hold spaces: fields are counted after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/**
 * The CPU seconds each thread spent between two samples, the busiest first. A system whose
 * work runs on one thread is bound by it: Eddy's main thread, Kafka Streams' stream thread
 * (named after the application's client id; a short run's JIT compiler threads may pass it).
 */
export function threadsBetween(from: ProcessSample, to: ProcessSample): ThreadSample[] {
  return [...to.threads]
    .map(([tid, { name, cpuSeconds }]) => ({ name, cpuSeconds: cpuSeconds - (from.threads.get(tid)?.cpuSeconds ?? 0) }))
    .sort((a, b) => b.cpuSeconds - a.cpuSeconds);
}

/** A peer's process: its stdout lines as they come, stderr kept for the error message of a failure. */
export class PeerProcess {
  readonly startedAt = Date.now();
  readonly lines: string[] = [];
  #stderr = "";
  #exited: Promise<number | null>;
  #waiters: Array<{ test: (line: string) => boolean; resolve: (line: string) => void }> = [];
  #exitCode: number | null | undefined;

  constructor(
    readonly label: string,
    readonly child: ChildProcess,
  ) {
    live.add(this);
    createInterface({ input: child.stdout! }).on("line", (line) => {
      this.lines.push(line);
      this.#waiters = this.#waiters.filter((w) => {
        if (!w.test(line)) return true;
        w.resolve(line);
        return false;
      });
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString()).slice(-8_000);
      if (process.env.BENCH_PEERS_VERBOSE) process.stderr.write(`[${label}] ${chunk.toString()}`);
    });
    this.#exited = new Promise((resolve) =>
      child.once("exit", (code) => {
        this.#exitCode = code;
        live.delete(this);
        resolve(code);
      }),
    );
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  sample(): ProcessSample | undefined {
    return sampleProcess(this.pid);
  }

  /** The first line (already printed or to come) that passes `test`; rejects when the process exits first or after `timeoutMs`. */
  waitForLine(test: (line: string) => boolean, timeoutMs: number): Promise<string> {
    const seen = this.lines.find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${this.label}: no matching line in ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.#waiters.push({
        test,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
      void this.#exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${this.label} exited (${code}) before it was ready:\n${this.#stderr}`));
      });
    });
  }

  /** Throws when the process died (a crashed peer must not be measured as a slow one). */
  assertAlive(): void {
    if (this.#exitCode !== undefined)
      throw new Error(`${this.label} exited (${this.#exitCode}) while measured:\n${this.#stderr}`);
  }

  /** SIGTERM (a clean close), then SIGKILL after `graceMs`. */
  async stop(graceMs = 30_000): Promise<void> {
    if (this.#exitCode !== undefined) return;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    await this.#exited;
    clearTimeout(timer);
  }
}

const live = new Set<PeerProcess>();

/** Whatever happens to the bench, no peer outlives it. */
export function killAllPeers(): void {
  for (const peer of live) peer.child.kill("SIGKILL");
}
