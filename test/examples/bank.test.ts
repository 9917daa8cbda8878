// The bank example end to end over HTTP, on the embedded broker: commands in through the
// Eddy command endpoint, replies and rejections out, then every query of the read side
// (by id, all, by holder, by balance range, mini statement) through the bank's routes
// and the Eddy API.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Account } from "../../examples/bank/account.js";
import type { AccountSummary, Movement } from "../../examples/bank/read-models.js";
import { eventually, http, startDemoUnderTest } from "./support/demo-harness.js";
import type { DemoUnderTest } from "./support/demo-harness.js";

let demo: DemoUnderTest;
let bank: string;

beforeAll(async () => {
  demo = await startDemoUnderTest(["bank"]);
  bank = demo.api("bank");
});

afterAll(async () => {
  await demo?.close();
});

interface CommandAnswer {
  status: "accepted" | "rejected" | "invalid";
  reply?: { accountId: string; holder: string; balanceCents: number; status: string };
  error?: { code: string; message: string };
}

const command = (body: Record<string, unknown>) =>
  http<CommandAnswer>("POST", `${bank}/commands/account-commands`, body);

async function accepted(body: Record<string, unknown>): Promise<NonNullable<CommandAnswer["reply"]>> {
  const answer = await command(body);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  expect(answer.body.status).toBe("accepted");
  return answer.body.reply as NonNullable<CommandAnswer["reply"]>;
}

async function rejected(body: Record<string, unknown>): Promise<string> {
  const answer = await command(body);
  expect(answer.status, JSON.stringify(answer.body)).toBe(409);
  expect(answer.body.status).toBe("rejected");
  return answer.body.error?.code ?? "";
}

describe("bank", () => {
  it("decides commands by the rules and answers each one", async () => {
    expect(
      await accepted({ type: "OpenAccount", accountId: "acc-1", holder: "Ada Lovelace", openingDepositCents: 10_000 }),
    ).toEqual({
      accountId: "acc-1",
      holder: "Ada Lovelace",
      balanceCents: 10_000,
      status: "OPEN",
    });
    await accepted({ type: "OpenAccount", accountId: "acc-2", holder: "Ada Lovelace" });
    await accepted({ type: "OpenAccount", accountId: "acc-3", holder: "Grace Hopper", openingDepositCents: 250_000 });
    await accepted({ type: "OpenAccount", accountId: "acc-4", holder: "Linus", openingDepositCents: 5_000 });

    expect(await rejected({ type: "OpenAccount", accountId: "acc-1", holder: "Somebody Else" })).toBe("ACCOUNT_EXISTS");
    expect(await rejected({ type: "DepositFunds", accountId: "acc-9", amountCents: 100 })).toBe("ACCOUNT_NOT_FOUND");
    expect(await rejected({ type: "WithdrawFunds", accountId: "acc-2", amountCents: 1 })).toBe("INSUFFICIENT_FUNDS");
    expect(await rejected({ type: "CloseAccount", accountId: "acc-4" })).toBe("BALANCE_NOT_ZERO");
    expect((await accepted({ type: "WithdrawFunds", accountId: "acc-4", amountCents: 5_000 })).balanceCents).toBe(0);
    expect((await accepted({ type: "CloseAccount", accountId: "acc-4" })).status).toBe("CLOSED");
    expect(await rejected({ type: "DepositFunds", accountId: "acc-4", amountCents: 100 })).toBe("ACCOUNT_CLOSED");
    expect(await rejected({ type: "OpenAccount", accountId: "acc-4", holder: "Linus" })).toBe("ACCOUNT_EXISTS");

    // Twelve movements on acc-1: the statement keeps the last ten.
    let balance = 10_000;
    for (let i = 1; i <= 12; i += 1) {
      const amount = i * 100;
      const withdraw = i % 3 === 0;
      balance += withdraw ? -amount : amount;
      const reply = await accepted({
        type: withdraw ? "WithdrawFunds" : "DepositFunds",
        accountId: "acc-1",
        amountCents: amount,
      });
      expect(reply.balanceCents).toBe(balance);
    }
    expect(balance).toBe(11_800);
  });

  it("refuses malformed commands before they reach Kafka, naming the field", async () => {
    const negative = await http<{ code: string; issues: Array<{ path: Array<string | number> }> }>(
      "POST",
      `${bank}/commands/account-commands`,
      {
        type: "DepositFunds",
        accountId: "acc-1",
        amountCents: -5,
      },
      demo.token,
    );
    expect(negative.status).toBe(400);
    expect(negative.body.code).toBe("EDDY_ERR_INVALID_COMMAND_BODY");
    expect(negative.body.issues.map((issue) => issue.path.join("."))).toContain("amountCents");

    const fractional = await http(
      "POST",
      `${bank}/commands/account-commands`,
      { type: "DepositFunds", accountId: "acc-1", amountCents: 1.5 },
      demo.token,
    );
    expect(fractional.status).toBe(400);
    const unknownType = await http(
      "POST",
      `${bank}/commands/account-commands`,
      { type: "BorrowFunds", accountId: "acc-1" },
      demo.token,
    );
    expect(unknownType.status).toBe(400);
  });

  it("answers an account by id, with its last ten movements", async () => {
    const account = await eventually("acc-1's last movement", async () => {
      const answer = await http<{ value: Account }>("GET", `${bank}/stores/accounts/keys/acc-1`);
      return answer.status === 200 && answer.body.value.balanceCents === 11_800 ? answer.body.value : undefined;
    });
    expect(account).toMatchObject({ accountId: "acc-1", holder: "Ada Lovelace", status: "OPEN" });

    const view = await eventually("acc-1's statement", async () => {
      const answer = await http<{ account: Account; statement: Movement[] }>("GET", `${demo.web}/bank/accounts/acc-1`);
      return answer.status === 200 && answer.body.statement.at(-1)?.balanceCents === 11_800 ? answer.body : undefined;
    });
    expect(view.statement).toHaveLength(10);
    // The opening deposit and the first movement fell out; the newest is last.
    expect(view.statement.map((movement) => movement.amountCents)).toEqual(
      [200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100, 1200].slice(1),
    );
    expect(view.statement.map((movement) => movement.kind)).toEqual([
      "WITHDRAWAL",
      "DEPOSIT",
      "DEPOSIT",
      "WITHDRAWAL",
      "DEPOSIT",
      "DEPOSIT",
      "WITHDRAWAL",
      "DEPOSIT",
      "DEPOSIT",
      "WITHDRAWAL",
    ]);

    expect((await http("GET", `${demo.web}/bank/accounts/acc-404`)).status).toBe(404);
  });

  it("lists all accounts, and a holder's accounts", async () => {
    const all = await http<{ accounts: Account[]; nextCursor: string | null }>("GET", `${demo.web}/bank/accounts`);
    expect(all.status).toBe(200);
    expect(all.body.accounts.map((account) => [account.accountId, account.status])).toEqual([
      ["acc-1", "OPEN"],
      ["acc-2", "OPEN"],
      ["acc-3", "OPEN"],
      ["acc-4", "CLOSED"],
    ]);

    const page = await http<{ accounts: Account[]; nextCursor: string | null }>(
      "GET",
      `${demo.web}/bank/accounts?limit=3`,
    );
    expect(page.body.accounts).toHaveLength(3);
    expect(page.body.nextCursor).not.toBeNull();
    const rest = await http<{ accounts: Account[]; nextCursor: string | null }>(
      "GET",
      `${demo.web}/bank/accounts?limit=3&cursor=${encodeURIComponent(page.body.nextCursor ?? "")}`,
    );
    expect(rest.body.accounts.map((account) => account.accountId)).toEqual(["acc-4"]);

    const ada = await eventually("Ada's accounts", async () => {
      const answer = await http<{ accounts: AccountSummary[] }>(
        "GET",
        `${demo.web}/bank/holders/Ada%20Lovelace/accounts`,
      );
      return answer.body.accounts.find((one) => one.accountId === "acc-1")?.balanceCents === 11_800
        ? answer.body.accounts
        : undefined;
    });
    expect(ada).toEqual([
      { accountId: "acc-1", holder: "Ada Lovelace", balanceCents: 11_800, status: "OPEN" },
      { accountId: "acc-2", holder: "Ada Lovelace", balanceCents: 0, status: "OPEN" },
    ]);
    const linus = await http<{ accounts: AccountSummary[] }>("GET", `${demo.web}/bank/holders/Linus/accounts`);
    expect(linus.body.accounts).toEqual([{ accountId: "acc-4", holder: "Linus", balanceCents: 0, status: "CLOSED" }]);
    expect(
      (await http<{ accounts: AccountSummary[] }>("GET", `${demo.web}/bank/holders/Nobody/accounts`)).body.accounts,
    ).toEqual([]);
  });

  it("answers balance ranges from the balance index (open accounts only)", async () => {
    const ids = async (query: string) => {
      const answer = await http<{ accounts: AccountSummary[] }>("GET", `${demo.web}/bank/accounts?${query}`);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      return answer.body.accounts.map((account) => `${account.accountId}:${account.balanceCents}`);
    };
    await eventually("acc-1 in the balance index", async () =>
      (await ids("minBalanceCents=11800")).includes("acc-1:11800") ? true : undefined,
    );
    expect(await ids("minBalanceCents=0")).toEqual(["acc-2:0", "acc-1:11800", "acc-3:250000"]);
    expect(await ids("minBalanceCents=11800")).toEqual(["acc-1:11800", "acc-3:250000"]);
    expect(await ids("minBalanceCents=11801")).toEqual(["acc-3:250000"]);
    expect(await ids("maxBalanceCents=11800")).toEqual(["acc-2:0", "acc-1:11800"]);
    expect(await ids("maxBalanceCents=11799")).toEqual(["acc-2:0"]);
    expect(await ids("minBalanceCents=1&maxBalanceCents=250000")).toEqual(["acc-1:11800", "acc-3:250000"]);
    expect(await ids("minBalanceCents=300000")).toEqual([]);

    // The same index through the Eddy API: fixed-width keys, so the scan is a key range.
    const scan = await http<{ entries: Array<{ key: string }> }>(
      "GET",
      `${bank}/stores/accounts-by-balance/keys?from=000000000011800`,
    );
    expect(scan.body.entries.map((entry) => entry.key)).toEqual(["000000000011800/acc-1", "000000000250000/acc-3"]);

    expect((await http("GET", `${demo.web}/bank/accounts?minBalanceCents=abc`)).status).toBe(400);
  });
});
