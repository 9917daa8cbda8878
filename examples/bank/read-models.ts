// The bank's query side: tables kept for each question, so that no request scans
// every account.
//
//   accounts              account by id (the command handler's own state)
//   accounts-by-holder    holder -> that holder's accounts
//   accounts-by-balance   "<balance, 15 digits>/<account id>" -> the account: string keys
//                         sort as the numbers do, so "balance >= X" and "balance < Y"
//                         are range scans over the keys
//   account-statements    account id -> its last 10 movements
import type { Account, AccountEvent, AccountStatus } from "./account.js";

export const STATEMENT_LENGTH = 10;
const BALANCE_DIGITS = 15;

export interface AccountSummary {
  accountId: string;
  holder: string;
  balanceCents: number;
  status: AccountStatus;
}

export interface Movement {
  kind: "DEPOSIT" | "WITHDRAWAL";
  amountCents: number;
  balanceCents: number;
  at: number;
}

export function summaryOf(account: Account): AccountSummary {
  return {
    accountId: account.accountId,
    holder: account.holder,
    balanceCents: account.balanceCents,
    status: account.status,
  };
}

/** The key of an account in accounts-by-balance. */
export function balanceKey(balanceCents: number, accountId: string): string {
  return `${balanceBound(balanceCents)}/${accountId}`;
}

/**
 * The scan bound for a balance: it sorts before every key of that balance (they all go
 * on with "/<id>") and after every key of a lower one, so `from = bound(X)` starts at
 * balance X (inclusive) and `to = bound(Y)` stops before balance Y (exclusive).
 */
export function balanceBound(balanceCents: number): string {
  if (!Number.isSafeInteger(balanceCents) || balanceCents < 0 || String(balanceCents).length > BALANCE_DIGITS) {
    throw new RangeError(
      `A balance bound must be an integer number of cents from 0 to ${"9".repeat(BALANCE_DIGITS)}, got ${balanceCents}`,
    );
  }
  return String(balanceCents).padStart(BALANCE_DIGITS, "0");
}

/** Adds or replaces an account in a holder's list, kept in account id order. */
export function withAccount(list: readonly AccountSummary[], summary: AccountSummary): AccountSummary[] {
  return [...list.filter((one) => one.accountId !== summary.accountId), summary].sort((a, b) =>
    a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0,
  );
}

/** Removes an account from a holder's list; null (the row is deleted) when none is left. */
export function withoutAccount(list: readonly AccountSummary[], summary: AccountSummary): AccountSummary[] | null {
  const rest = list.filter((one) => one.accountId !== summary.accountId);
  return rest.length === 0 ? null : rest;
}

export function movementOf(event: AccountEvent): Movement | undefined {
  switch (event.type) {
    case "FundsDeposited":
      return { kind: "DEPOSIT", amountCents: event.amountCents, balanceCents: event.balanceCents, at: event.at };
    case "FundsWithdrawn":
      return { kind: "WITHDRAWAL", amountCents: event.amountCents, balanceCents: event.balanceCents, at: event.at };
    default:
      return undefined;
  }
}

/** The statement with one more movement: the last STATEMENT_LENGTH, newest last. */
export function appendMovement(statement: readonly Movement[], movement: Movement): Movement[] {
  return [...statement, movement].slice(-STATEMENT_LENGTH);
}
