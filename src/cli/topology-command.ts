// `eddy topology`: prints a topology as Kafka Streams prints it (or as JSON), from a
// running app's API or straight from an app module without running it.
import {
  API_OPTIONS,
  URL_OPTIONS,
  apiRequest,
  apiToken,
  apiUrl,
  errorMessage,
  reportingUnreachable,
} from "./api-request.js";
import { loadApp } from "./app-module.js";
import { optionsHelp, parseCommandLine } from "./command-line.js";
import type { Command } from "./commands.js";

const USAGE = `Usage: eddy topology [options]

Prints the topology of a running app (its API) or of an app module (--app, nothing runs).

Options:
${optionsHelp([
  ...URL_OPTIONS,
  ["--app <module>", "describe this app module instead (see `eddy run --help`)"],
  ["--config <file>", "with --app: the config to build the topology with"],
  ["--json", "the JSON description instead of Kafka Streams' text"],
  ["-h, --help", "show this help"],
])}`;

async function run(args: string[]): Promise<number> {
  const parsed = parseCommandLine(
    "topology",
    USAGE,
    args,
    { ...API_OPTIONS, app: { type: "string" }, config: { type: "string" }, json: { type: "boolean" } },
    { positionals: false },
  );
  if (typeof parsed === "number") return parsed;
  const { values } = parsed;
  if (values.app !== undefined) {
    const { topology } = await loadApp(values.app, {
      configFile: values.config,
      overrides: {},
      requireConnection: false,
    });
    process.stdout.write(
      values.json ? `${JSON.stringify(topology.describe().toJSON(), null, 2)}\n` : topology.describe().toString(),
    );
    return 0;
  }
  const response = await apiRequest(`${apiUrl(values.url)}/topology`, {
    token: apiToken(values.token),
    headers: { accept: values.json ? "application/json" : "text/plain" },
  });
  if (response.status !== 200) {
    process.stderr.write(`eddy topology: ${errorMessage(response)}\n`);
    return 1;
  }
  process.stdout.write(values.json ? `${JSON.stringify(JSON.parse(response.text), null, 2)}\n` : response.text);
  return 0;
}

export const topologyCommand: Command = {
  name: "topology",
  summary: "print the topology of a running app or of an app module",
  run: (args) => reportingUnreachable("topology", () => run(args)),
};
