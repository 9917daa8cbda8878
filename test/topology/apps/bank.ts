// The bank from the seeds (open, deposit, withdraw, close accounts; queries by id, by
// holder, by balance, and a mini statement) written with Eddy's DSL.
import { z } from "zod";
import { reject } from "../../../src/topology/command-handling.js";
import type { Decision } from "../../../src/topology/command-handling.js";
import { Serdes } from "../../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import type { Topology } from "../../../src/topology/topology.js";

export const AccountCommand = z.discriminatedUnion("type", [
  z.object({ type: z.literal("open"), holder: z.string().min(1), deposit: z.number().nonnegative().default(0) }),
  z.object({ type: z.literal("deposit"), amount: z.number().positive() }),
  z.object({ type: z.literal("withdraw"), amount: z.number().positive() }),
  z.object({ type: z.literal("close") }),
]);
export type AccountCommand = z.infer<typeof AccountCommand>;

export type AccountEvent =
  | { type: "opened"; holder: string; at: number }
  | { type: "deposited"; amount: number; at: number }
  | { type: "withdrawn"; amount: number; at: number }
  | { type: "closed"; at: number };

export interface Account {
  holder: string;
  balance: number;
  open: boolean;
}

export interface AccountReply {
  balance: number;
}

export function decide(
  account: Account | null,
  command: AccountCommand,
  at: number,
): Decision<AccountEvent, AccountReply> {
  if (command.type === "open") {
    if (account !== null) return reject("ACCOUNT_EXISTS", "This account is already open");
    const events: AccountEvent[] = [{ type: "opened", holder: command.holder, at }];
    if (command.deposit > 0) events.push({ type: "deposited", amount: command.deposit, at });
    return { events, reply: { balance: command.deposit } };
  }
  if (account === null || !account.open) return reject("ACCOUNT_NOT_OPEN", "There is no open account with this id");
  switch (command.type) {
    case "deposit":
      return {
        events: [{ type: "deposited", amount: command.amount, at }],
        reply: { balance: account.balance + command.amount },
      };
    case "withdraw":
      if (command.amount > account.balance) return reject("INSUFFICIENT_FUNDS", `The balance is ${account.balance}`);
      return {
        events: [{ type: "withdrawn", amount: command.amount, at }],
        reply: { balance: account.balance - command.amount },
      };
    case "close":
      if (account.balance !== 0) return reject("BALANCE_NOT_ZERO", "Withdraw the balance before closing the account");
      return { events: [{ type: "closed", at }], reply: { balance: 0 } };
  }
}

export function evolve(account: Account | null, event: AccountEvent): Account | null {
  switch (event.type) {
    case "opened":
      return { holder: event.holder, balance: 0, open: true };
    case "deposited":
      return account && { ...account, balance: account.balance + event.amount };
    case "withdrawn":
      return account && { ...account, balance: account.balance - event.amount };
    case "closed":
      return account && { ...account, open: false };
  }
}

/** Balances as fixed-width strings, so a range scan of the store walks them in order. */
export const balanceKey = (balance: number, id: string): string =>
  `${String(Math.round(balance * 100)).padStart(15, "0")}/${id}`;

export interface Summary {
  id: string;
  balance: number;
}

export function bankTopology(): Topology {
  const builder = new StreamsBuilder();
  const json = <T>() => Serdes.json<T>();

  const events = builder.stream("account-commands", { key: Serdes.string(), value: json<unknown>() }).handleCommands({
    store: { name: "accounts", value: json<Account>() },
    initial: null,
    command: AccountCommand,
    decide: (account, command, { timestamp }) => decide(account, command, timestamp),
    evolve,
    events: { topic: "account-events", value: json<AccountEvent>() },
    replies: { topic: "account-replies" },
  });

  // Read models derived from the events.
  const accounts = events.groupByKey().aggregate(
    () => null as Account | null,
    (_id, event, account) => evolve(account, event),
    {
      store: "account-view",
      value: json<Account>(),
    },
  );
  accounts
    .groupBy((id, account) => ({ key: account?.holder ?? "", value: { id, balance: account?.balance ?? 0 } }), {
      key: Serdes.string(),
      value: json<Summary>(),
    })
    .aggregate(
      () => [] as Summary[],
      (_holder, summary, list) => [...list, summary],
      (_holder, summary, list) => list.filter((one) => one.id !== summary.id),
      { store: "accounts-by-holder", value: json<Summary[]>() },
    );
  accounts
    .groupBy((id, account) => ({ key: balanceKey(account?.balance ?? 0, id), value: id }), {
      key: Serdes.string(),
      value: Serdes.string(),
    })
    .reduce(
      (_old, id) => id,
      () => null,
      { store: "accounts-by-balance" },
    );
  events
    .filter((_id, event) => event.type === "deposited" || event.type === "withdrawn")
    .groupByKey()
    .aggregate(
      () => [] as AccountEvent[],
      (_id, event, statement) => [...statement, event].slice(-5),
      {
        store: "mini-statements",
        value: json<AccountEvent[]>(),
      },
    );
  return builder.build();
}
