// How a long-running command hears that it must stop: the first SIGINT (Ctrl-C) or
// SIGTERM (a supervisor, `timeout`) asks for a clean stop; a later one exits at once.
// A terminal's Ctrl-C can reach a process twice (from the terminal, and forwarded by a
// parent such as npm): a repeat within ECHO_MS is the same request.
const ECHO_MS = 1_500;

export interface StopSignal {
  /** Resolves with the first signal. */
  readonly signal: Promise<NodeJS.Signals>;
  /** Stops listening (once the command is done). */
  dispose(): void;
}

export function onStopSignal(onForce: () => void, exitCode = 130): StopSignal {
  let first: number | undefined;
  let resolve: (signal: NodeJS.Signals) => void = () => undefined;
  const signal = new Promise<NodeJS.Signals>((r) => (resolve = r));
  const handler = (received: NodeJS.Signals) => {
    if (first === undefined) {
      first = Date.now();
      resolve(received);
      return;
    }
    if (Date.now() - first < ECHO_MS) return;
    onForce();
    process.exit(exitCode);
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return {
    signal,
    dispose: () => {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    },
  };
}
