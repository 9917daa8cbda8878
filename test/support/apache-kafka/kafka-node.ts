// One Apache Kafka node: a real JVM running kafka.Kafka from the release's jars, its log dir
// formatted by kafka.tools.StorageTool as `kafka-storage format` does, its output appended to
// a log file that every failure names. The JVM runs under a small sh wrapper that holds the
// test process's end of a pipe: when the test process dies without stopping the node (a killed
// worker, a crashed runner), the pipe closes and the wrapper kills the JVM, so no broker outlives
// the run. Tests may kill -9, freeze (SIGSTOP) and thaw the JVM itself, and start it again on
// the same ports and data.
import { execFile, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { appendFileSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { ApacheKafkaError } from "./errors.js";
import { loggingConfig } from "./jars.js";
import { serverProperties } from "./server-properties.js";
import type { NodeAddress } from "./server-properties.js";
import type { JavaRuntime } from "./toolchain.js";
import type { KafkaRelease } from "./versions.js";

const run = promisify(execFile);

/** Runs "$@" with output appended to $1, prints its pid, and kills it when our stdin closes. */
const WRAPPER = [
  'log="$1"; shift',
  "exec 3<&0",
  '"$@" </dev/null 3<&- >>"$log" 2>&1 &',
  "pid=$!",
  'echo "$pid"',
  '{ cat <&3 >/dev/null; kill -9 "$pid" 2>/dev/null; } &',
  "exec 3<&-",
  'wait "$pid"',
].join("\n");

export interface NodeRuntime {
  readonly release: KafkaRelease;
  readonly java: JavaRuntime;
  /** The directory of the release's jars. */
  readonly libs: string;
  /** -Xmx of the JVM, in MiB. */
  readonly heapMb: number;
}

export type NodeState = "new" | "running" | "frozen" | "stopped";

export class ApacheKafkaNode {
  readonly id: number;
  readonly port: number;
  readonly controllerPort: number;
  /** Where the node's output goes: named by every error about it. */
  readonly logFile: string;
  readonly dataDir: string;
  readonly configFile: string;
  #wrapper: ChildProcess | undefined;
  #pid: number | undefined;
  #exited: Promise<number | null> = Promise.resolve(null);
  #state: NodeState = "new";
  #stopRequested = false;

  constructor(
    readonly address: NodeAddress,
    dir: string,
    private readonly runtime: NodeRuntime,
  ) {
    this.id = address.id;
    this.port = address.port;
    this.controllerPort = address.controllerPort;
    this.logFile = join(dir, `node-${address.id}.log`);
    this.dataDir = join(dir, `node-${address.id}`);
    this.configFile = join(dir, `node-${address.id}.properties`);
  }

  get bootstrap(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** The JVM's pid while it runs. */
  get pid(): number | undefined {
    return this.#pid;
  }

  get state(): NodeState {
    return this.#state;
  }

  /** Whether the JVM exited without being asked to (stop() or kill()): see the log file. */
  get crashed(): boolean {
    return this.#state === "stopped" && !this.#stopRequested;
  }

  /** Resolves with the JVM's exit status (128 + n for signal n) once it has exited. */
  get exited(): Promise<number | null> {
    return this.#exited;
  }

  /** Writes server.properties and formats the log dir with the cluster id, as `kafka-storage format` does. */
  async format(
    clusterId: string,
    voters: readonly NodeAddress[],
    overrides: Readonly<Record<string, string | number | boolean>> = {},
    /** SCRAM credentials to create at format time (StorageTool --add-scram), e.g. "SCRAM-SHA-256=[name=u,password=p]". */
    scram: readonly string[] = [],
  ): Promise<void> {
    await mkdir(this.dataDir, { recursive: true });
    await writeFile(this.configFile, serverProperties({ node: this.address, voters, logDir: this.dataDir, overrides }));
    this.#note(`formatting ${this.dataDir} (cluster ${clusterId}, Kafka ${this.runtime.release.version})`);
    try {
      const { stdout, stderr } = await run(
        this.runtime.java.command,
        [
          ...this.#jvmOptions(256),
          "kafka.tools.StorageTool",
          "format",
          "-t",
          clusterId,
          "-c",
          this.configFile,
          ...scram.flatMap((credential) => ["--add-scram", credential]),
        ],
        { maxBuffer: 8 << 20, timeout: 120_000 },
      );
      appendFileSync(this.logFile, `${stdout}${stderr}`);
    } catch (error) {
      const detail = error as { stdout?: string; stderr?: string };
      appendFileSync(this.logFile, `${detail.stdout ?? ""}${detail.stderr ?? ""}`);
      throw new ApacheKafkaError(
        "EDDY_ERR_TEST_KAFKA_START",
        `formatting node ${this.id}'s log dir failed: see ${this.logFile}`,
        { cause: error },
      );
    }
  }

  /** Starts the JVM (on a formatted log dir); whether it answers is the cluster's to wait for. */
  async start(): Promise<void> {
    if (this.#state === "running" || this.#state === "frozen")
      throw new ApacheKafkaError("EDDY_ERR_TEST_KAFKA_NODE", `node ${this.id} is already running (${this.logFile})`);
    this.#note(`starting node ${this.id} on ${this.bootstrap}`);
    this.#stopRequested = false;
    const wrapper = spawn(
      "sh",
      [
        "-c",
        WRAPPER,
        "kafka-node",
        this.logFile,
        this.runtime.java.command,
        ...this.#jvmOptions(this.runtime.heapMb),
        "kafka.Kafka",
        this.configFile,
      ],
      { stdio: ["pipe", "pipe", "ignore"] },
    );
    this.#wrapper = wrapper;
    this.#exited = new Promise((resolve) => {
      wrapper.once("exit", (code, signal) => {
        // Closing our end of the pipe lets the wrapper's watcher end too.
        wrapper.stdin?.destroy();
        if (this.#wrapper === wrapper) {
          this.#state = "stopped";
          this.#pid = undefined;
        }
        resolve(code ?? (signal === null ? null : 128));
      });
    });
    this.#pid = await new Promise<number>((resolve, reject) => {
      let output = "";
      wrapper.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
        output += chunk;
        const newline = output.indexOf("\n");
        if (newline >= 0) resolve(Number(output.slice(0, newline)));
      });
      wrapper.once("error", (error) =>
        reject(new ApacheKafkaError("EDDY_ERR_TEST_KAFKA_START", `could not start node ${this.id}: ${error.message}`)),
      );
      wrapper.once("exit", () =>
        reject(
          new ApacheKafkaError("EDDY_ERR_TEST_KAFKA_START", `node ${this.id} exited at once: see ${this.logFile}`),
        ),
      );
    });
    this.#state = "running";
    // Neither the wrapper nor its pipes keep the test process alive.
    wrapper.unref();
    (wrapper.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    (wrapper.stdout as unknown as { unref?: () => void } | null)?.unref?.();
  }

  /** A clean shutdown (SIGTERM: controlled shutdown), then SIGKILL if it takes longer than `timeoutMs`. */
  async stop(timeoutMs = 15_000): Promise<void> {
    const pid = this.#pid;
    if (pid === undefined) return;
    this.#note(`stopping node ${this.id}`);
    this.#stopRequested = true;
    // Waiting for the exit must keep the test process alive (the wrapper is unref()'d).
    this.#wrapper?.ref();
    signal(pid, "SIGCONT");
    signal(pid, "SIGTERM");
    const timedOut = await Promise.race([
      this.#exited.then(() => false),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(true), timeoutMs)),
    ]);
    if (timedOut) await this.kill();
  }

  /** kill -9: no controlled shutdown, nothing flushed that was not already. */
  async kill(): Promise<void> {
    const pid = this.#pid;
    if (pid === undefined) return;
    this.#note(`kill -9 node ${this.id}`);
    this.#stopRequested = true;
    this.#wrapper?.ref();
    signal(pid, "SIGKILL");
    await this.#exited;
  }

  /** SIGSTOP: the node keeps its sockets but answers nothing, as a long GC pause or a hung host. */
  freeze(): void {
    if (this.#pid === undefined || this.#state !== "running")
      throw new ApacheKafkaError("EDDY_ERR_TEST_KAFKA_NODE", `node ${this.id} is not running (${this.logFile})`);
    this.#note(`SIGSTOP node ${this.id}`);
    signal(this.#pid, "SIGSTOP");
    this.#state = "frozen";
  }

  /** SIGCONT after freeze(). */
  thaw(): void {
    if (this.#pid === undefined || this.#state !== "frozen") return;
    this.#note(`SIGCONT node ${this.id}`);
    signal(this.#pid, "SIGCONT");
    this.#state = "running";
  }

  /** The last `lines` lines of the log file, for failure messages. */
  async logTail(lines = 30): Promise<string> {
    const text = await readFile(this.logFile, "utf8").catch(() => "");
    return text
      .split("\n")
      .slice(-lines - 1)
      .join("\n");
  }

  #jvmOptions(heapMb: number): string[] {
    const logging = loggingConfig(this.runtime.release);
    return [
      "-Xms64m",
      `-Xmx${heapMb}m`,
      "-XX:+UseG1GC",
      "-XX:MaxGCPauseMillis=20",
      "-XX:+ExitOnOutOfMemoryError",
      "-Djava.awt.headless=true",
      `-D${logging.property}=${logging.file}`,
      "-cp",
      join(this.runtime.libs, "*"),
    ];
  }

  /** A line of the harness's own in the node's log, so that the log tells the whole story. */
  #note(message: string): void {
    appendFileSync(this.logFile, `[${new Date().toISOString()}] [eddy test harness] ${message}\n`);
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}
