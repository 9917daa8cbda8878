// Locating and running the third-party clients the broker is tested against: kcat
// (librdkafka) and the Python clients confluent-kafka (librdkafka) and kafka-python (pure
// Python) from Debian's packages, which live under the system interpreter.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";

/** Debian installs python3-kafka and python3-confluent-kafka for /usr/bin/python3. */
export const PYTHON = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

export interface Output {
  stdout: string;
  stderr: string;
}

export async function runKcat(args: string[], input?: string, timeoutMs = 30_000): Promise<Output> {
  return runProcess("kcat", args, input, timeoutMs);
}

export async function runPython(script: string, args: string[], timeoutMs = 60_000): Promise<Output> {
  return runProcess(PYTHON, ["-c", script, ...args], undefined, timeoutMs);
}

function runProcess(command: string, args: string[], input: string | undefined, timeoutMs: number): Promise<Output> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += String(chunk)));
    child.stderr.on("data", (chunk: Buffer) => (stderr += String(chunk)));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`${command} ${args.join(" ")} exited with ${code ?? signal}\n${stderr}`));
    });
    child.stdin.end(input ?? "");
  });
}
