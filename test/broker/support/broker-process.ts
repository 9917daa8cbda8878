// The broker as its own process (`eddy broker`), for tests that kill it with kill -9.
import { spawn, type ChildProcess } from "node:child_process";

const eddy = new URL("../../../bin/eddy.js", import.meta.url).pathname;

export interface BrokerProcess {
  child: ChildProcess;
  bootstrap: string;
  port: number;
}

/** Starts `eddy broker --data-dir` (port 0 = random) and resolves once it listens. */
export async function spawnBroker(dataDir: string, port: number): Promise<BrokerProcess> {
  const child = spawn(
    process.execPath,
    [eddy, "broker", "--port", String(port), "--data-dir", dataDir, "--log-level", "warn"],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let output = "";
  for await (const chunk of child.stdout!) {
    output += String(chunk);
    const match = /eddy broker listening on (\S+):(\d+)/.exec(output);
    if (match) return { child, bootstrap: `${match[1]}:${match[2]}`, port: Number(match[2]) };
  }
  throw new Error(`broker exited before listening: ${output}`);
}
