// The command-handling contract: what stream.handleCommands() asks of the application
// (decide and evolve, as in the decider pattern) and what it promises the caller that
// sent the command (one reply envelope per command, on the topic named by its
// `reply-to` header, carrying its `correlation-id`). The HTTP command endpoint maps the
// envelope's status to 200 (accepted), 409 (rejected) and 422 (invalid): keep it stable.
import type { ZodType } from "zod";
import { DeserializationError } from "../serdes/errors.js";
import type { RecordHeaders } from "./headers.js";
import type { Serde, SerdeContext } from "../serdes/serde.js";

/** Header names of the command protocol. */
export const CommandHeaders = {
  /** Where the reply goes (a topic name, UTF-8); falls back to the handler's default reply topic. */
  replyTo: "reply-to",
  /** Copied from the command to its reply and events, so the caller can match them. */
  correlationId: "correlation-id",
  /** Makes a retried command return the first reply instead of being decided again. */
  idempotencyKey: "idempotency-key",
  /** On every reply: "accepted", "rejected" or "invalid". */
  replyStatus: "eddy-reply-status",
  /** On a reply sent again for a repeated idempotency key: "true". */
  idempotentReplay: "eddy-idempotent-replay",
} as const;

export const INVALID_COMMAND_CODE = "EDDY_ERR_INVALID_COMMAND";
/**
 * The code of an "invalid" reply to a command whose Idempotency-Key was first used with
 * another command: a retry must repeat its command exactly (the IETF Idempotency-Key
 * draft answers 422 to a reused key with a different payload, as Stripe refuses one).
 */
export const IDEMPOTENCY_KEY_REUSED_CODE = "EDDY_ERR_IDEMPOTENCY_KEY_REUSED";

/** A zod issue as it travels in a reply: JSON, so the path holds strings and numbers only. */
export interface CommandIssue {
  readonly code: string;
  readonly path: readonly (string | number)[];
  readonly message: string;
}

export type ReplyEnvelope<R = unknown> =
  | { readonly status: "accepted"; readonly reply: R }
  | { readonly status: "rejected"; readonly error: { readonly code: string; readonly message: string } }
  | {
      readonly status: "invalid";
      readonly error: {
        readonly code: typeof INVALID_COMMAND_CODE | typeof IDEMPOTENCY_KEY_REUSED_CODE;
        readonly message: string;
        readonly issues: readonly CommandIssue[];
      };
    };

export type ReplyStatus = ReplyEnvelope["status"];

/** decide() accepted the command: these events happened, and this is the answer. */
export interface Accepted<E, R> {
  readonly events: readonly E[];
  readonly reply: R;
}

/** decide() refused the command on a business rule (HTTP 409). */
export interface Rejected {
  readonly reject: { readonly code: string; readonly message: string };
}

export type Decision<E, R> = Accepted<E, R> | Rejected;

export function accept<E, R>(events: readonly E[], reply: R): Accepted<E, R> {
  return { events, reply };
}

export function reject(code: string, message: string): Rejected {
  return { reject: { code, message } };
}

/** What decide() may know about the command besides its value. */
export interface CommandContext<K> {
  readonly key: K;
  readonly headers: RecordHeaders;
  readonly timestamp: number;
}

export interface HandleCommandsOptions<K, C, S, E, R> {
  /** The aggregate state store, one row per command key; `<name>-idempotency` is created next to it. */
  store: { name: string; value: Serde<S>; persistent?: boolean; logging?: boolean; caching?: boolean };
  /** The state of an aggregate that has no row yet. */
  initial: S | ((key: K) => S);
  /** Validates (and parses) the command value; a failure is an "invalid" reply, never an error. */
  command?: ZodType<C>;
  /** Pure business logic: the events a command causes and the reply, or a rejection. May throw CommandRejectedError. */
  decide(state: S, command: C, context: CommandContext<K>): Decision<E, R> | Promise<Decision<E, R>>;
  /** Pure state transition; must not mutate `state`. */
  evolve(state: S, event: E): S;
  /** The events topic: events are keyed by the command key. */
  events: { topic: string; value: Serde<E>; name?: string };
  /** The reply topic for commands without a `reply-to` header; without either, no reply is sent. */
  replies?: { topic?: string; name?: string };
  /** How many idempotency keys (with their replies) to remember per aggregate: 64 by default; false turns it off. */
  idempotency?: { retain?: number } | false;
  /** The key serde, when the stream's was lost to a key-changing operation. */
  key?: Serde<K>;
  /** The processor's name instead of a generated KSTREAM-PROCESSOR-... */
  name?: string;
}

/** A reply on its way to a sink: the topic it goes to and the envelope it carries. */
export interface CommandReply {
  readonly topic: string;
  readonly envelope: ReplyEnvelope;
}

function isEnvelope(value: unknown): value is ReplyEnvelope {
  if (typeof value !== "object" || value === null) return false;
  const status = (value as { status?: unknown }).status;
  if (status === "accepted") return "reply" in value;
  if (status === "rejected" || status === "invalid") {
    const error = (value as { error?: unknown }).error;
    return typeof error === "object" && error !== null && typeof (error as { code?: unknown }).code === "string";
  }
  return false;
}

/** Reads a reply envelope (what callers of a command receive); throws DeserializationError on anything else. */
export function parseReplyEnvelope<R = unknown>(bytes: Buffer, context: SerdeContext = {}): ReplyEnvelope<R> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString("utf8"));
  } catch (error) {
    throw new DeserializationError("A command reply is not JSON", context, undefined, { cause: error });
  }
  if (!isEnvelope(parsed)) {
    throw new DeserializationError(
      'A command reply must be { "status": "accepted" | "rejected" | "invalid", ... }',
      context,
      parsed,
    );
  }
  return parsed as ReplyEnvelope<R>;
}

/** The serde of reply values, for whoever reads a reply topic (the HTTP layer, tests). */
export const replyEnvelopeSerde: Serde<ReplyEnvelope> = {
  name: "reply-envelope",
  serialize: (envelope) => Buffer.from(JSON.stringify(envelope), "utf8"),
  deserialize: (bytes, context) => parseReplyEnvelope(bytes, context),
};

/** The reply sink's serde: the envelope is written, the topic only routes. */
export const commandReplySerde: Serde<CommandReply> = {
  name: "reply-envelope",
  serialize: (reply) => Buffer.from(JSON.stringify(reply.envelope), "utf8"),
  deserialize: (bytes, context) => ({ topic: context?.topic ?? "", envelope: parseReplyEnvelope(bytes, context) }),
};

/** What the idempotency store remembers per aggregate: the last keys and their replies, oldest first. */
export interface IdempotencyEntry {
  readonly key: string;
  readonly reply: ReplyEnvelope;
  /** The command's fingerprint (command-fingerprint.ts); absent in entries written before it was kept. */
  readonly fingerprint?: string;
}

export const idempotencyEntriesSerde: Serde<readonly IdempotencyEntry[]> = {
  name: "json",
  serialize: (entries) => Buffer.from(JSON.stringify(entries), "utf8"),
  deserialize: (bytes, context) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString("utf8"));
    } catch (error) {
      throw new DeserializationError("An idempotency record is not JSON", context, undefined, { cause: error });
    }
    if (!Array.isArray(parsed))
      throw new DeserializationError("An idempotency record must be a JSON array", context, parsed);
    return parsed as IdempotencyEntry[];
  },
};

export const DEFAULT_IDEMPOTENCY_RETAIN = 64;
