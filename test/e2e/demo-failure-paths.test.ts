// The demo's failure paths as a newcomer meets them: a second instance started before
// the first says once what to do (and retries quietly), stops at the first Ctrl-C, and
// a taken port is one line naming it and the option that moves it.
import { createServer } from "node:net";
import type { Server } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../integration/support/ports.js";
import { CliProcess } from "./support/cli-process.js";

const children: CliProcess[] = [];

function demo(name: string, args: string[], env: Record<string, string> = {}): CliProcess {
  const child = new CliProcess(
    name,
    ["--conditions=development", "--import", "tsx", "examples/demo/start.ts", ...args],
    { command: process.execPath, env: { EDDY_LOG_FORMAT: "json", ...env } },
  );
  children.push(child);
  return child;
}

afterAll(async () => {
  await Promise.all(children.map((c) => c.kill()));
});

describe("npm start's failure paths", () => {
  it("tells instance 2 to start instance 1 first, once, retries quietly, and stops at the first SIGTERM", async () => {
    const brokerPort = await freePort();
    const child = demo("instance-2", [
      "--instance",
      "2",
      "--broker-port",
      String(brokerPort),
      "--port",
      String(await freePort()),
    ]);
    await child.waitFor(/start instance 1 first/, 30_000, "stderr");
    // Quiet retries: still one warning a few seconds later.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const lines = child.stderr.split("\n").filter((line) => line.trim() !== "");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`Cannot reach Kafka at 127.0.0.1:${brokerPort} (connection refused)`);
    expect(lines[0]).toContain(
      `start instance 1 first (\`npm start\` in another terminal with --broker-port ${brokerPort})`,
    );
    const stopped = await child.stop("SIGTERM");
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(6_000);
  });

  it("names a taken web port and --port in one line, without a stack trace", async () => {
    const busy: Server = createServer();
    const port = await new Promise<number>((resolve) =>
      busy.listen(0, "127.0.0.1", () => resolve((busy.address() as { port: number }).port)),
    );
    try {
      const child = demo("busy-web", [
        "--port",
        String(port),
        "--broker-port",
        String(await freePort()),
        "--apps",
        "bank",
        "--no-traffic",
      ]);
      const exit = await child.exited;
      expect(exit.code).toBe(1);
      expect(child.stderr.trim()).toBe(
        `eddy demo: cannot start: port ${port} is taken (the web server): stop what runs there, or pick another with --port <port> (the Eddy APIs move with it)`,
      );
    } finally {
      busy.close();
    }
  }, 90_000);
});
