// `npm start`: the Eddy demo. See demo-options.ts for the options, demo.ts for what runs.
//
// Output: progress lines, then the banner (URLs and commands to try) on stdout; logs
// (warnings and errors) on stderr. Ctrl-C (SIGINT) or SIGTERM stops everything cleanly
// with exit code 0; a second Ctrl-C exits at once. `npm start` execs this process (see
// package.json), so that npm forwards signals to it and exits with its exit code.
import { pino } from "pino";
import { ConfigError } from "eddy-streams";
import { banner } from "./banner.js";
import { startDemo } from "./demo.js";
import { DemoUsageError, USAGE, parseDemoArgs } from "./demo-options.js";

const SIGNAL_ECHO_MS = 1_500;

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

  const logger = pino(
    { level: process.env.EDDY_LOG_LEVEL ?? "warn", base: { instance: options.instance } },
    pino.destination({ dest: 2, sync: true }),
  );
  const say = (message: string) => process.stdout.write(`eddy demo: ${message}\n`);

  let stopRequested: (signal: string) => void = () => undefined;
  const stop = new Promise<string>((resolve) => (stopRequested = resolve));
  let firstSignalAt: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (firstSignalAt === undefined) {
      firstSignalAt = Date.now();
      stopRequested(signal);
      return;
    }
    // One Ctrl-C reaches this process twice under npm: from the terminal, and forwarded
    // by npm. Only a later one means "stop now".
    if (Date.now() - firstSignalAt < SIGNAL_ECHO_MS) return;
    process.stderr.write("eddy demo: stopping at once\n");
    process.exit(130);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  say(`starting instance ${options.instance} (${options.apps.join(", ")})`);
  const starting = startDemo({ ...options, env: process.env, logger, onProgress: say });
  // Ctrl-C while starting: let the start finish or fail, then close what it opened.
  const first = await Promise.race([
    starting.then(
      (demo) => ({ demo }),
      (error: unknown) => ({ error }),
    ),
    stop.then((signal) => ({ signal })),
  ]);
  if ("error" in first) {
    const error = first.error;
    process.stderr.write(
      `eddy demo: cannot start: ${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}\n`,
    );
    return error instanceof ConfigError ? 2 : 1;
  }
  if ("signal" in first) {
    say("stopping");
    const demo = await starting.catch(() => undefined);
    await demo?.close();
    return 0;
  }

  const { demo } = first;
  process.stdout.write(`${banner(demo.banner)}\n`);
  const outcome = await Promise.race([stop.then((signal) => ({ signal })), demo.failed.then((error) => ({ error }))]);
  if ("error" in outcome) {
    process.stderr.write(`eddy demo: an application failed: ${outcome.error.message}\n`);
    await demo.close();
    return 1;
  }
  say("stopping");
  await demo.close();
  say("stopped");
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`eddy demo: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
