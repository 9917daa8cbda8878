// Topologies the runtime tests run: the URL-visit count (seed 002) and the bank
// account command handler (seed 001), written with the DSL as an application would.
import { z } from "zod";
import { Serdes, StreamsBuilder, accept, reject } from "../../../src/index.js";
import type { Decision, Topology } from "../../../src/index.js";

export const VISITS = "visits";
export const VISIT_COUNTS = "visit-counts";
export const VISIT_COUNTS_OUT = "visit-counts-out";

/** stream('visits').groupByKey().count({ store: 'visit-counts' }), counts written out. */
export function urlVisitTopology(): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream(VISITS, { key: Serdes.string(), value: Serdes.string() })
    .groupByKey()
    .count({ store: VISIT_COUNTS })
    .toStream()
    .to(VISIT_COUNTS_OUT, { key: Serdes.string(), value: Serdes.long() });
  return builder.build();
}

export const BANK_COMMANDS = "bank-commands";
export const BANK_EVENTS = "bank-events";
export const BANK_REPLIES = "bank-replies";
export const ACCOUNTS = "accounts";

export const bankCommand = z.discriminatedUnion("type", [
  z.object({ type: z.literal("open"), owner: z.string().min(1) }),
  z.object({ type: z.literal("deposit"), amount: z.number().int().positive() }),
  z.object({ type: z.literal("withdraw"), amount: z.number().int().positive() }),
  z.object({ type: z.literal("close") }),
]);
export type BankCommand = z.infer<typeof bankCommand>;

export interface Account {
  status: "none" | "open" | "closed";
  owner: string;
  balance: number;
}

export type BankEvent =
  | { type: "opened"; owner: string }
  | { type: "deposited"; amount: number }
  | { type: "withdrawn"; amount: number }
  | { type: "closed" };

export const NO_ACCOUNT: Account = { status: "none", owner: "", balance: 0 };

/** The business rules, shared by the topology and by the tests' model of what must happen. */
export function decideBank(state: Account, command: BankCommand): Decision<BankEvent, unknown> {
  switch (command.type) {
    case "open":
      if (state.status !== "none") return reject("already-exists", "the account exists");
      return accept<BankEvent, unknown>([{ type: "opened", owner: command.owner }], { opened: true });
    case "deposit":
      if (state.status !== "open") return reject("not-open", "the account is not open");
      return accept<BankEvent, unknown>([{ type: "deposited", amount: command.amount }], { balance: state.balance + command.amount });
    case "withdraw":
      if (state.status !== "open") return reject("not-open", "the account is not open");
      if (state.balance < command.amount) return reject("insufficient-funds", `balance ${state.balance} < ${command.amount}`);
      return accept<BankEvent, unknown>([{ type: "withdrawn", amount: command.amount }], { balance: state.balance - command.amount });
    case "close":
      if (state.status !== "open") return reject("not-open", "the account is not open");
      return accept<BankEvent, unknown>([{ type: "closed" }], { closed: true, balance: state.balance });
  }
}

export function evolveBank(state: Account, event: BankEvent): Account {
  switch (event.type) {
    case "opened":
      return { status: "open", owner: event.owner, balance: 0 };
    case "deposited":
      return { ...state, balance: state.balance + event.amount };
    case "withdrawn":
      return { ...state, balance: state.balance - event.amount };
    case "closed":
      return { ...state, status: "closed" };
  }
}

/** Commands on `bank-commands` (JSON), events on `bank-events`, replies to reply-to or `bank-replies`. */
export function bankTopology(): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream(BANK_COMMANDS, { key: Serdes.string(), value: Serdes.json<unknown>() })
    .handleCommands<Account, BankEvent, unknown, BankCommand>({
      store: { name: ACCOUNTS, value: Serdes.json<Account>() },
      initial: NO_ACCOUNT,
      command: bankCommand,
      decide: (state, command) => decideBank(state, command),
      evolve: evolveBank,
      events: { topic: BANK_EVENTS, value: Serdes.json<BankEvent>() },
      replies: { topic: BANK_REPLIES },
    });
  return builder.build();
}
