// The registry of `eddy` sub-commands. Each command lives in its own file and parses
// its own options; this list is what `eddy --help` prints.
import { brokerCommand } from "./broker-command.js";

export interface Command {
  name: string;
  summary: string;
  /** Runs the command with the arguments after its name; resolves to the exit code. */
  run(args: string[]): Promise<number>;
}

/** A command whose module (and what it imports: the runtime, kafkajs, fastify) loads only when it runs. */
function lazy(name: string, summary: string, load: () => Promise<Command>): Command {
  return { name, summary, run: async (args) => (await load()).run(args) };
}

export const commands: Command[] = [
  brokerCommand,
  lazy(
    "run",
    "run an Eddy application module (and its HTTP API)",
    async () => (await import("./run-command.js")).runCommand,
  ),
  lazy(
    "produce",
    "produce one record to a topic (key, JSON value, headers)",
    async () => (await import("./produce-command.js")).produceCommand,
  ),
  lazy(
    "command",
    "send a command to a running app and print its reply",
    async () => (await import("./command-command.js")).commandCommand,
  ),
  lazy(
    "query",
    "look a key up, or scan a store, through a running app's API",
    async () => (await import("./query-command.js")).queryCommand,
  ),
  lazy(
    "topology",
    "print the topology of a running app or of an app module",
    async () => (await import("./topology-command.js")).topologyCommand,
  ),
];
