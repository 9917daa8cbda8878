// `eddy broker` as users run it: one ready line on stdout, clean shutdown on signals.
import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { promisify } from "node:util";
import { Kafka, logLevel } from "kafkajs";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const eddy = new URL("../../bin/eddy.js", import.meta.url).pathname;

describe("eddy broker", () => {
  it("describes its options with --help", async () => {
    const { stdout } = await run(process.execPath, [eddy, "broker", "--help"]);
    expect(stdout).toMatch(/^Usage: eddy broker \[options\]/);
    for (const option of ["--port", "--host", "--partitions", "--data-dir"]) expect(stdout).toContain(option);
    expect(stdout).toContain("Production runs on Apache Kafka");
    const top = await run(process.execPath, [eddy, "--help"]);
    expect(top.stdout).toMatch(/broker\s+run the embedded single-node Kafka broker/);
  });

  it("prints exactly one line when ready, serves clients, and exits 0 on SIGTERM", async () => {
    const child = spawn(process.execPath, [eddy, "broker", "--port", "0", "--partitions", "4", "--log-level", "warn"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += String(chunk)));
    const exited = once(child, "exit");
    try {
      while (!stdout.includes("\n")) await once(child.stdout, "data");
      const match = /^eddy broker listening on (127\.0\.0\.1:\d+)\n$/.exec(stdout);
      expect(match).not.toBeNull();
      const kafka = new Kafka({ brokers: [match![1]!], logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: "cli" }] });
      const metadata = await admin.fetchTopicMetadata({ topics: ["cli"] });
      await admin.disconnect();
      expect(metadata.topics[0]!.partitions).toHaveLength(4);
    } finally {
      child.kill("SIGTERM");
    }
    const [code] = await exited;
    expect(code).toBe(0);
    expect(stdout.split("\n").filter(Boolean)).toHaveLength(1);
  });

  it("refuses bad options with a message naming them", async () => {
    const badPort = await run(process.execPath, [eddy, "broker", "--port", "nine"]).catch((e: unknown) => e);
    expect(badPort).toMatchObject({ code: 2 });
    expect((badPort as { stderr: string }).stderr).toContain("--port must be a non-negative integer");
    // A data directory that is a file.
    const dataDir = await run(process.execPath, [eddy, "broker", "--port", "0", "--data-dir", eddy]).catch(
      (e: unknown) => e,
    );
    expect(dataDir).toMatchObject({ code: 1 });
    expect((dataDir as { stderr: string }).stderr).toContain(
      `data directory ${eddy} cannot be used: it is not a directory`,
    );
  });
});
