// How every `eddy` sub-command reads its arguments: node's parseArgs, strict (an unknown
// option is an error), with -h/--help printing the command's usage (exit 0) and bad
// arguments printing what is wrong followed by the usage (exit 2).
import { parseArgs } from "node:util";
import type { ParseArgsConfig } from "node:util";

type OptionSpecs = NonNullable<ParseArgsConfig["options"]>;

/** What parseArgs returns for these options: typed values and the positionals. */
export type CommandLine<O extends OptionSpecs> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: boolean; strict: true }>
>;

const HELP_OPTION = { help: { type: "boolean", short: "h" } } as const;

/** A usage error: the problem, then the usage, on stderr; exit code 2. */
export function usageError(command: string, usage: string, error: unknown): number {
  process.stderr.write(`eddy ${command}: ${error instanceof Error ? error.message : String(error)}\n\n${usage}\n`);
  return 2;
}

/**
 * Parses `args` against `options` (plus -h/--help). Returns the values and positionals,
 * or the exit code when the command has nothing more to do: 0 after printing the usage
 * for --help, 2 after a usage error.
 */
export function parseCommandLine<const O extends OptionSpecs>(
  command: string,
  usage: string,
  args: string[],
  options: O,
  { positionals = true }: { positionals?: boolean } = {},
): CommandLine<O> | number {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...options, ...HELP_OPTION }, allowPositionals: positionals, strict: true });
  } catch (error) {
    return usageError(command, usage, error);
  }
  if ((parsed.values as { help?: unknown }).help === true) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  return parsed as CommandLine<O>;
}

/** An option's flags and what it does; "\n" in the description starts a line under it. */
export type OptionHelp = readonly [flags: string, description: string];

/** Past this width, flags take a line of their own and their description goes under the column. */
const FLAGS_COLUMN_MAX = 34;

/** The options of a usage text, every description starting in one column. */
export function optionsHelp(rows: readonly OptionHelp[]): string {
  const width = Math.min(FLAGS_COLUMN_MAX, Math.max(...rows.map(([flags]) => flags.length + 2)));
  const indent = " ".repeat(2 + width);
  return rows
    .flatMap(([flags, description]) => {
      const [first = "", ...more] = description.split("\n");
      const head =
        flags.length + 2 <= width ? [`  ${flags.padEnd(width)}${first}`] : [`  ${flags}`, `${indent}${first}`];
      return [...head, ...more.map((line) => `${indent}${line}`)];
    })
    .join("\n");
}
