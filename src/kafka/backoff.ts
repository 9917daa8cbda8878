// Broker outages are waited out, not fatal: a request that fails for a retriable reason
// (connection refused, timeout, coordinator moving) is repeated with exponential
// backoff and jitter until it succeeds, the caller gives up (AbortSignal, or the bound
// `giveUpAfterMs` passed), or the error turns out to be one that retrying cannot fix.
// Quietly: the first failure is a warning, the retries are debug lines, and a reminder
// is a warning every REMINDER_MS.
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
  /** Rethrow the last error once this long has passed since the first failure. */
  giveUpAfterMs?: number;
}

const REMINDER_MS = 30_000;

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
  let firstFailure: number | undefined;
  let lastReminder = 0;
  for (let attempt = 1; ; attempt += 1) {
    if (options.signal?.aborted) throw new AbortedError(options.what);
    try {
      const result = await fn();
      if (firstFailure !== undefined) {
        options.logger?.info({ attempts: attempt, ms: Date.now() - firstFailure }, `${options.what} succeeded`);
      }
      return result;
    } catch (error) {
      const tls = tlsFailureHint(error);
      if (tls !== undefined) throw new KafkaSecurityError(`${options.what}: ${tls}`, { cause: error });
      if (!isRetriable(error) || options.signal?.aborted) throw error;
      const now = Date.now();
      firstFailure ??= now;
      if (options.giveUpAfterMs !== undefined && now - firstFailure >= options.giveUpAfterMs) throw error;
      const wait = Math.round(delay * (0.8 + Math.random() * 0.4));
      if (attempt === 1 || now - lastReminder >= REMINDER_MS) {
        lastReminder = now;
        const failing = attempt === 1 ? "failed" : `still failing after ${Math.round((now - firstFailure) / 1000)} s`;
        options.logger?.warn({ err: error, attempt, retryInMs: wait }, `${options.what} ${failing}, retrying`);
      } else {
        options.logger?.debug({ err: error, attempt, retryInMs: wait }, `${options.what} failed, retrying`);
      }
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
