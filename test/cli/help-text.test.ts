// Every `eddy` command's --help lists its options in two columns: each description, and
// each of its continuation lines, starts in the same column, so the text reads as a table.
import { describe, expect, it, vi } from "vitest";
import { commands } from "../../src/cli/commands.js";
import { optionsHelp } from "../../src/cli/command-line.js";

async function help(name: string): Promise<string> {
  const command = commands.find((c) => c.name === name);
  if (command === undefined) throw new Error(`no command ${name}`);
  let text = "";
  const out = vi
    .spyOn(process.stdout, "write")
    .mockImplementation((chunk: string | Uint8Array) => ((text += String(chunk)), true));
  try {
    expect(await command.run(["--help"])).toBe(0);
  } finally {
    out.mockRestore();
  }
  return text;
}

/** The column each line of the Options section starts its text in (flags, description or continuation). */
function columns(text: string): { descriptions: Set<number>; flags: string[] } {
  const section = text.split("\nOptions:\n")[1]?.split("\n\n")[0] ?? "";
  const descriptions = new Set<number>();
  const flags: string[] = [];
  for (const line of section.split("\n").filter((l) => l.trim() !== "")) {
    const option = /^ {2}(-\S+(?: \S+)*?)( {2,})(\S.*)$/.exec(line);
    if (option !== null) {
      flags.push(option[1]!);
      descriptions.add(2 + option[1]!.length + option[2]!.length);
    } else if (/^ {2}-/.test(line)) {
      flags.push(line.trim()); // flags too long for the column: the description goes under it
    } else {
      descriptions.add(line.length - line.trimStart().length);
    }
  }
  return { descriptions, flags };
}

describe("eddy --help", () => {
  for (const { name } of commands) {
    it(`eddy ${name} --help aligns its options`, async () => {
      const { descriptions, flags } = columns(await help(name));
      expect(flags).toContain("-h, --help");
      expect([...descriptions]).toHaveLength(1);
    });
  }

  it("puts flags longer than the column on a line of their own", () => {
    expect(
      optionsHelp([
        ["-a", "short"],
        ["--a-very-long-option-name-indeed <value>", "long\nand more"],
      ]),
    ).toBe(
      [
        "  -a                                short",
        "  --a-very-long-option-name-indeed <value>",
        "                                    long",
        "                                    and more",
      ].join("\n"),
    );
  });
});
