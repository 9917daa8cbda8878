// The bank as one topology. Commands on account-commands are decided against the
// account's state; the events go to account-events; the reply goes back to whoever
// sent the command. The read models are derived from the same events in the same
// task, so a query never sees an event without its effect on the read models' inputs
// (each read model is committed with the transaction that produced its input).
import { Serdes, StreamsBuilder } from "eddy-streams";
import type { Topology } from "eddy-streams";
import { AccountCommand, decide, evolve } from "./account.js";
import type { Account, AccountEvent, AccountReply } from "./account.js";
import { appendMovement, balanceKey, movementOf, summaryOf, withAccount, withoutAccount } from "./read-models.js";
import type { AccountSummary, Movement } from "./read-models.js";

export const BankTopics = {
  commands: "account-commands",
  events: "account-events",
  /** Replies to commands that name no reply topic of their own (the HTTP endpoint always does). */
  replies: "account-replies",
} as const;

export const BankStores = {
  accounts: "accounts",
  byHolder: "accounts-by-holder",
  byBalance: "accounts-by-balance",
  statements: "account-statements",
} as const;

export function bankTopology(): Topology {
  const builder = new StreamsBuilder();

  const events = builder
    .stream(BankTopics.commands, { key: Serdes.string(), value: Serdes.json<unknown>() })
    .handleCommands<Account | null, AccountEvent, AccountReply, AccountCommand>({
      name: "account-command-handler",
      store: { name: BankStores.accounts, value: Serdes.json<Account>() },
      initial: null,
      command: AccountCommand,
      decide: (account, command, { key, timestamp }) => decide(account, command, key, timestamp),
      evolve,
      events: { topic: BankTopics.events, value: Serdes.json<AccountEvent>(), name: "account-events-sink" },
      replies: { topic: BankTopics.replies, name: "account-replies-sink" },
    });

  // The accounts as a table, for re-keying by holder and by balance.
  const accounts = events.groupByKey({ name: "account-events-by-account" }).aggregate<Account | null>(
    () => null,
    (_id, event, account) => evolve(account, event),
    { store: "account-view", value: Serdes.json<Account>() },
  );

  accounts
    .mapValues((account) => (account === null ? null : summaryOf(account)), { name: "account-summaries" })
    .groupBy((_id, summary) => ({ key: summary?.holder ?? "", value: summary }), {
      key: Serdes.string(),
      value: Serdes.json<AccountSummary>(),
      name: "accounts-by-holder",
    })
    .aggregate<AccountSummary[]>(
      () => [],
      (_holder, summary, list) => (summary === null ? list : withAccount(list, summary)),
      (_holder, summary, list) => (summary === null ? list : withoutAccount(list, summary)),
      { store: BankStores.byHolder, value: Serdes.json<AccountSummary[]>() },
    );

  accounts
    .filter((_id, account) => account !== null && account.status === "OPEN", { name: "open-accounts" })
    .groupBy(
      (id, account) => ({
        key: balanceKey(account?.balanceCents ?? 0, id),
        value: account === null ? null : summaryOf(account),
      }),
      {
        key: Serdes.string(),
        value: Serdes.json<AccountSummary>(),
        name: "accounts-by-balance",
      },
    )
    .reduce(
      (_previous, summary) => summary,
      () => null,
      { store: BankStores.byBalance },
    );

  events
    .flatMapValues(
      (event) => {
        const movement = movementOf(event);
        return movement === undefined ? [] : [movement];
      },
      { name: "account-movements" },
    )
    .groupByKey({ value: Serdes.json<Movement>(), name: "movements-by-account" })
    .aggregate<Movement[]>(
      () => [],
      (_id, movement, statement) => appendMovement(statement, movement),
      {
        store: BankStores.statements,
        value: Serdes.json<Movement[]>(),
      },
    );

  return builder.build();
}
