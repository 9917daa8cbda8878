// The bank account aggregate: commands, events, state, and the pure decide/evolve pair
// that handleCommands() runs per command. Money is integer cents everywhere: no float
// ever holds a balance.
import { z } from "zod";
import { accept, reject } from "eddy-streams";
import type { Decision } from "eddy-streams";

/** The most an account may hold: 15 decimal digits of cents, so balance keys stay fixed-width. */
export const MAX_BALANCE_CENTS = 999_999_999_999_999;

const accountId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: "must be 1 to 64 letters, digits, '_' or '-'" })
  .meta({ description: "The account number; the command key." });
const cents = z
  .number()
  .int({ error: "must be an integer number of cents" })
  .positive({ error: "must be positive" })
  .max(MAX_BALANCE_CENTS, { error: `must be at most ${MAX_BALANCE_CENTS} cents` })
  .meta({ description: "An amount in cents (integer)." });

export const OpenAccount = z.strictObject({
  type: z.literal("OpenAccount"),
  accountId,
  holder: z.string().trim().min(1, { error: "must not be empty" }).max(200),
  /** The first deposit, if any. */
  openingDepositCents: cents.optional(),
});
export const DepositFunds = z.strictObject({ type: z.literal("DepositFunds"), accountId, amountCents: cents });
export const WithdrawFunds = z.strictObject({ type: z.literal("WithdrawFunds"), accountId, amountCents: cents });
export const CloseAccount = z.strictObject({ type: z.literal("CloseAccount"), accountId });

export const AccountCommand = z.discriminatedUnion("type", [OpenAccount, DepositFunds, WithdrawFunds, CloseAccount]);
export type AccountCommand = z.infer<typeof AccountCommand>;

export type AccountEvent =
  | { type: "AccountOpened"; accountId: string; holder: string; at: number }
  | { type: "FundsDeposited"; accountId: string; amountCents: number; balanceCents: number; at: number }
  | { type: "FundsWithdrawn"; accountId: string; amountCents: number; balanceCents: number; at: number }
  | { type: "AccountClosed"; accountId: string; at: number };

export type AccountStatus = "OPEN" | "CLOSED";

export interface Account {
  accountId: string;
  holder: string;
  balanceCents: number;
  status: AccountStatus;
  openedAt: number;
  updatedAt: number;
}

/** What an accepted command answers: the account after it. */
export interface AccountReply {
  accountId: string;
  holder: string;
  balanceCents: number;
  status: AccountStatus;
}

/** Rejection codes: a business rule said no (HTTP 409). */
export const Rejections = {
  ACCOUNT_EXISTS: "ACCOUNT_EXISTS",
  ACCOUNT_NOT_FOUND: "ACCOUNT_NOT_FOUND",
  ACCOUNT_CLOSED: "ACCOUNT_CLOSED",
  INSUFFICIENT_FUNDS: "INSUFFICIENT_FUNDS",
  BALANCE_NOT_ZERO: "BALANCE_NOT_ZERO",
  BALANCE_LIMIT: "BALANCE_LIMIT",
  KEY_MISMATCH: "KEY_MISMATCH",
} as const;

export function formatCents(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

function replyOf(account: Account): AccountReply {
  return {
    accountId: account.accountId,
    holder: account.holder,
    balanceCents: account.balanceCents,
    status: account.status,
  };
}

/** The business rules. `key` is the command's record key: the account the command is for. */
export function decide(
  account: Account | null,
  command: AccountCommand,
  key: string,
  at: number,
): Decision<AccountEvent, AccountReply> {
  // The key routes the command to its aggregate; a body naming another account is a client bug.
  if (command.accountId !== key) {
    return reject(Rejections.KEY_MISMATCH, `The command is keyed ${key} but names account ${command.accountId}`);
  }
  const id = command.accountId;
  if (command.type === "OpenAccount") {
    if (account !== null)
      return reject(
        Rejections.ACCOUNT_EXISTS,
        `Account ${id} already exists (${account.status.toLowerCase()}); account numbers are never reused`,
      );
    const events: AccountEvent[] = [{ type: "AccountOpened", accountId: id, holder: command.holder, at }];
    const deposit = command.openingDepositCents ?? 0;
    if (deposit > 0)
      events.push({ type: "FundsDeposited", accountId: id, amountCents: deposit, balanceCents: deposit, at });
    return accept(events, { accountId: id, holder: command.holder, balanceCents: deposit, status: "OPEN" });
  }
  if (account === null) return reject(Rejections.ACCOUNT_NOT_FOUND, `There is no account ${id}`);
  if (account.status === "CLOSED") return reject(Rejections.ACCOUNT_CLOSED, `Account ${id} is closed`);
  switch (command.type) {
    case "DepositFunds": {
      const balanceCents = account.balanceCents + command.amountCents;
      if (balanceCents > MAX_BALANCE_CENTS)
        return reject(Rejections.BALANCE_LIMIT, `An account holds at most ${formatCents(MAX_BALANCE_CENTS)}`);
      return accept([{ type: "FundsDeposited", accountId: id, amountCents: command.amountCents, balanceCents, at }], {
        ...replyOf(account),
        balanceCents,
      });
    }
    case "WithdrawFunds": {
      if (command.amountCents > account.balanceCents) {
        return reject(
          Rejections.INSUFFICIENT_FUNDS,
          `Cannot withdraw ${formatCents(command.amountCents)}: the balance of ${id} is ${formatCents(account.balanceCents)}`,
        );
      }
      const balanceCents = account.balanceCents - command.amountCents;
      return accept([{ type: "FundsWithdrawn", accountId: id, amountCents: command.amountCents, balanceCents, at }], {
        ...replyOf(account),
        balanceCents,
      });
    }
    case "CloseAccount":
      if (account.balanceCents !== 0) {
        return reject(
          Rejections.BALANCE_NOT_ZERO,
          `Account ${id} still holds ${formatCents(account.balanceCents)}: withdraw it before closing`,
        );
      }
      return accept([{ type: "AccountClosed", accountId: id, at }], { ...replyOf(account), status: "CLOSED" });
  }
}

/** Folds one event into the account; must not mutate `account`. */
export function evolve(account: Account | null, event: AccountEvent): Account | null {
  switch (event.type) {
    case "AccountOpened":
      return {
        accountId: event.accountId,
        holder: event.holder,
        balanceCents: 0,
        status: "OPEN",
        openedAt: event.at,
        updatedAt: event.at,
      };
    case "FundsDeposited":
      return account && { ...account, balanceCents: account.balanceCents + event.amountCents, updatedAt: event.at };
    case "FundsWithdrawn":
      return account && { ...account, balanceCents: account.balanceCents - event.amountCents, updatedAt: event.at };
    case "AccountClosed":
      return account && { ...account, status: "CLOSED", updatedAt: event.at };
  }
}
