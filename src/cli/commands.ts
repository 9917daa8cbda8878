// The registry of `eddy` sub-commands. Each command lives in its own file and parses
// its own options; this list is what `eddy --help` prints.
import { brokerCommand } from "./broker-command.js";

export interface Command {
  name: string;
  summary: string;
  /** Runs the command with the arguments after its name; resolves to the exit code. */
  run(args: string[]): Promise<number>;
}

export const commands: Command[] = [brokerCommand];
