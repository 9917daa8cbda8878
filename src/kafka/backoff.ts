// Broker outages are waited out, not fatal: a request that fails for a retriable reason
// (connection refused, timeout, coordinator moving) is repeated with exponential
// backoff and jitter until it succeeds, the caller gives up (AbortSignal), or the
// error turns out to be one that retrying cannot fix.
import type { Logger } from "pino";
import { KafkaSecurityError, classifyKafkaError, tlsFailureHint } from "./errors.js";

export interface BackoffOptions {
  /** What is being retried, for the log line. */
  what: string;
  logger?: Logger;
  signal?: AbortSignal;
  initialMs?: number;
  maxMs?: number;
  /** Defaults to kafkajs-aware classification: only "retriable" errors are retried. */
  isRetriable?: (error: unknown) => boolean;
}

export class AbortedError extends Error {
  constructor(what: string) {
    super(`${what}: aborted`);
    this.name = "AbortedError";
  }
}

export async function retryWithBackoff<T>(fn: () => Promise<T>, options: BackoffOptions): Promise<T> {
  const initial = options.initialMs ?? 100;
  const max = options.maxMs ?? 10_000;
  const isRetriable = options.isRetriable ?? ((e: unknown) => classifyKafkaError(e) === "retriable");
  let delay = initial;
  for (let attempt = 1; ; attempt += 1) {
    if (options.signal?.aborted) throw new AbortedError(options.what);
    try {
      return await fn();
    } catch (error) {
      const tls = tlsFailureHint(error);
      if (tls !== undefined) throw new KafkaSecurityError(`${options.what}: ${tls}`, { cause: error });
      if (!isRetriable(error) || options.signal?.aborted) throw error;
      const wait = Math.round(delay * (0.8 + Math.random() * 0.4));
      options.logger?.warn({ err: error, attempt, retryInMs: wait }, `${options.what} failed, retrying`);
      await sleep(wait, options.signal);
      delay = Math.min(delay * 2, max);
    }
  }
}

/** Resolves after `ms`, or early (without error) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
