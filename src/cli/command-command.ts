// `eddy command <topic> <JSON>`: POSTs a command to a running app's command endpoint
// and prints the reply envelope. Exit code 0 when accepted, 1 otherwise (rejected,
// invalid, timed out, refused), so scripts can branch on it.
import {
  API_OPTIONS,
  URL_OPTIONS,
  apiRequest,
  apiToken,
  apiUrl,
  errorMessage,
  reportingUnreachable,
} from "./api-request.js";
import { optionsHelp, parseCommandLine, usageError } from "./command-line.js";
import type { Command } from "./commands.js";

const USAGE = `Usage: eddy command <topic> <JSON> [options]

Sends a command (a JSON body) to the app's command endpoint for <topic>, waits for the
command handler's reply and prints it. Exits 0 when accepted, 1 when rejected, invalid
or not answered in time.

Options:
${optionsHelp([
  ["--key <key>", "the command key (the aggregate id), unless the endpoint reads it from the body"],
  ["--idempotency-key <k>", "a retry with the same key gets the first reply and is not applied twice"],
  ["--timeout-ms <n>", "how long to wait for the reply (default 10000)"],
  ...URL_OPTIONS,
  ["-h, --help", "show this help"],
])}`;

async function run(args: string[]): Promise<number> {
  const parsed = parseCommandLine("command", USAGE, args, {
    key: { type: "string" },
    "idempotency-key": { type: "string" },
    "timeout-ms": { type: "string" },
    ...API_OPTIONS,
  });
  if (typeof parsed === "number") return parsed;
  const { values, positionals } = parsed;
  const [topic, body, ...extra] = positionals;
  if (topic === undefined || body === undefined || extra.length > 0)
    return usageError("command", USAGE, "expected a topic and a JSON command");
  try {
    JSON.parse(body);
  } catch (error) {
    return usageError("command", USAGE, `the command is not JSON: ${(error as Error).message}`);
  }
  const params = new URLSearchParams();
  if (values.key !== undefined) params.set("key", values.key);
  if (values["timeout-ms"] !== undefined) params.set("timeoutMs", values["timeout-ms"]);
  const query = params.size > 0 ? `?${params}` : "";
  const response = await apiRequest(`${apiUrl(values.url)}/commands/${encodeURIComponent(topic)}${query}`, {
    token: apiToken(values.token),
    method: "POST",
    body,
    headers: {
      accept: "application/json",
      ...(values["idempotency-key"] === undefined ? {} : { "idempotency-key": values["idempotency-key"] }),
    },
  });
  if (response.status === 200 || response.status === 409 || response.status === 422) {
    process.stdout.write(`${JSON.stringify(JSON.parse(response.text), null, 2)}\n`);
    return response.status === 200 ? 0 : 1;
  }
  process.stderr.write(`eddy command: ${errorMessage(response)}\n`);
  return 1;
}

export const commandCommand: Command = {
  name: "command",
  summary: "send a command to a running app and print its reply",
  run: (args) => reportingUnreachable("command", () => run(args)),
};
