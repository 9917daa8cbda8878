// Test support: runs an `eddy` command in this process, capturing what it prints.
import { vi } from "vitest";
import { commands } from "../../../src/cli/commands.js";

export interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function eddyHere(name: string, ...args: string[]): Promise<Outcome> {
  const command = commands.find((c) => c.name === name);
  if (command === undefined) throw new Error(`no command ${name}`);
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

/** `eddy query ...` */
export const query = (...args: string[]): Promise<Outcome> => eddyHere("query", ...args);

export const lines = (stdout: string): unknown[] =>
  stdout
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as unknown);
