// `npm start`: the Eddy demo. See demo-options.ts for the options, demo.ts for what runs.
//
// Output: progress lines, then the banner (URLs and commands to try) on stdout; logs
// (warnings and errors) on stderr, readable on a terminal and JSON otherwise. The first
// Ctrl-C (SIGINT) or SIGTERM stops everything, in any state, within a few seconds
// (cleanly when it can: commits, leaving the groups) with exit code 0; a second one
// exits at once. `npm start` execs this process (see package.json), so that npm
// forwards signals to it and exits with its exit code.
import { ConfigError } from "eddy-streams";
import { ApiListenError } from "../../src/api/errors.js";
import { onStopSignal } from "../../src/cli/stop-signal.js";
import { createLogger } from "../../src/logging/logger.js";
import { banner } from "./banner.js";
import { startDemo } from "./demo.js";
import { DemoUsageError, USAGE, parseDemoArgs } from "./demo-options.js";
import type { DemoOptions } from "./demo-options.js";

/** How long stopping may take before the demo exits anyway. */
const STOP_TIMEOUT_MS = 5_000;

async function main(): Promise<number> {
  let options;
  try {
    options = parseDemoArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof DemoUsageError)) throw error;
    process.stderr.write(`eddy demo: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  const logger = createLogger({ level: process.env.EDDY_LOG_LEVEL ?? "warn", base: { instance: options.instance } });
  const say = (message: string) => process.stdout.write(`eddy demo: ${message}\n`);
  const stop = onStopSignal(() => process.stderr.write("eddy demo: stopping at once\n"));
  const aborting = new AbortController();

  say(`starting instance ${options.instance} (${options.apps.join(", ")})`);
  const starting = startDemo({ ...options, env: process.env, logger, onProgress: say, signal: aborting.signal });
  const first = await Promise.race([
    starting.then(
      (demo) => ({ demo }),
      (error: unknown) => ({ error }),
    ),
    stop.signal.then((signal) => ({ signal })),
  ]);
  if ("signal" in first) {
    // Ctrl-C while starting: stop waiting, close what the start opened.
    say("stopping");
    aborting.abort();
    await within(
      starting.then(
        (demo) => demo.close(),
        () => undefined,
      ),
    );
    say("stopped");
    return 0;
  }
  if ("error" in first) {
    process.stderr.write(`eddy demo: cannot start: ${failureLine(first.error, options)}\n`);
    return first.error instanceof ConfigError ? 2 : 1;
  }

  const { demo } = first;
  process.stdout.write(`${banner(demo.banner)}\n`);
  const outcome = await Promise.race([
    stop.signal.then((signal) => ({ signal })),
    demo.failed.then((error) => ({ error })),
  ]);
  if ("error" in outcome) {
    process.stderr.write(`eddy demo: an application failed: ${outcome.error.message}\n`);
    await within(demo.close());
    return 1;
  }
  say("stopping");
  const closed = await within(demo.close());
  say(closed ? "stopped" : `stopped (not everything closed within ${STOP_TIMEOUT_MS / 1000} s)`);
  return 0;
}

/** Waits for `work`, at most STOP_TIMEOUT_MS; true when it finished. */
async function within(work: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), STOP_TIMEOUT_MS)));
  const done = await Promise.race([
    work.then(
      () => true as const,
      () => true as const,
    ),
    late,
  ]);
  clearTimeout(timer);
  return done;
}

/** A start failure as one line: the port that is taken and the option that moves it, or the error's message. */
function failureLine(error: unknown, options: DemoOptions): string {
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof ApiListenError && cause.errno === "EADDRINUSE") {
    const app = (error as Error).message.split(":")[0] ?? "an application";
    const variable = `EDDY_${app.toUpperCase().replace(/-/g, "_")}_APPLICATION_SERVER`;
    return (
      `port ${cause.port} is taken (${app}'s Eddy API): stop what runs there, or move every port of this instance with ` +
      `--port <port> (web on <port>, the Eddy APIs on the next three), or ${app}'s alone with ${variable}`
    );
  }
  if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
    return (
      `port ${options.port} is taken (the web server): stop what runs there, or pick another with --port <port> ` +
      `(the Eddy APIs move with it)`
    );
  }
  return error instanceof Error ? error.message : String(error);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`eddy demo: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
