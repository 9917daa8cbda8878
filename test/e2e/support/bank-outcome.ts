// What exactly-once must leave behind after a bank run, however its instances died or were
// frozen: every command has exactly one reply, the events topic (read_committed) holds the
// model's events per account, in order, and the balances (folded from the events, and as the
// state store's changelog holds them) are the model's.
import { expect } from "vitest";
import { correlationId, eventually, readCommitted } from "../../integration/support/kafka.js";
import { ACCOUNTS, BANK_EVENTS, BANK_REPLIES, evolveBank, NO_ACCOUNT } from "../../integration/support/topologies.js";
import type { Account, BankEvent, BankModel } from "../../integration/support/topologies.js";

export interface BankRun {
  readonly bootstrap: string;
  readonly applicationId: string;
  /** How many commands were sent. */
  readonly commands: number;
  readonly model: BankModel;
  /** How long every reply may take to arrive. */
  readonly repliesWithinMs: number;
}

export async function expectBankMatchesModel(run: BankRun): Promise<void> {
  const { bootstrap, model } = run;
  const all = await eventually(
    async () => {
      const records = await readCommitted(bootstrap, BANK_REPLIES);
      return records.length >= run.commands ? records : undefined;
    },
    run.repliesWithinMs,
    "every reply",
  );
  const perCommand = new Map<string, number>();
  for (const r of all) perCommand.set(correlationId(r), (perCommand.get(correlationId(r)) ?? 0) + 1);
  expect(perCommand.size).toBe(run.commands);
  expect([...perCommand.values()].filter((n) => n !== 1)).toEqual([]);

  const events = await readCommitted(bootstrap, BANK_EVENTS);
  expect(events).toHaveLength(model.acceptedEvents);
  const byAccount = new Map<string, string[]>();
  for (const e of events) {
    const key = e.key?.toString() ?? "";
    byAccount.set(key, [...(byAccount.get(key) ?? []), e.value?.toString() ?? ""]);
  }
  expect(byAccount).toEqual(model.events);

  // The balances, as the events fold them and as the state store's changelog holds them.
  const folded = new Map<string, Account>();
  for (const [key, list] of byAccount)
    folded.set(key, list.map((e) => JSON.parse(e) as BankEvent).reduce(evolveBank, NO_ACCOUNT));
  expect(folded).toEqual(model.accounts);
  const changelog = await readCommitted(bootstrap, `${run.applicationId}-${ACCOUNTS}-changelog`);
  const stored = new Map<string, Account>();
  for (const r of changelog) stored.set(r.key?.toString() ?? "", JSON.parse(r.value?.toString() ?? "null") as Account);
  expect(stored).toEqual(model.accounts);
}
