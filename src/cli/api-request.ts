// What the client commands (query, command, topology) share: where the Eddy API is,
// and one HTTP request to it with a clear message when it cannot be reached.

export const DEFAULT_API_URL = "http://127.0.0.1:8080";

export const URL_OPTION_HELP = `  --url <url>           the Eddy API of any instance (default $EDDY_URL, else ${DEFAULT_API_URL})`;

export function apiUrl(option: string | undefined): string {
  return (option ?? process.env.EDDY_URL ?? DEFAULT_API_URL).replace(/\/+$/, "");
}

export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

export class ApiUnreachableError extends Error {}

export async function apiRequest(
  url: string,
  init: { method?: "GET" | "POST"; body?: string; headers?: Record<string, string> } = {},
): Promise<ApiResponse> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method ?? "GET",
      headers: { ...(init.body === undefined ? {} : { "content-type": "application/json" }), ...init.headers },
      ...(init.body === undefined ? {} : { body: init.body }),
    });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
    throw new ApiUnreachableError(`cannot reach the Eddy API at ${new URL(url).origin}: ${cause} (set --url or EDDY_URL)`);
  }
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** An error body's message, or the raw text. */
export function errorMessage(response: ApiResponse): string {
  try {
    const body = JSON.parse(response.text) as { message?: unknown };
    if (typeof body.message === "string") return `${response.status}: ${body.message}`;
  } catch {
    // not JSON: print as is
  }
  return `${response.status}: ${response.text}`;
}

/** Parses a command's options, printing the usage on a parse error; undefined means "exit 2". */
export function usageError(command: string, usage: string, error: unknown): number {
  process.stderr.write(`eddy ${command}: ${error instanceof Error ? error.message : String(error)}\n\n${usage}\n`);
  return 2;
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
