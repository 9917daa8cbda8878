// The logger Eddy's commands and its default instance log through: pino, as one JSON
// object per line for machines (log shippers, `jq`), and as readable lines (pino-pretty)
// when a person watches a terminal. EDDY_LOG_FORMAT=json or pretty decides instead.
import pino from "pino";
import type { DestinationStream, Logger, LoggerOptions } from "pino";
import pretty from "pino-pretty";

export type LogFormat = "json" | "pretty";

export interface LoggerSetup {
  readonly level: string;
  /** Fields on every line, e.g. { applicationId }. */
  readonly base?: Record<string, unknown>;
  /** 1 (stdout) or 2 (stderr, the default: stdout is for a command's own output). */
  readonly fd?: 1 | 2;
  /** By default: EDDY_LOG_FORMAT, else pretty when the stream is a terminal. */
  readonly format?: LogFormat;
  readonly name?: string;
}

/** json or pretty, from EDDY_LOG_FORMAT or whether `fd` is a terminal. */
export function logFormat(fd: 1 | 2 = 2, env: NodeJS.ProcessEnv = process.env): LogFormat {
  const chosen = env.EDDY_LOG_FORMAT?.trim().toLowerCase();
  if (chosen === "json" || chosen === "pretty") return chosen;
  const stream = fd === 1 ? process.stdout : process.stderr;
  return stream.isTTY === true ? "pretty" : "json";
}

export function createLogger(setup: LoggerSetup): Logger {
  const fd = setup.fd ?? 2;
  const format = setup.format ?? logFormat(fd);
  const options: LoggerOptions = {
    level: setup.level,
    ...(setup.base === undefined ? {} : { base: setup.base }),
    ...(setup.name === undefined ? {} : { name: setup.name }),
  };
  // Synchronous writes: a line logged just before exit (a fatal error) is not lost.
  const destination: DestinationStream =
    format === "pretty"
      ? pretty({
          destination: fd,
          sync: true,
          colorize: (fd === 1 ? process.stdout : process.stderr).isTTY === true,
          translateTime: "SYS:HH:MM:ss.l",
          ignore: "pid,hostname",
          singleLine: true,
        })
      : pino.destination({ dest: fd, sync: true });
  return pino(options, destination);
}
