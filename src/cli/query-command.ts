// `eddy query <store> [key]`: a point lookup (prints the value as JSON; of a versioned
// store, as of --as-of), a key's windows, sessions or versions in a time range
// (window-query.ts), or without a key a scan (one JSON line per entry), through any
// instance's API.
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
import { isWindowedStoreType, queryWindows, wrongStoreType } from "./window-query.js";

const USAGE = `Usage: eddy query <store> [key] [options]

With a key: looks the key up (whichever instance owns it answers) and prints its value
as JSON; of a window store, prints the key's windows that start in --from..--to, one
{"start":...,"end":...,"value":...} line each (times in epoch ms); of a session store,
its sessions that end at or after --from and start at or before --to; of a versioned
store, its latest version (--as-of: the one valid then), or with --versions (or a time
range) its versions valid in --from..--to, one {"value":...,"timestamp":...,"validTo":...}
line each. Without a key:
scans the store across all instances, in key order, printing one {"key":...,"value":...}
line per entry. Times are epoch milliseconds or ISO 8601 with a zone (2026-12-04T10:00Z).

Options:
${optionsHelp([
  ...URL_OPTIONS,
  ["--allow-stale", "accept a standby's (possibly behind) value while the owner cannot answer"],
  ["--full", "print the whole answer (key, value, partition, stale) instead of the value"],
  ["--from <key|time>", "scan: lowest key (inclusive); windows: earliest start;\nsessions: earliest end"],
  ["--to <key|time>", "scan: highest key (inclusive); windows: latest start;\nsessions: latest start"],
  ["--desc", "windows, versions: newest first"],
  ["--as-of <time>", "versioned: the version valid at this time"],
  ["--versions", "versioned: list the key's versions (in --from..--to)"],
  ["--prefix <key>", "scan: keys starting with this one"],
  ["--limit <n>", "scan, windows, sessions: per page (default 100, at most 1000)"],
  ["--all", "scan, windows, sessions: follow the pages to the end"],
  ["-h, --help", "show this help"],
])}`;

async function run(args: string[]): Promise<number> {
  const parsed = parseCommandLine("query", USAGE, args, {
    ...API_OPTIONS,
    "allow-stale": { type: "boolean" },
    full: { type: "boolean" },
    from: { type: "string" },
    to: { type: "string" },
    prefix: { type: "string" },
    limit: { type: "string" },
    all: { type: "boolean" },
    desc: { type: "boolean" },
    "as-of": { type: "string" },
    versions: { type: "boolean" },
  });
  if (typeof parsed === "number") return parsed;
  const { values, positionals } = parsed;
  const [store, key, ...extra] = positionals;
  if (store === undefined || extra.length > 0)
    return usageError("query", USAGE, "expected a store and at most one key");
  const base = `${apiUrl(values.url)}/stores/${encodeURIComponent(store)}/keys`;

  const windowOptions = {
    base,
    token: apiToken(values.token),
    from: values.from,
    to: values.to,
    limit: values.limit,
    desc: values.desc === true,
    allowStale: values["allow-stale"] === true,
    all: values.all === true,
    full: values.full === true,
  };
  if (values.versions === true || values["as-of"] !== undefined) {
    if (key === undefined) return usageError("query", USAGE, "--versions and --as-of read one key: name it");
    if (values.versions === true && values["as-of"] !== undefined)
      return usageError("query", USAGE, "--versions lists every version; --as-of reads one: pick one");
  }
  if (key !== undefined && values.versions === true) return queryWindows("versioned", key, windowOptions);
  // A time range with a key asks for windows (the API says when the store holds sessions or versions).
  if (key !== undefined && (values.from !== undefined || values.to !== undefined || values.desc === true))
    return queryWindows("window", key, windowOptions);

  if (key !== undefined) {
    const params = new URLSearchParams();
    if (values["allow-stale"]) params.set("allowStale", "true");
    if (values["as-of"] !== undefined) params.set("asOf", values["as-of"]);
    const query = params.toString();
    const response = await apiRequest(`${base}/${encodeURIComponent(key)}${query === "" ? "" : `?${query}`}`, {
      token: apiToken(values.token),
      headers: { accept: "application/json" },
    });
    const type = wrongStoreType(response);
    if (isWindowedStoreType(type) && values["as-of"] === undefined) return queryWindows(type, key, windowOptions);
    if (response.status !== 200) {
      process.stderr.write(`eddy query: ${errorMessage(response)}\n`);
      return 1;
    }
    const answer = JSON.parse(response.text) as { value: unknown; stale: boolean };
    process.stdout.write(`${JSON.stringify(values.full ? answer : answer.value)}\n`);
    if (answer.stale) process.stderr.write("eddy query: stale: a standby or restoring copy answered\n");
    return 0;
  }

  let cursor: string | null = null;
  do {
    const params = new URLSearchParams();
    for (const name of ["from", "to", "prefix", "limit"] as const)
      if (values[name] !== undefined) params.set(name, values[name]);
    if (values["allow-stale"]) params.set("allowStale", "true");
    if (cursor !== null) params.set("cursor", cursor);
    const response = await apiRequest(`${base}?${params}`, {
      token: apiToken(values.token),
      headers: { accept: "application/json" },
    });
    if (response.status !== 200) {
      process.stderr.write(`eddy query: ${errorMessage(response)}\n`);
      return 1;
    }
    const page = JSON.parse(response.text) as { entries: unknown[]; nextCursor: string | null };
    process.stdout.write(page.entries.map((entry) => `${JSON.stringify(entry)}\n`).join(""));
    cursor = values.all ? page.nextCursor : null;
    if (!values.all && page.nextCursor !== null)
      process.stderr.write(`eddy query: more entries: --all, or the API's cursor=${page.nextCursor}\n`);
  } while (cursor !== null);
  return 0;
}

export const queryCommand: Command = {
  name: "query",
  summary: "look a key up, or scan a store, through a running app's API",
  run: (args) => reportingUnreachable("query", () => run(args)),
};
