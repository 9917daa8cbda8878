// `eddy query <store> <key>` of a window, session or versioned store: the key's windows,
// sessions or versions in --from/--to, one JSON line each, oldest first (--desc: newest
// first), page by page. Which route depends on the store's type; the API names it when
// asked the wrong one.
import { apiRequest, errorMessage } from "./api-request.js";
import type { ApiResponse } from "./api-request.js";

export type WindowedStoreType = "window" | "session" | "versioned";

const LIST_OF: Readonly<Record<WindowedStoreType, string>> = {
  window: "windows",
  session: "sessions",
  versioned: "versions",
};

/** Whether a store type has a time-ranged list of a key. */
export function isWindowedStoreType(type: string | undefined): type is WindowedStoreType {
  return type !== undefined && Object.hasOwn(LIST_OF, type);
}

export interface WindowQueryOptions {
  readonly base: string;
  readonly token: string | undefined;
  readonly from: string | undefined;
  readonly to: string | undefined;
  readonly limit: string | undefined;
  readonly desc: boolean;
  readonly allowStale: boolean;
  readonly all: boolean;
  readonly full: boolean;
}

/** The store's type as a 400 EDDY_ERR_WRONG_STORE_TYPE names it, if the answer is one. */
export function wrongStoreType(response: ApiResponse): string | undefined {
  if (response.status !== 400) return undefined;
  try {
    const body = JSON.parse(response.text) as { code?: unknown; storeType?: unknown };
    return body.code === "EDDY_ERR_WRONG_STORE_TYPE" && typeof body.storeType === "string" ? body.storeType : undefined;
  } catch {
    return undefined;
  }
}

/** Prints the key's windows, sessions or versions; the exit code. */
export async function queryWindows(type: WindowedStoreType, key: string, options: WindowQueryOptions): Promise<number> {
  const list = LIST_OF[type];
  let cursor: string | null = null;
  let first = true;
  do {
    const params = new URLSearchParams();
    if (options.from !== undefined) params.set("from", options.from);
    if (options.to !== undefined) params.set("to", options.to);
    if (options.limit !== undefined) params.set("limit", options.limit);
    if (options.desc) {
      if (type === "session") {
        process.stderr.write("eddy query: --desc orders windows and versions; sessions come by end\n");
        return 2;
      }
      params.set("order", "desc");
    } else if (type === "versioned") {
      // The API gives versions newest first by default; the command lists every kind oldest first.
      params.set("order", "asc");
    }
    if (options.allowStale) params.set("allowStale", "true");
    if (cursor !== null) params.set("cursor", cursor);
    const response = await apiRequest(`${options.base}/${encodeURIComponent(key)}/${list}?${params}`, {
      token: options.token,
      headers: { accept: "application/json" },
    });
    if (response.status !== 200) {
      // A store of the other windowed type: ask its own route once.
      const actual = wrongStoreType(response);
      if (first && isWindowedStoreType(actual) && actual !== type) return queryWindows(actual, key, options);
      process.stderr.write(`eddy query: ${errorMessage(response)}\n`);
      return 1;
    }
    first = false;
    const page = JSON.parse(response.text) as Record<string, unknown> & { nextCursor: string | null; stale: boolean };
    const items = (page[list] as unknown[] | undefined) ?? [];
    if (options.full) process.stdout.write(`${JSON.stringify(page)}\n`);
    else process.stdout.write(items.map((item) => `${JSON.stringify(item)}\n`).join(""));
    if (page.stale) process.stderr.write("eddy query: stale: a standby or restoring copy answered\n");
    cursor = options.all ? page.nextCursor : null;
    if (!options.all && page.nextCursor !== null)
      process.stderr.write(`eddy query: more ${list}: --all, or the API's cursor=${page.nextCursor}\n`);
  } while (cursor !== null);
  return 0;
}
