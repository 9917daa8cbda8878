// stream.handleCommands(): per command, load the aggregate's state, decide, fold the
// events into the state, write it, emit the events and the reply. State, events and
// reply leave in the task's transaction together (the runtime commits them at once),
// so a reply is never seen without its events, nor events without their state.
//
// Bad commands never stop the task: a missing key or value and a schema violation
// become "invalid" replies, a business refusal a "rejected" one. Only a failing
// decide() or evolve() (a bug, not bad input) surfaces as an error.
import type { KeyValueStore } from "../../stores/key-value-store.js";
import { CommandHeaders, INVALID_COMMAND_CODE } from "../command-handling.js";
import type {
  CommandIssue,
  CommandReply,
  Decision,
  HandleCommandsOptions,
  IdempotencyEntry,
  ReplyEnvelope,
} from "../command-handling.js";
import { CommandRejectedError } from "../errors.js";
import { RecordHeaders } from "../headers.js";
import type { ProcessorContext, ProcessorSupplier } from "../processor.js";
import type { StreamRecord } from "../record.js";
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

function issuesOf(error: { issues: readonly { code: string; path: readonly PropertyKey[]; message: string }[] }): CommandIssue[] {
  return error.issues.map((issue) => ({
    code: issue.code,
    path: issue.path.map((part) => (typeof part === "number" ? part : String(part))),
    message: issue.message,
  }));
}

function invalid(message: string, issues: readonly CommandIssue[] = []): Outcome<never> {
  return { status: "invalid", error: { code: INVALID_COMMAND_CODE, message, issues } };
}

function describeIssues(issues: readonly CommandIssue[]): string {
  return issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message)).join("; ");
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

      async process(record: StreamRecord<K, V>): Promise<void> {
        const idempotencyKey = record.headers.lastString(CommandHeaders.idempotencyKey);
        const remembered =
          idempotencyKey !== undefined && this.#idempotency !== undefined && record.key !== null
            ? ((await this.#idempotency.get(record.key)) ?? [])
            : undefined;
        const earlier = remembered?.find((entry) => entry.key === idempotencyKey);
        if (earlier !== undefined) {
          await this.#reply(record, earlier.reply, true);
          return;
        }

        const outcome = await this.#handle(record);
        await this.#reply(record, outcome, false);

        if (remembered !== undefined && idempotencyKey !== undefined && this.#idempotency !== undefined && record.key !== null) {
          const entries = [...remembered, { key: idempotencyKey, reply: outcome }];
          await this.#idempotency.put(record.key, entries.slice(Math.max(0, entries.length - plan.retain)));
        }
      }

      async #handle(record: StreamRecord<K, V>): Promise<Outcome<R>> {
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

        const stored = await this.#state.get(record.key);
        const state = stored === undefined ? initialState(record.key) : stored;
        let decision: Decision<E, R>;
        try {
          decision = await options.decide(state, command, { key: record.key, headers: record.headers, timestamp: record.timestamp });
        } catch (error) {
          if (error instanceof CommandRejectedError) {
            return { status: "rejected", error: { code: error.rejectionCode, message: error.message } };
          }
          throw error;
        }
        if (isRejected(decision)) {
          return { status: "rejected", error: { code: String(decision.reject.code), message: String(decision.reject.message) } };
        }
        if (typeof decision !== "object" || decision === null || !Array.isArray(decision.events)) {
          throw new TypeError(
            `decide() of ${plan.storeName} returned ${JSON.stringify(decision)}: return { events: [...], reply } or { reject: { code, message } }`,
          );
        }

        if (decision.events.length > 0) {
          const next = decision.events.reduce<S>((current, event) => options.evolve(current, event), state);
          await putOrDelete(this.#state, record.key, next);
          for (const event of decision.events) {
            for (const child of plan.eventChildren) {
              await this.context.forward({ key: record.key, value: event, timestamp: record.timestamp, headers: this.#eventHeaders(record) }, child);
            }
          }
        }
        return { status: "accepted", reply: decision.reply === undefined ? (null as R) : decision.reply };
      }

      #eventHeaders(command: StreamRecord<K, V>): RecordHeaders {
        const headers = new RecordHeaders();
        const correlation = command.headers.lastHeader(CommandHeaders.correlationId);
        if (correlation !== undefined) headers.add(correlation.key, correlation.value);
        return headers;
      }

      async #reply(command: StreamRecord<K, V>, envelope: ReplyEnvelope, replayed: boolean): Promise<void> {
        const topic = command.headers.lastString(CommandHeaders.replyTo) ?? options.replies?.topic;
        if (topic === undefined || topic.length === 0) return;
        const headers = this.#eventHeaders(command);
        headers.add(CommandHeaders.replyStatus, envelope.status);
        if (replayed) headers.add(CommandHeaders.idempotentReplay, "true");
        const reply: CommandReply = { topic, envelope };
        await this.context.forward({ key: command.key, value: reply, timestamp: command.timestamp, headers }, plan.replySink);
      }
    })();
}
