// Before anything else talks to Kafka: does any bootstrap server accept a connection?
// kafkajs would find out too, after its own retries and a warning per attempt and
// broker (dozens of lines every 45 s while nothing listens). An operator needs one line
// that names the servers, says why and what to do; then quiet retries, a reminder now
// and then, and a clear failure when the bound passes.
import { connect } from "node:net";
import type { Logger } from "pino";
import { AbortedError, sleep } from "./backoff.js";
import { KafkaUnreachableError } from "./errors.js";

export interface WaitForBootstrapOptions {
  readonly servers: readonly string[];
  readonly logger: Logger;
  /** What the operator should do, e.g. "start the broker first (npx eddy broker)". */
  readonly hint: string;
  /** Give up (KafkaUnreachableError) when no server answered for this long. */
  readonly giveUpAfterMs: number;
  readonly signal?: AbortSignal;
  readonly retryMs?: number;
  readonly reminderMs?: number;
  readonly connectTimeoutMs?: number;
}

/** Resolves once some bootstrap server accepts a TCP connection. */
export async function waitForBootstrap(options: WaitForBootstrapOptions): Promise<void> {
  const { servers, logger, signal } = options;
  const retryMs = options.retryMs ?? 1_000;
  const reminderMs = options.reminderMs ?? 30_000;
  let firstFailure: number | undefined;
  let lastLine = 0;
  for (;;) {
    if (signal?.aborted) throw new AbortedError("waiting for Kafka");
    const reasons = await Promise.all(servers.map((server) => probe(server, options.connectTimeoutMs ?? 3_000)));
    if (reasons.some((reason) => reason === undefined)) {
      if (firstFailure !== undefined) {
        logger.warn(
          { bootstrapServers: servers.join(","), waitedMs: Date.now() - firstFailure },
          `Kafka at ${servers.join(",")} answers now; starting`,
        );
      }
      return;
    }
    const reason = [...new Set(reasons)].join("; ");
    const now = Date.now();
    firstFailure ??= now;
    const waited = now - firstFailure;
    if (waited >= options.giveUpAfterMs) throw new KafkaUnreachableError(servers, reason, waited, options.hint);
    if (lastLine === 0 || now - lastLine >= reminderMs) {
      lastLine = now;
      const bound = Math.round(options.giveUpAfterMs / 1000);
      logger.warn(
        { bootstrapServers: servers.join(","), reason, waitedMs: waited },
        waited === 0
          ? `Cannot reach Kafka at ${servers.join(",")} (${reason}): ${options.hint}. Retrying quietly for up to ${bound} s.`
          : `Still cannot reach Kafka at ${servers.join(",")} after ${Math.round(waited / 1000)} s (${reason}); giving up after ${bound} s.`,
      );
    }
    await sleep(retryMs, signal);
  }
}

/** undefined when `server` accepts a TCP connection, else why not. */
function probe(server: string, timeoutMs: number): Promise<string | undefined> {
  const colon = server.lastIndexOf(":");
  const host = server.slice(0, colon).replace(/^\[(.*)\]$/, "$1");
  const port = Number(server.slice(colon + 1));
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (reason: string | undefined) => {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on("error", () => undefined);
      socket.destroy();
      resolve(reason);
    };
    const timer = setTimeout(() => done(`no answer within ${timeoutMs} ms`), timeoutMs);
    socket.once("connect", () => done(undefined));
    socket.once("error", (error: NodeJS.ErrnoException) => {
      done(
        error.code === "ECONNREFUSED"
          ? "connection refused"
          : error.code === "ENOTFOUND"
            ? `unknown host ${host}`
            : error.message,
      );
    });
  });
}
