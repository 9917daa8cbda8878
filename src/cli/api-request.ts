// What the client commands (query, command, topology) share: where the Eddy API is,
// and one HTTP request to it with a clear message when it cannot be reached.

import type { OptionHelp } from "./command-line.js";

/**
 * An application's Eddy API is served on its `applicationServer`, one port per
 * application: `npm start` serves url-visits on 8081, bank on 8082 and orders on 8083
 * (8080 is the demo's web server, not an Eddy API). The first is the default.
 */
export const DEFAULT_API_URL = "http://127.0.0.1:8081";

/** The options every client command takes to reach the API, as `optionsHelp` prints them. */
export const URL_OPTIONS: readonly OptionHelp[] = [
  [
    "--url <url>",
    `the Eddy API (applicationServer) of any instance of the app\n(default $EDDY_URL, else ${DEFAULT_API_URL}; npm start serves\nurl-visits on :8081, bank on :8082, orders on :8083)`,
  ],
  ["--token <token>", "a bearer token of the app's apiTokens (default $EDDY_API_TOKEN;\nnpm start prints one)"],
];

/** The options every client command takes to reach the API. */
export const API_OPTIONS = { url: { type: "string" }, token: { type: "string" } } as const;

/** --token, else EDDY_API_TOKEN; undefined when neither is set (an API without tokens). */
export function apiToken(option: string | undefined): string | undefined {
  const token = option ?? process.env.EDDY_API_TOKEN;
  return token === undefined || token === "" ? undefined : token;
}

export function apiUrl(option: string | undefined): string {
  return (option ?? process.env.EDDY_URL ?? DEFAULT_API_URL).replace(/\/+$/, "");
}

export interface ApiResponse {
  /** http://host:port of the API that answered. */
  readonly origin: string;
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

export class ApiUnreachableError extends Error {}

export async function apiRequest(
  url: string,
  init: { method?: "GET" | "POST"; body?: string; headers?: Record<string, string>; token?: string | undefined } = {},
): Promise<ApiResponse> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method ?? "GET",
      headers: {
        ...(init.body === undefined ? {} : { "content-type": "application/json" }),
        ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }),
        ...init.headers,
      },
      ...(init.body === undefined ? {} : { body: init.body }),
    });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
    throw new ApiUnreachableError(
      `cannot reach the Eddy API at ${new URL(url).origin}: ${cause} (set --url or EDDY_URL)`,
    );
  }
  return {
    origin: new URL(url).origin,
    status: response.status,
    headers: response.headers,
    text: await response.text(),
  };
}

// Each application serves its own API: a store or command topic unknown there is most
// likely another application's (npm start runs three, on three ports).
const ANOTHER_APPS = new Set(["EDDY_ERR_STORE_NOT_FOUND", "EDDY_ERR_COMMAND_TOPIC_NOT_FOUND"]);

/**
 * What to say when the server at --url is not an Eddy API (the demo's web server, another
 * service): every error an Eddy API answers carries an EDDY_ERR_* code.
 */
function notAnEddyApi(response: ApiResponse): string {
  return (
    `${response.origin} answered ${response.status} and is not an Eddy API: give --url (or EDDY_URL) the ` +
    "applicationServer of an instance of the app (npm start serves url-visits on :8081, bank on :8082, " +
    "orders on :8083; :8080 is the demo's web server)"
  );
}

/** An error body's message, or the raw text. */
export function errorMessage(response: ApiResponse): string {
  try {
    const body = JSON.parse(response.text) as { message?: unknown; code?: unknown };
    if (typeof body.code !== "string" || !body.code.startsWith("EDDY_ERR_")) return notAnEddyApi(response);
    if (typeof body.message === "string") {
      const hint =
        typeof body.code === "string" && ANOTHER_APPS.has(body.code)
          ? ` (${response.origin} is one application's API: give --url the applicationServer of the application that has it)`
          : "";
      return `${response.status}: ${body.message}${hint}`;
    }
  } catch {
    // not JSON: an Eddy API answers its errors in JSON
    return notAnEddyApi(response);
  }
  return `${response.status}: ${response.text}`;
}

/** Runs a client command's work, turning an unreachable API into a message and exit code 1. */
export async function reportingUnreachable(command: string, work: () => Promise<number>): Promise<number> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof ApiUnreachableError)) throw error;
    process.stderr.write(`eddy ${command}: ${error.message}\n`);
    return 1;
  }
}
