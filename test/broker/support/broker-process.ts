// The broker as its own process (`eddy broker`), for tests that kill it with kill -9.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";

const eddy = new URL("../../../bin/eddy.js", import.meta.url).pathname;

export interface BrokerProcess {
  child: ChildProcess;
  bootstrap: string;
  port: number;
}

/** Starts `eddy broker` (port 0 = random; in memory when `dataDir` is null) and resolves once it listens. */
export async function spawnBroker(
  dataDir: string | null,
  port: number,
  options: { args?: string[]; logLevel?: string } = {},
): Promise<BrokerProcess> {
  const level = options.logLevel ?? "warn";
  const args = [eddy, "broker", "--port", String(port), "--log-level", level, ...(options.args ?? [])];
  if (dataDir !== null) args.push("--data-dir", dataDir);
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  let output = "";
  for await (const chunk of child.stdout!) {
    output += String(chunk);
    const match = /eddy broker listening on (\S+):(\d+)/.exec(output);
    if (match) return { child, bootstrap: `${match[1]}:${match[2]}`, port: Number(match[2]) };
  }
  throw new Error(`broker exited before listening: ${output}`);
}

/** The peak resident memory of a live process, in bytes (Linux: VmHWM in /proc/<pid>/status). */
export function peakMemoryBytes(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!match) throw new Error(`no VmHWM for process ${pid}`);
  return Number(match[1]) * 1024;
}
