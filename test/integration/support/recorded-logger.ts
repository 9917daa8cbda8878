// A logger that keeps an application's last lines in memory, so that a test which times
// out can say what the instance was doing instead of failing on "timed out" alone.
import pino from "pino";
import type { Logger } from "pino";

export interface RecordedLogger {
  readonly logger: Logger;
  /** The last lines logged, oldest first, one JSON object each. */
  lines(): readonly string[];
}

export function recordedLogger(keep = 100, level = "info"): RecordedLogger {
  const kept: string[] = [];
  const logger = pino(
    { level },
    {
      write(line: string) {
        kept.push(line.trimEnd());
        if (kept.length > keep) kept.shift();
      },
    },
  );
  return { logger, lines: () => [...kept] };
}
