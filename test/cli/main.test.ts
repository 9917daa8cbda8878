import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const eddy = new URL("../../bin/eddy.js", import.meta.url).pathname;

describe("eddy CLI", () => {
  it("prints usage for --help and exits 0", async () => {
    const { stdout } = await run(process.execPath, [eddy, "--help"]);
    expect(stdout).toMatch(/^Usage: eddy <command> \[options\]/);
  });

  it("rejects an unknown command with exit code 2", async () => {
    const failure = await run(process.execPath, [eddy, "no-such-command"]).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toContain('unknown command "no-such-command"');
  });
});
