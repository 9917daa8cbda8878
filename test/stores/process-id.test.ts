// The process id kept in the application's state directory, in Kafka Streams' file and format.
import { chmod, mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PROCESS_FILE_NAME, loadProcessId } from "../../src/stores/process-id.js";
import { withTempStateDir } from "./temp-state-dir.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("loadProcessId", () => {
  let dir: Awaited<ReturnType<typeof withTempStateDir>>;
  const file = () => join(dir.stateDir, "app", PROCESS_FILE_NAME);

  beforeEach(async () => {
    dir = await withTempStateDir();
  });

  afterEach(async () => {
    await dir.remove();
  });

  it("makes an id on first use, keeps it as Kafka Streams does, and reads it back", async () => {
    const first = await loadProcessId(dir.stateDir, "app");
    expect(first).toEqual({ processId: expect.stringMatching(UUID), persisted: false });
    expect(JSON.parse(await readFile(file(), "utf8"))).toEqual({ processId: first.processId });
    const again = await loadProcessId(dir.stateDir, "app");
    expect(again).toEqual({ processId: first.processId, persisted: true });
    // Atomic write: no temporary file is left beside it.
    expect(await readdir(join(dir.stateDir, "app"))).toEqual([PROCESS_FILE_NAME]);
  });

  it("reads a file Kafka Streams wrote (unknown fields ignored)", async () => {
    await mkdir(join(dir.stateDir, "app"), { recursive: true });
    const id = "0f6d2c39-3b0e-4c4a-9a51-1e2f3a4b5c6d";
    await writeFile(file(), JSON.stringify({ processId: id, somethingNewer: 1 }));
    expect(await loadProcessId(dir.stateDir, "app")).toEqual({ processId: id, persisted: true });
  });

  it.each([
    ["not JSON", "\u0000\u0001garbage"],
    ["an empty file", ""],
    ["no process id", JSON.stringify({ other: 1 })],
    ["a process id that is no UUID", JSON.stringify({ processId: "../../etc" })],
    ["JSON that is no object", "42"],
  ])("replaces a damaged file (%s) with a fresh id and a warning, never failing", async (_what, content) => {
    await mkdir(join(dir.stateDir, "app"), { recursive: true });
    await writeFile(file(), content);
    const loaded = await loadProcessId(dir.stateDir, "app");
    expect(loaded.processId).toMatch(UUID);
    expect(loaded.persisted).toBe(false);
    expect(loaded.warning).toContain("holds no valid process id");
    expect(JSON.parse(await readFile(file(), "utf8"))).toEqual({ processId: loaded.processId });
  });

  it("gives a fresh id with a warning when the file cannot be read or written", async () => {
    // A directory where the file should be: reading and replacing it both fail.
    await mkdir(file(), { recursive: true });
    const loaded = await loadProcessId(dir.stateDir, "app");
    expect(loaded.processId).toMatch(UUID);
    expect(loaded.persisted).toBe(false);
    expect(loaded.warning).toMatch(/cannot read .*; the new process id .* cannot be kept/);
    expect(await readdir(join(dir.stateDir, "app"))).toEqual([PROCESS_FILE_NAME]);
  });

  it("gives a fresh id with a warning when the state directory is read-only", async () => {
    if (process.getuid?.() === 0) {
      // root writes anyway: a file in place of the application directory makes the write fail instead.
      await writeFile(join(dir.stateDir, "app"), "not a directory");
    } else {
      await chmod(dir.stateDir, 0o500);
    }
    try {
      const loaded = await loadProcessId(dir.stateDir, "app");
      expect(loaded.processId).toMatch(UUID);
      expect(loaded.warning).toContain("cannot be kept");
    } finally {
      await chmod(dir.stateDir, 0o700);
    }
  });
});
