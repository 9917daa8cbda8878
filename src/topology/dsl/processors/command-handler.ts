// stream.handleCommands(): per command, load the aggregate's state, decide, fold the
// events into the state, write it, emit the events and the reply. State, events and
// reply leave in the task's transaction together (the runtime commits them at once),
// so a reply is never seen without its events, nor events without their state.
//
// Bad commands never stop the task: a missing key or value and a schema violation
// become "invalid" replies, a business refusal a "rejected" one. Only a failing
// decide() or evolve() (a bug, not bad input) surfaces as an error.
import { CachingKeyValueStore, NOT_CACHED } from "../../../stores/caching-key-value-store.js";
import type { KeyValueStore } from "../../../stores/key-value-store.js";
import { CommandHeaders, IDEMPOTENCY_KEY_REUSED_CODE, INVALID_COMMAND_CODE } from "../../command-handling.js";
import { commandFingerprint } from "../../command-fingerprint.js";
import type {
  CommandIssue,
  CommandReply,
  Decision,
  HandleCommandsOptions,
  IdempotencyEntry,
  ReplyEnvelope,
} from "../../command-handling.js";
import { CommandRejectedError } from "../../errors.js";
import { RecordHeaders } from "../../headers.js";
import { FORWARDED } from "../../processor.js";
import type { ProcessorContext, ProcessorSupplier } from "../../processor.js";
import type { StreamRecord } from "../../record.js";
import { ForwardingProcessor } from "./forwarding-processor.js";
import { putOrDelete } from "./store-writes.js";

export interface CommandHandlerPlan<K, C, S, E, R> {
  readonly options: HandleCommandsOptions<K, C, S, E, R>;
  readonly storeName: string;
  /** undefined when idempotency is off. */
  readonly idempotencyStoreName: string | undefined;
  readonly retain: number;
  readonly replySink: string;
  /** Filled when the topology is built: every child except the reply sink gets the events. */
  eventChildren: readonly string[];
}

type Outcome<R> = ReplyEnvelope<R>;

// Header values the handler writes on every reply, encoded once: the sink only reads them.
const STATUS_BYTES: Readonly<Record<ReplyEnvelope["status"], Buffer>> = {
  accepted: Buffer.from("accepted", "utf8"),
  rejected: Buffer.from("rejected", "utf8"),
  invalid: Buffer.from("invalid", "utf8"),
};
const TRUE_BYTES = Buffer.from("true", "utf8");

function issuesOf(error: {
  issues: readonly { code: string; path: readonly PropertyKey[]; message: string }[];
}): CommandIssue[] {
  return error.issues.map((issue) => ({
    code: issue.code,
    path: issue.path.map((part) => (typeof part === "number" ? part : String(part))),
    message: issue.message,
  }));
}

function invalid(message: string, issues: readonly CommandIssue[] = []): Outcome<never> {
  return { status: "invalid", error: { code: INVALID_COMMAND_CODE, message, issues } };
}

function keyReused(idempotencyKey: string): Outcome<never> {
  return {
    status: "invalid",
    error: {
      code: IDEMPOTENCY_KEY_REUSED_CODE,
      message: `The Idempotency-Key "${idempotencyKey}" was already used for a different command on this key: a retry must repeat its command exactly; send a new command with a new Idempotency-Key`,
      issues: [],
    },
  };
}

function describeIssues(issues: readonly CommandIssue[]): string {
  return issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
    .join("; ");
}

/** A CommandRejectedError thrown by decide() is a "rejected" reply; anything else is a bug and propagates. */
function refusal(error: unknown): Outcome<never> {
  if (error instanceof CommandRejectedError) {
    return { status: "rejected", error: { code: error.rejectionCode, message: error.message } };
  }
  throw error;
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}

function isRejected<E, R>(decision: Decision<E, R>): decision is Extract<Decision<E, R>, { reject: unknown }> {
  return typeof decision === "object" && decision !== null && "reject" in decision;
}

export function commandHandlerSupplier<K, V, C, S, E, R>(
  plan: CommandHandlerPlan<K, C, S, E, R>,
): ProcessorSupplier<K, V, K, E | CommandReply> {
  const { options } = plan;
  const initialState = (key: K): S =>
    typeof options.initial === "function" ? (options.initial as (key: K) => S)(key) : options.initial;

  return () =>
    new (class extends ForwardingProcessor<K, V, K, E | CommandReply> {
      #state!: KeyValueStore<K, S>;
      #idempotency: KeyValueStore<K, readonly IdempotencyEntry[]> | undefined;

      override init(context: ProcessorContext<K, E | CommandReply>): void {
        super.init(context);
        this.#state = context.getStateStore<K, S>(plan.storeName);
        if (plan.idempotencyStoreName !== undefined) {
          this.#idempotency = context.getStateStore<K, readonly IdempotencyEntry[]>(plan.idempotencyStoreName);
        }
      }

      // The common command (no idempotency key, its aggregate in the read cache, a
      // synchronous decide(), downstream sinks that buffer) runs without a single
      // promise: each step hands over to an async continuation only when it must wait.
      process(record: StreamRecord<K, V>): void | Promise<void> {
        if (this.#idempotency !== undefined && record.key !== null) {
          const idempotencyKey = record.headers.lastString(CommandHeaders.idempotencyKey);
          if (idempotencyKey !== undefined) return this.#processIdempotent(record, idempotencyKey, this.#idempotency);
        }
        const outcome = this.#handle(record);
        if (isPromiseLike(outcome))
          return Promise.resolve(outcome).then((settled) => this.#reply(record, settled, false));
        const replied = this.#reply(record, outcome, false);
        return replied === FORWARDED ? undefined : replied;
      }

      async #processIdempotent(
        record: StreamRecord<K, V>,
        idempotencyKey: string,
        store: KeyValueStore<K, readonly IdempotencyEntry[]>,
      ): Promise<void> {
        const remembered = (await store.get(record.key)) ?? [];
        const earlier = remembered.find((entry) => entry.key === idempotencyKey);
        const fingerprint = commandFingerprint(record.value);
        if (earlier !== undefined) {
          // A retry repeats its command; another command under a used key is refused, neither
          // applied nor answered with the first command's reply as if it were its own.
          if (earlier.fingerprint !== undefined && earlier.fingerprint !== fingerprint) {
            await this.#reply(record, keyReused(idempotencyKey), false);
            return;
          }
          await this.#reply(record, earlier.reply, true);
          return;
        }
        const outcome = await this.#handle(record);
        await this.#reply(record, outcome, false);
        const entries = [...remembered, { key: idempotencyKey, reply: outcome, fingerprint }];
        await store.put(record.key, entries.slice(Math.max(0, entries.length - plan.retain)));
      }

      #handle(record: StreamRecord<K, V>): Outcome<R> | Promise<Outcome<R>> {
        if (record.key === null || record.key === undefined) {
          return invalid("The command has no key: the key names the aggregate it is for");
        }
        if (record.value === null || record.value === undefined) {
          return invalid("The command has no value");
        }
        let command: C;
        if (options.command !== undefined) {
          const parsed = options.command.safeParse(record.value);
          if (!parsed.success) {
            const issues = issuesOf(parsed.error);
            return invalid(`The command does not match its schema: ${describeIssues(issues)}`, issues);
          }
          command = parsed.data;
        } else {
          command = record.value as unknown as C;
        }

        const key = record.key;
        const store = this.#state;
        const cached =
          store instanceof CachingKeyValueStore ? (store as CachingKeyValueStore<K, S>).peek(key) : NOT_CACHED;
        if (cached === NOT_CACHED)
          return Promise.resolve(store.get(key)).then((stored) => this.#decide(record, key, command, stored));
        return this.#decide(record, key, command, cached);
      }

      #decide(record: StreamRecord<K, V>, key: K, command: C, stored: S | undefined): Outcome<R> | Promise<Outcome<R>> {
        const state = stored === undefined ? initialState(key) : stored;
        let decided: Decision<E, R> | Promise<Decision<E, R>>;
        try {
          decided = options.decide(state, command, { key, headers: record.headers, timestamp: record.timestamp });
        } catch (error) {
          return refusal(error);
        }
        if (isPromiseLike(decided)) {
          return Promise.resolve(decided).then(
            (decision) => this.#apply(record, key, state, decision),
            (error: unknown) => refusal(error),
          );
        }
        return this.#apply(record, key, state, decided);
      }

      #apply(record: StreamRecord<K, V>, key: K, state: S, decision: Decision<E, R>): Outcome<R> | Promise<Outcome<R>> {
        if (isRejected(decision)) {
          return {
            status: "rejected",
            error: { code: String(decision.reject.code), message: String(decision.reject.message) },
          };
        }
        if (typeof decision !== "object" || decision === null || !Array.isArray(decision.events)) {
          throw new TypeError(
            `decide() of ${plan.storeName} returned ${JSON.stringify(decision)}: return { events: [...], reply } or { reject: { code, message } }`,
          );
        }
        const outcome: Outcome<R> = {
          status: "accepted",
          reply: decision.reply === undefined ? (null as R) : decision.reply,
        };
        const events = decision.events;
        if (events.length === 0) return outcome;

        const next = events.reduce<S>((current, event) => options.evolve(current, event), state);
        const store = this.#state;
        const written =
          next !== null &&
          next !== undefined &&
          store instanceof CachingKeyValueStore &&
          (store as CachingKeyValueStore<K, S>).putNow(key, next);
        if (!written)
          return putOrDelete(store, key, next)
            .then(() => this.#emit(record, key, events, 0, 0))
            .then(() => outcome);
        const emitted = this.#emit(record, key, events, 0, 0);
        return emitted === FORWARDED ? outcome : emitted.then(() => outcome);
      }

      /** Forwards events[from...] to every event child (from child `first` on for the first one), in order. */
      #emit(record: StreamRecord<K, V>, key: K, events: readonly E[], from: number, first: number): Promise<void> {
        const children = plan.eventChildren;
        for (let e = from; e < events.length; e++) {
          for (let c = e === from ? first : 0; c < children.length; c++) {
            const event = {
              key,
              value: events[e] as E,
              timestamp: record.timestamp,
              headers: this.#eventHeaders(record),
            };
            const forwarded = this.context.forward(event, children[c]);
            if (forwarded !== FORWARDED) {
              const [nextEvent, nextChild] = c + 1 < children.length ? [e, c + 1] : [e + 1, 0];
              return forwarded.then(() => this.#emit(record, key, events, nextEvent, nextChild));
            }
          }
        }
        return FORWARDED;
      }

      #eventHeaders(command: StreamRecord<K, V>): RecordHeaders {
        const headers = new RecordHeaders();
        const correlation = command.headers.lastHeader(CommandHeaders.correlationId);
        if (correlation !== undefined) headers.add(correlation.key, correlation.value);
        return headers;
      }

      #reply(command: StreamRecord<K, V>, envelope: ReplyEnvelope, replayed: boolean): Promise<void> {
        const topic = command.headers.lastString(CommandHeaders.replyTo) ?? options.replies?.topic;
        if (topic === undefined || topic.length === 0) return FORWARDED;
        const headers = this.#eventHeaders(command);
        headers.add(CommandHeaders.replyStatus, STATUS_BYTES[envelope.status]);
        if (replayed) headers.add(CommandHeaders.idempotentReplay, TRUE_BYTES);
        const reply: CommandReply = { topic, envelope };
        return this.context.forward(
          { key: command.key, value: reply, timestamp: command.timestamp, headers },
          plan.replySink,
        );
      }
    })();
}
