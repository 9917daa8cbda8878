// The seeds' applications, each a few lines of DSL (test/topology/apps/), built and run.
import { afterEach, describe, expect, it } from "vitest";
import { CommandHeaders, replyEnvelopeSerde } from "../../src/topology/command-handling.js";
import type { KeyValue } from "../../src/stores/key-value-store.js";
import { Serdes } from "../../src/serdes/serdes.js";
import type { Topology } from "../../src/topology/topology.js";
import { TopologyTestDriver } from "../../src/testing/topology-test-driver.js";
import { balanceKey, bankTopology } from "./apps/bank.js";
import type { Account, AccountEvent, Summary } from "./apps/bank.js";
import { orderTopology } from "./apps/orders.js";
import type { Item, Order, Payment, Shipping } from "./apps/orders.js";
import { urlVisitTopology } from "./apps/url-visits.js";

let driver: TopologyTestDriver | undefined;

function start(topology: Topology): TopologyTestDriver {
  driver = new TopologyTestDriver(topology, { applicationId: "yardstick", startTime: 0 });
  return driver;
}

afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

async function collect<T>(iterator: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterator) items.push(item);
  return items;
}

describe("URL visits", () => {
  it("counts visits per short URL in visit-counts", async () => {
    const driver = start(urlVisitTopology());
    const visits = driver.createInputTopic("visits", Serdes.string(), Serdes.json<{ at: number }>());
    for (const url of ["abc", "xyz", "abc", "abc"]) await visits.pipeInput(url, { at: 1 });
    const counts = driver.getKeyValueStore<string, number>("visit-counts");
    expect(await collect(counts.all())).toEqual([
      { key: "abc", value: 3 },
      { key: "xyz", value: 1 },
    ]);
  });
});

describe("bank", () => {
  it("handles account commands and keeps the read models: by id, by holder, by balance, mini statement", async () => {
    const driver = start(bankTopology());
    expect(driver.topology.subtopologies).toHaveLength(3);
    const commands = driver.createInputTopic("account-commands", Serdes.string(), Serdes.json<unknown>(), {
      startTimestamp: 10,
      autoAdvance: 10,
    });
    const send = (id: string, command: unknown) =>
      commands.pipeInput(id, command, {
        headers: { [CommandHeaders.correlationId]: `${id}-${JSON.stringify(command)}` },
      });
    await send("acc-1", { type: "open", holder: "Ada", deposit: 50 });
    await send("acc-2", { type: "open", holder: "Ada" });
    await send("acc-3", { type: "open", holder: "Bob", deposit: 500 });
    await send("acc-2", { type: "deposit", amount: 20 });
    await send("acc-1", { type: "withdraw", amount: 80 });
    await send("acc-1", { type: "withdraw", amount: 50 });
    await send("acc-1", { type: "close" });
    await send("acc-3", { type: "close" });

    const replies = driver.createOutputTopic("account-replies", Serdes.string(), replyEnvelopeSerde).readValuesToList();
    expect(replies.map((reply) => reply?.status)).toEqual([
      "accepted",
      "accepted",
      "accepted",
      "accepted",
      "rejected",
      "accepted",
      "accepted",
      "rejected",
    ]);

    const accounts = driver.getKeyValueStore<string, Account>("accounts");
    expect(await accounts.get("acc-1")).toEqual({ holder: "Ada", balance: 0, open: false });
    expect(await driver.getKeyValueStore<string, Account>("account-view").get("acc-2")).toEqual({
      holder: "Ada",
      balance: 20,
      open: true,
    });

    const byHolder = driver.getKeyValueStore<string, Summary[]>("accounts-by-holder");
    expect(await byHolder.get("Ada")).toEqual([
      { id: "acc-2", balance: 20 },
      { id: "acc-1", balance: 0 },
    ]);
    expect(await byHolder.get("Bob")).toEqual([{ id: "acc-3", balance: 500 }]);

    // Accounts with a balance between 10 and 100, by a range scan over the balance index.
    const byBalance = driver.getKeyValueStore<string, string>("accounts-by-balance");
    const inRange: KeyValue<string, string>[] = await collect(
      byBalance.range(balanceKey(10, ""), balanceKey(100, "~")),
    );
    expect(inRange.map((entry) => entry.value)).toEqual(["acc-2"]);
    expect((await collect(byBalance.all())).map((entry) => entry.value)).toEqual(["acc-1", "acc-2", "acc-3"]);

    const statement = await driver.getKeyValueStore<string, AccountEvent[]>("mini-statements").get("acc-1");
    expect(statement).toEqual([
      { type: "deposited", amount: 50, at: 10 },
      { type: "withdrawn", amount: 50, at: 60 },
    ]);
  });
});

describe("orders", () => {
  it("joins items, payment and shipping into an order that moves PAID -> FULFILLED -> SHIPPED", async () => {
    const driver = start(orderTopology());
    const items = driver.createInputTopic("order-items", Serdes.string(), Serdes.json<Item>());
    const payments = driver.createInputTopic("order-payments", Serdes.string(), Serdes.json<Payment>());
    const shipping = driver.createInputTopic("order-shipping", Serdes.string(), Serdes.json<Shipping>());
    const orders = driver.createOutputTopic("customer-order-aggregate", Serdes.string(), Serdes.json<Order>());

    await items.pipeInput("o-1", { sku: "snickers", quantity: 2, price: 1.5 });
    await items.pipeInput("o-1", { sku: "twix", quantity: 1, price: 2 });
    expect(orders.isEmpty()).toBe(true);
    await payments.pipeInput("o-1", { amount: 5, method: "card" });
    await shipping.pipeInput("o-1", { customerName: "Ada", address: "1 Loop Rd", shipped: false });
    await shipping.pipeInput("o-1", { customerName: "Ada", address: "1 Loop Rd", shipped: true });

    const updates = orders.readValuesToList();
    expect(updates.map((order) => order?.status)).toEqual(["PAID", "FULFILLED", "SHIPPED"]);
    expect(updates[0]).toMatchObject({
      total: 5,
      payment: { amount: 5 },
      shipping: null,
      items: [{ sku: "snickers" }, { sku: "twix" }],
    });
    expect(await driver.getKeyValueStore<string, Order>("orders").get("o-1")).toMatchObject({
      status: "SHIPPED",
      shipping: { customerName: "Ada" },
    });

    // A late item updates the paid order.
    await items.pipeInput("o-1", { sku: "mars", quantity: 1, price: 1 });
    expect(orders.readValue()).toMatchObject({ status: "SHIPPED", total: 6 });
  });
});
