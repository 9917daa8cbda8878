// Why an instance could not start, as one line an operator can act on: the error's own
// message (Eddy's errors name the thing and say what to do), with the command-line
// flag that changes it where there is one.
import { ApiListenError } from "../api/errors.js";

export function startFailureLine(error: unknown): string {
  if (error instanceof ApiListenError && error.errno === "EADDRINUSE") {
    return (
      `cannot start: port ${error.port} is taken on ${error.host}: stop what runs there, or give this instance ` +
      `a free one with --application-server ${error.host}:<port> (or EDDY_APPLICATION_SERVER)`
    );
  }
  return `cannot start: ${error instanceof Error ? error.message : String(error)}`;
}
