// Test support: runs `eddy query` in this process, capturing what it prints.
import { vi } from "vitest";
import { commands } from "../../../src/cli/commands.js";

export async function query(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const command = commands.find((c) => c.name === "query");
  if (command === undefined) throw new Error("no query command");
  let stdout = "";
  let stderr = "";
  const out = vi
    .spyOn(process.stdout, "write")
    .mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = vi
    .spyOn(process.stderr, "write")
    .mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  try {
    return { code: await command.run(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

export const lines = (stdout: string): unknown[] =>
  stdout
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as unknown);
