// A little traffic so that every query of the tour has something to show: short links
// and a few visits, three bank accounts with movements (and one refused withdrawal),
// three orders (one PENDING, one PAID, one FULFILLED). All of it goes through the same
// HTTP endpoints a user would call.
import type { Logger } from "pino";
import { EddyHttpClient } from "../shared/eddy-http-client.js";
import type { ExampleName } from "./examples.js";

export interface TrafficTargets {
  /** The web server (redirects, order parts). */
  readonly web: string;
  /** The Eddy API of each example that runs. */
  readonly apis: ReadonlyMap<ExampleName, string>;
  /** A token with the read and command scopes. */
  readonly token?: string;
}

export const DEMO_LINKS = [
  { code: "kstreams", url: "https://kafka.apache.org/documentation/streams/" },
  { code: "node", url: "https://nodejs.org/" },
] as const;

/** Waits until the traffic's effect is queryable, so that the first query a user tries shows it. */
async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`demo traffic: ${what} did not happen within 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function send(url: string, init: RequestInit): Promise<Response> {
  const response = await fetch(url, { ...init, redirect: "manual", signal: AbortSignal.timeout(15_000) });
  await response.arrayBuffer();
  return response;
}

async function json(method: string, url: string, body: unknown): Promise<Response> {
  const response = await send(url, {
    method,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (response.status >= 400) throw new Error(`${method} ${url} answered ${response.status}`);
  return response;
}

export async function sendDemoTraffic(targets: TrafficTargets, logger: Logger): Promise<void> {
  const urlVisits = targets.apis.get("url-visits");
  if (urlVisits !== undefined) {
    for (const link of DEMO_LINKS) await json("POST", `${targets.web}/links`, link);
    for (const code of ["kstreams", "kstreams", "kstreams", "node"])
      await send(`${targets.web}/r/${code}`, { headers: { "user-agent": "eddy-demo" } });
    const eddy = new EddyHttpClient(urlVisits, { token: targets.token });
    await until("3 visits of kstreams counted", async () => (await eddy.get<number>("visit-counts", "kstreams")) === 3);
    logger.info("demo traffic: 2 short links, 4 visits");
  }

  const bank = targets.apis.get("bank");
  if (bank !== undefined) {
    const eddy = new EddyHttpClient(bank, { token: targets.token });
    const commands = [
      { type: "OpenAccount", accountId: "acc-1", holder: "Ada Lovelace", openingDepositCents: 100_000 },
      { type: "OpenAccount", accountId: "acc-2", holder: "Ada Lovelace" },
      { type: "OpenAccount", accountId: "acc-3", holder: "Grace Hopper", openingDepositCents: 250_000 },
      { type: "DepositFunds", accountId: "acc-2", amountCents: 5_000 },
      { type: "WithdrawFunds", accountId: "acc-1", amountCents: 12_550 },
      // Refused: more than acc-2 holds.
      { type: "WithdrawFunds", accountId: "acc-2", amountCents: 99_999 },
    ];
    for (const command of commands) await eddy.command("account-commands", command);
    await until(
      "Ada's two accounts listed",
      async () => (await eddy.get<unknown[]>("accounts-by-holder", "Ada Lovelace"))?.length === 2,
    );
    logger.info("demo traffic: 3 accounts, 3 movements, 1 refused withdrawal");
  }

  const orders = targets.apis.get("orders");
  if (orders !== undefined) {
    const order = (id: string) => `${targets.web}/orders/${id}`;
    for (const id of ["o-1001", "o-1002", "o-1003"]) {
      await json("POST", `${order(id)}/items`, { sku: "snickers", quantity: 2, unitPriceCents: 150 });
      await json("POST", `${order(id)}/items`, { sku: "twix", quantity: 1, unitPriceCents: 200 });
    }
    for (const [id, name] of [
      ["o-1001", "Brady"],
      ["o-1002", "Oakley"],
    ] as const) {
      await json("PUT", `${order(id)}/shipping`, { customerName: name, address: "1 Snack Street, Minneapolis" });
      await json("PUT", `${order(id)}/payment`, { amountCents: 500, method: "card" });
    }
    // o-1002 is fulfilled as soon as its three parts are joined (PAID).
    const eddy = new EddyHttpClient(orders, { token: targets.token });
    await until(
      "order o-1002 PAID",
      async () => (await eddy.get<{ status: string }>("orders", "o-1002"))?.status === "PAID",
    );
    await eddy.command("order-commands", { type: "FulfillOrder", orderId: "o-1002", fulfilledBy: "Sam the Wizard" });
    await until("o-1001 alone in the PAID list", async () => {
      const page = await eddy.scan<string, { orderId: string }>("orders-by-status", { prefix: "PAID/" });
      return page.entries.map((entry) => entry.value.orderId).join(",") === "o-1001";
    });
    logger.info("demo traffic: orders o-1001 (PAID), o-1002 (FULFILLED), o-1003 (PENDING)");
  }
}
