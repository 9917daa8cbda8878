// The bank's own query routes, on top of the Eddy API of the bank application: the
// questions a bank's web front asks, each answered by the table kept for it.
//
//   GET /bank/accounts                                   all accounts (paginated scan)
//   GET /bank/accounts?minBalanceCents=X&maxBalanceCents=Y   open accounts by balance (a range scan)
//   GET /bank/accounts/:accountId                        the account and its mini statement
//   GET /bank/holders/:holder/accounts                   a holder's accounts
//
// Commands go to the Eddy API itself: POST /commands/account-commands.
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { EddyHttpClient } from "../shared/eddy-http-client.js";
import { installErrorHandler, parseWith } from "../shared/route-support.js";
import { MAX_BALANCE_CENTS } from "./account.js";
import type { Account } from "./account.js";
import { balanceBound } from "./read-models.js";
import type { AccountSummary, Movement } from "./read-models.js";
import { BankStores } from "./topology.js";

export interface BankRoutesOptions {
  /** The bank application's Eddy API (any instance). */
  readonly eddy: EddyHttpClient;
}

const centsText = z.coerce.number().int().min(0).max(MAX_BALANCE_CENTS);
const listQuery = z.strictObject({
  minBalanceCents: centsText.optional(),
  maxBalanceCents: centsText.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().min(1).optional(),
});

export async function bankRoutes(app: FastifyInstance, options: BankRoutesOptions): Promise<void> {
  const { eddy } = options;
  installErrorHandler(app);

  app.get("/bank/accounts", async (request) => {
    const query = parseWith(listQuery, request.query, "query parameters");
    const page = { limit: query.limit, ...(query.cursor === undefined ? {} : { cursor: query.cursor }) };
    if (query.minBalanceCents === undefined && query.maxBalanceCents === undefined) {
      const all = await eddy.scan<string, Account>(BankStores.accounts, page);
      return { accounts: all.entries.map((entry) => entry.value), nextCursor: all.nextCursor };
    }
    const min = query.minBalanceCents ?? 0;
    const max = query.maxBalanceCents;
    if (max !== undefined && max < min) return { accounts: [], nextCursor: null };
    // One range scan over the balance index: keys sort by balance, then by account id.
    const range = await eddy.scan<string, AccountSummary>(BankStores.byBalance, {
      ...page,
      from: balanceBound(min),
      ...(max === undefined || max === MAX_BALANCE_CENTS ? {} : { to: balanceBound(max + 1) }),
    });
    return { accounts: range.entries.map((entry) => entry.value), nextCursor: range.nextCursor };
  });

  app.get("/bank/accounts/:accountId", async (request, reply) => {
    const { accountId } = parseWith(z.object({ accountId: z.string().min(1) }), request.params, "path parameters");
    const [account, statement] = await Promise.all([
      eddy.get<Account>(BankStores.accounts, accountId),
      eddy.get<Movement[]>(BankStores.statements, accountId),
    ]);
    if (account === undefined)
      return reply.code(404).send({ statusCode: 404, error: "Not Found", message: `There is no account ${accountId}` });
    return { account, statement: statement ?? [] };
  });

  app.get("/bank/holders/:holder/accounts", async (request) => {
    const { holder } = parseWith(z.object({ holder: z.string().min(1) }), request.params, "path parameters");
    return { holder, accounts: (await eddy.get<AccountSummary[]>(BankStores.byHolder, holder)) ?? [] };
  });
}
