// The examples' topologies in process (TopologyTestDriver, no broker): the read models
// that must move when their source row changes (a balance, an order's status) and the
// decisions the HTTP tests cannot reach (a command whose key and body disagree).
import { afterEach, describe, expect, it } from "vitest";
import { CommandHeaders, Serdes, replyEnvelopeSerde } from "eddy-streams";
import type { ReplyEnvelope } from "eddy-streams";
import { TopologyTestDriver } from "eddy-streams/testing";
import { MAX_BALANCE_CENTS, decide as decideAccount } from "../../examples/bank/account.js";
import { balanceBound, balanceKey } from "../../examples/bank/read-models.js";
import { bankTopology } from "../../examples/bank/topology.js";
import { decide as decideOrder } from "../../examples/orders/order.js";
import type { Order, OrderParts, PartRejection } from "../../examples/orders/order.js";
import { ordersTopology } from "../../examples/orders/topology.js";
import type { OrderSummary } from "../../examples/orders/topology.js";
import { urlVisitsTopology } from "../../examples/url-visits/topology.js";

let driver: TopologyTestDriver | undefined;

afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

async function keys(store: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of (driver as TopologyTestDriver).getKeyValueStore<string, unknown>(store).all())
    out.push(entry.key);
  return out;
}

describe("bank topology", () => {
  it("moves an account in the balance index as its balance changes, and drops it when closed", async () => {
    driver = new TopologyTestDriver(bankTopology(), { applicationId: "bank" });
    const commands = driver.createInputTopic("account-commands", Serdes.string(), Serdes.json());
    const replies = driver.createOutputTopic("account-replies", Serdes.string(), replyEnvelopeSerde);
    await commands.pipeInput("a", { type: "OpenAccount", accountId: "a", holder: "Ada", openingDepositCents: 500 });
    expect(await keys("accounts-by-balance")).toEqual([balanceKey(500, "a")]);
    await commands.pipeInput("a", { type: "WithdrawFunds", accountId: "a", amountCents: 500 });
    expect(await keys("accounts-by-balance")).toEqual([balanceKey(0, "a")]);
    await commands.pipeInput("a", { type: "CloseAccount", accountId: "a" });
    expect(await keys("accounts-by-balance")).toEqual([]);
    expect(await keys("accounts-by-holder")).toEqual(["Ada"]);
    expect(replies.readValuesToList().map((reply) => reply?.status)).toEqual(["accepted", "accepted", "accepted"]);

    // Not through HTTP: a body that names another account than its key, and one that fails the schema.
    await commands.pipeInput(
      "a",
      { type: "DepositFunds", accountId: "b", amountCents: 1 },
      { headers: { [CommandHeaders.correlationId]: "x" } },
    );
    await commands.pipeInput("a", { type: "DepositFunds", accountId: "a", amountCents: "lots" });
    const [mismatch, invalid] = replies.readValuesToList() as ReplyEnvelope[];
    expect(mismatch).toMatchObject({ status: "rejected", error: { code: "KEY_MISMATCH" } });
    expect(invalid).toMatchObject({ status: "invalid", error: { issues: [{ path: ["amountCents"] }] } });
  });

  it("keeps balance keys fixed-width, so that they sort as the numbers", () => {
    expect(balanceKey(5, "b") < balanceKey(40, "a")).toBe(true);
    expect(balanceBound(MAX_BALANCE_CENTS)).toHaveLength(15);
    expect(() => balanceBound(-1)).toThrow(RangeError);
    const open = decideAccount(
      null,
      { type: "OpenAccount", accountId: "a", holder: "Ada", openingDepositCents: MAX_BALANCE_CENTS },
      "a",
      0,
    );
    expect("events" in open).toBe(true);
    const account = {
      accountId: "a",
      holder: "Ada",
      balanceCents: MAX_BALANCE_CENTS,
      status: "OPEN" as const,
      openedAt: 0,
      updatedAt: 0,
    };
    expect(decideAccount(account, { type: "DepositFunds", accountId: "a", amountCents: 1 }, "a", 0)).toEqual({
      reject: { code: "BALANCE_LIMIT", message: expect.any(String) as string },
    });
  });
});

describe("orders topology", () => {
  it("moves an order between the status lists as its parts and its progress change, and keeps no stale entry", async () => {
    driver = new TopologyTestDriver(ordersTopology(), { applicationId: "orders" });
    const items = driver.createInputTopic("order-items", Serdes.string(), Serdes.json());
    const shipping = driver.createInputTopic("order-shipping", Serdes.string(), Serdes.json());
    const payments = driver.createInputTopic("order-payments", Serdes.string(), Serdes.json());
    const commands = driver.createInputTopic("order-commands", Serdes.string(), Serdes.json());
    const replies = driver.createOutputTopic("order-replies", Serdes.string(), replyEnvelopeSerde);
    await items.pipeInput("o", { sku: "twix", quantity: 1, unitPriceCents: 200 });
    await items.pipeInput("p", { sku: "mars", quantity: 2, unitPriceCents: 150 });
    expect(await keys("orders-by-status")).toEqual(["PENDING/o", "PENDING/p"]);
    await shipping.pipeInput("o", { customerName: "Ada", address: "1 Loop Rd" });
    await payments.pipeInput("o", { amountCents: 200, method: "card" });
    expect(await keys("orders-by-status")).toEqual(["PAID/o", "PENDING/p"]);
    // A payment withdrawn (a tombstone on the compacted topic) makes the order PENDING again.
    await payments.pipeInput("o", null);
    expect(await keys("orders-by-status")).toEqual(["PENDING/o", "PENDING/p"]);
    await payments.pipeInput("o", { amountCents: 200, method: "card" });
    // The handler reads the order's parts (the order-parts store) and accepts; its event moves the order on.
    await commands.pipeInput("o", { type: "FulfillOrder", orderId: "o", fulfilledBy: "Sam" });
    expect(replies.readValuesToList().map((reply) => reply?.status)).toEqual(["accepted"]);
    expect(await keys("orders-by-status")).toEqual(["FULFILLED/o", "PENDING/p"]);
    const byStatus = (driver as TopologyTestDriver).getKeyValueStore<string, OrderSummary>("orders-by-status");
    expect(await byStatus.get("FULFILLED/o")).toEqual({
      orderId: "o",
      status: "FULFILLED",
      customerName: "Ada",
      totalCents: 200,
      itemCount: 1,
    });
    const parts = (driver as TopologyTestDriver).getKeyValueStore<string, OrderParts>("order-parts");
    expect(await parts.get("o")).toMatchObject({
      orderId: "o",
      shipping: { customerName: "Ada" },
      payment: { amountCents: 200 },
    });
  });

  it("accepts a payment only when it equals the items' total, and says why on order-rejections", async () => {
    driver = new TopologyTestDriver(ordersTopology(), { applicationId: "orders" });
    const items = driver.createInputTopic("order-items", Serdes.string(), Serdes.json());
    const shipping = driver.createInputTopic("order-shipping", Serdes.string(), Serdes.json());
    const payments = driver.createInputTopic("order-payments", Serdes.string(), Serdes.json());
    const commands = driver.createInputTopic("order-commands", Serdes.string(), Serdes.json());
    const replies = driver.createOutputTopic("order-replies", Serdes.string(), replyEnvelopeSerde);
    const rejections = driver.createOutputTopic("order-rejections", Serdes.string(), Serdes.json<PartRejection>());
    const orders = driver.getKeyValueStore<string, Order>("orders");
    await items.pipeInput("o", { sku: "hamper", quantity: 1, unitPriceCents: 99_999 });
    await shipping.pipeInput("o", { customerName: "Ada", address: "1 Loop Rd" });
    await payments.pipeInput("o", { amountCents: 1, method: "card" });
    expect(await orders.get("o")).toMatchObject({
      status: "PENDING",
      awaiting: ["payment"],
      problems: ["The payment of 1 cents does not equal the items' total of 99999 cents"],
    });
    expect(await keys("orders-by-status")).toEqual(["PENDING/o"]);
    expect(rejections.readKeyValuesToList()).toEqual([
      {
        key: "o",
        value: {
          orderId: "o",
          part: "payment",
          code: "PAYMENT_MISMATCH",
          reason: "The payment of 1 cents does not equal the items' total of 99999 cents: order o stays PENDING",
        },
      },
    ]);
    await commands.pipeInput("o", { type: "FulfillOrder", orderId: "o", fulfilledBy: "Sam" });
    expect(replies.readValuesToList()).toMatchObject([{ status: "rejected", error: { code: "PAYMENT_MISMATCH" } }]);

    await payments.pipeInput("o", { amountCents: 99_999, method: "card" });
    expect(await orders.get("o")).toMatchObject({ status: "PAID", awaiting: [], problems: [] });
    expect(rejections.readValuesToList()).toEqual([]);
  });

  it("changes nothing of a fulfilled or shipped order, and refuses later parts on order-rejections", async () => {
    driver = new TopologyTestDriver(ordersTopology(), { applicationId: "orders" });
    const items = driver.createInputTopic("order-items", Serdes.string(), Serdes.json());
    const shipping = driver.createInputTopic("order-shipping", Serdes.string(), Serdes.json());
    const payments = driver.createInputTopic("order-payments", Serdes.string(), Serdes.json());
    const commands = driver.createInputTopic("order-commands", Serdes.string(), Serdes.json());
    const rejections = driver.createOutputTopic("order-rejections", Serdes.string(), Serdes.json<PartRejection>());
    const orders = driver.getKeyValueStore<string, Order>("orders");
    await items.pipeInput("o", { sku: "twix", quantity: 2, unitPriceCents: 200 });
    await shipping.pipeInput("o", { customerName: "Ada", address: "1 Loop Rd" });
    await payments.pipeInput("o", { amountCents: 400, method: "card" });
    await commands.pipeInput("o", { type: "FulfillOrder", orderId: "o", fulfilledBy: "Sam" });
    await commands.pipeInput("o", { type: "ShipOrder", orderId: "o", carrier: "Minions", trackingCode: "MN-1" });
    const shipped = await orders.get("o");
    expect(shipped).toMatchObject({ status: "SHIPPED", totalCents: 400, payment: { amountCents: 400 } });

    await items.pipeInput("o", { sku: "mars", quantity: 5, unitPriceCents: 150 });
    await payments.pipeInput("o", { amountCents: 1, method: "cash" });
    await shipping.pipeInput("o", { customerName: "Mallory", address: "Elsewhere" });
    expect(await orders.get("o")).toEqual(shipped);
    expect(await keys("orders-by-status")).toEqual(["SHIPPED/o"]);
    // Each update is checked against the order as fulfilled: every part it departs in is named.
    const refused = rejections.readValuesToList();
    expect(refused.map((r) => [r?.code, r?.part])).toEqual([
      ["ORDER_CLOSED", "items"],
      ["ORDER_CLOSED", "items"],
      ["ORDER_CLOSED", "payment"],
      ["ORDER_CLOSED", "items"],
      ["ORDER_CLOSED", "shipping"],
      ["ORDER_CLOSED", "payment"],
    ]);
    expect(refused[0]?.reason).toBe("Order o is SHIPPED: its items no longer change (the change is not applied)");
  });

  it("refuses a command whose key and body name different orders", () => {
    const parts: OrderParts = {
      orderId: "o",
      items: [{ sku: "a", quantity: 1, unitPriceCents: 1 }],
      shipping: null,
      payment: null,
    };
    expect(
      decideOrder(null, { command: { type: "FulfillOrder", orderId: "p", fulfilledBy: "Sam" }, parts }, "o", 0),
    ).toMatchObject({ reject: { code: "KEY_MISMATCH" } });
    expect(
      decideOrder(null, { command: { type: "FulfillOrder", orderId: "o", fulfilledBy: "Sam" }, parts }, "o", 0),
    ).toMatchObject({ reject: { code: "ORDER_NOT_PAID" } });
  });
});

describe("url-visits topology", () => {
  it("counts visits per code and writes each new count as a Java long", async () => {
    driver = new TopologyTestDriver(urlVisitsTopology(), { applicationId: "url-visits" });
    const visits = driver.createInputTopic("visits", Serdes.string(), Serdes.json());
    const updates = driver.createOutputTopic("visit-count-updates", Serdes.string(), Serdes.bytes());
    for (const code of ["a", "b", "a"]) await visits.pipeInput(code, { at: 0, userAgent: null, referrer: null });
    expect(updates.readKeyValuesToList().map(({ key, value }) => [key, value?.readBigInt64BE()])).toEqual([
      ["a", 1n],
      ["b", 1n],
      ["a", 2n],
    ]);
  });
});
