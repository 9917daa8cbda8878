// The order example end to end over HTTP, on the embedded broker: the three parts of an
// order published by the upstream routes and joined into the order, which becomes PAID
// when the last part arrives; FulfillOrder and ShipOrder move it on, a wrong transition
// is refused; the fulfilment and delivery lists come from orders-by-status.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Order } from "../../examples/orders/order.js";
import type { OrderSummary } from "../../examples/orders/topology.js";
import { readCommitted } from "../integration/support/kafka.js";
import { eventually, http, startDemoUnderTest } from "./support/demo-harness.js";
import type { DemoUnderTest } from "./support/demo-harness.js";

let demo: DemoUnderTest;
let orders: string;

beforeAll(async () => {
  demo = await startDemoUnderTest(["orders"]);
  orders = demo.api("orders");
});

afterAll(async () => {
  await demo?.close();
});

interface CommandAnswer {
  status: "accepted" | "rejected" | "invalid";
  reply?: Order;
  error?: { code: string; message: string };
}

const command = (body: Record<string, unknown>) =>
  http<CommandAnswer>("POST", `${orders}/commands/order-commands`, body);

async function order(id: string, until: (order: Order) => boolean): Promise<Order> {
  return eventually(`order ${id}`, async () => {
    const answer = await http<Order>("GET", `${demo.web}/orders/${id}`);
    return answer.status === 200 && until(answer.body) ? answer.body : undefined;
  });
}

async function list(status: string): Promise<string[]> {
  const answer = await http<{ orders: OrderSummary[] }>("GET", `${demo.web}/orders?status=${status}`);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.orders.map((summary) => summary.orderId);
}

/** The list moves a moment after the order: orders-by-status is a table of its own, fed through a repartition topic. */
async function listBecomes(status: string, expected: string[]): Promise<void> {
  await eventually(`the ${status} list to be [${expected.join(", ")}]`, async () =>
    JSON.stringify(await list(status)) === JSON.stringify(expected) ? true : undefined,
  );
}

async function publish(method: string, path: string, body: unknown): Promise<void> {
  const answer = await http(method, `${demo.web}${path}`, body);
  expect(answer.status, JSON.stringify(answer.body)).toBe(202);
}

describe("orders", () => {
  it("joins items, shipping and payment into an order that is PAID once all three are in", async () => {
    await publish("POST", "/orders/o-1/items", { sku: "snickers", quantity: 2, unitPriceCents: 150 });
    await publish("POST", "/orders/o-1/items", { sku: "twix", quantity: 1, unitPriceCents: 200 });
    await publish("POST", "/orders/o-1/items", { sku: "snickers", quantity: 1, unitPriceCents: 150 });
    await publish("PUT", "/orders/o-1/shipping", { customerName: "Brady", address: "1 Snack Street" });
    const pending = await order(
      "o-1",
      (o) => o.shipping !== null && o.items.length === 2 && o.items[0]?.quantity === 3,
    );
    expect(pending).toMatchObject({ status: "PENDING", awaiting: ["payment"], totalCents: 650, payment: null });
    await listBecomes("PENDING", ["o-1"]);

    const notPaid = await command({ type: "FulfillOrder", orderId: "o-1", fulfilledBy: "Sam" });
    expect(notPaid.status).toBe(409);
    expect(notPaid.body.error?.code).toBe("ORDER_NOT_PAID");

    await publish("PUT", "/orders/o-1/payment", { amountCents: 650, method: "card" });
    const paid = await order("o-1", (o) => o.status === "PAID");
    expect(paid).toMatchObject({
      awaiting: [],
      payment: { amountCents: 650, method: "card" },
      shipping: { customerName: "Brady" },
    });
    await listBecomes("PAID", ["o-1"]);
    await listBecomes("PENDING", []);

    // A second order, its parts in another order: PAID too.
    await publish("PUT", "/orders/o-2/payment", { amountCents: 300, method: "cash" });
    await publish("PUT", "/orders/o-2/shipping", { customerName: "Oakley", address: "2 Snack Street" });
    await publish("POST", "/orders/o-2/items", { sku: "mars", quantity: 2, unitPriceCents: 150 });
    await order("o-2", (o) => o.status === "PAID");
    await listBecomes("PAID", ["o-1", "o-2"]);
  });

  it("moves an order PAID -> FULFILLED -> SHIPPED by commands, refusing wrong transitions", async () => {
    const early = await command({ type: "ShipOrder", orderId: "o-1", carrier: "Minions", trackingCode: "MN-1" });
    expect(early.status).toBe(409);
    expect(early.body.error?.code).toBe("ORDER_NOT_FULFILLED");

    const fulfilled = await command({ type: "FulfillOrder", orderId: "o-1", fulfilledBy: "Sam the Wizard" });
    expect(fulfilled.status).toBe(200);
    expect(fulfilled.body.reply).toMatchObject({ orderId: "o-1", status: "FULFILLED", fulfilledBy: "Sam the Wizard" });

    const twice = await command({ type: "FulfillOrder", orderId: "o-1", fulfilledBy: "Sam" });
    expect(twice.status).toBe(409);
    expect(twice.body.error?.code).toBe("ALREADY_FULFILLED");

    await listBecomes("FULFILLED", ["o-1"]);
    await listBecomes("PAID", ["o-2"]);

    const shipped = await command({ type: "ShipOrder", orderId: "o-1", carrier: "Minions", trackingCode: "MN-1" });
    expect(shipped.status).toBe(200);
    expect(shipped.body.reply).toMatchObject({
      status: "SHIPPED",
      shipment: { carrier: "Minions", trackingCode: "MN-1" },
    });
    expect(
      (await command({ type: "ShipOrder", orderId: "o-1", carrier: "Minions", trackingCode: "MN-2" })).body.error?.code,
    ).toBe("ALREADY_SHIPPED");
    expect((await command({ type: "FulfillOrder", orderId: "o-1", fulfilledBy: "Sam" })).body.error?.code).toBe(
      "ALREADY_SHIPPED",
    );

    await listBecomes("SHIPPED", ["o-1"]);
    await listBecomes("FULFILLED", []);
    const final = await order("o-1", (o) => o.status === "SHIPPED");
    expect(final).toMatchObject({ fulfilledBy: "Sam the Wizard", shipment: { carrier: "Minions" }, totalCents: 650 });

    const unknown = await command({ type: "FulfillOrder", orderId: "o-404", fulfilledBy: "Sam" });
    expect(unknown.status).toBe(409);
    expect(unknown.body.error?.code).toBe("ORDER_NOT_FOUND");
  });

  it("publishes every change of an order on customer-orders", async () => {
    const records = await readCommitted(demo.bootstrap, "customer-orders");
    const statuses = records
      .filter((record) => record.key?.toString() === "o-1" && record.value !== null)
      .map((record) => (JSON.parse(record.value?.toString() ?? "{}") as Order).status);
    // Consecutive updates in one status collapse: the path is what counts.
    expect(statuses.filter((status, i) => status !== statuses[i - 1])).toEqual([
      "PENDING",
      "PAID",
      "FULFILLED",
      "SHIPPED",
    ]);
  });

  it("keeps its own rules: a payment must equal the total, and nothing changes after fulfilment", async () => {
    await publish("POST", "/orders/o-5/items", { sku: "hamper", quantity: 1, unitPriceCents: 99_999 });
    await publish("PUT", "/orders/o-5/shipping", { customerName: "Ada", address: "3 Snack Street" });
    await publish("PUT", "/orders/o-5/payment", { amountCents: 1, method: "card" });
    const underpaid = await order("o-5", (o) => o.payment !== null && o.shipping !== null);
    expect(underpaid).toMatchObject({
      status: "PENDING",
      awaiting: ["payment"],
      problems: ["The payment of 1 cents does not equal the items' total of 99999 cents"],
    });
    const refused = await command({ type: "FulfillOrder", orderId: "o-5", fulfilledBy: "Sam" });
    expect(refused.status).toBe(409);
    expect(refused.body.error?.code).toBe("PAYMENT_MISMATCH");
    const rejections = await eventually("o-5's rejection", async () => {
      const records = await readCommitted(demo.bootstrap, "order-rejections");
      const mine = records.filter((record) => record.key?.toString() === "o-5");
      return mine.length > 0 ? mine : undefined;
    });
    expect(JSON.parse(rejections[0]?.value?.toString() ?? "{}")).toMatchObject({
      part: "payment",
      code: "PAYMENT_MISMATCH",
    });

    // o-1 is SHIPPED: a part for it is refused at once, and the order stays as shipped.
    const late = await http<{ code: string; message: string }>("POST", `${demo.web}/orders/o-1/items`, {
      sku: "mars",
      quantity: 9,
      unitPriceCents: 150,
    });
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({
      code: "ORDER_CLOSED",
      message: "Order o-1 is SHIPPED: its items no longer change",
    });
    expect(await order("o-1", () => true)).toMatchObject({ status: "SHIPPED", totalCents: 650 });
  });

  it("refuses bad input with a 400 naming the field", async () => {
    const item = await http<{ issues: Array<{ path: string }> }>("POST", `${demo.web}/orders/o-3/items`, {
      sku: "snickers",
      quantity: 0,
      unitPriceCents: 150,
    });
    expect(item.status).toBe(400);
    expect(item.body.issues.map((issue) => issue.path)).toEqual(["quantity"]);
    expect((await http("PUT", `${demo.web}/orders/o-3/payment`, { amountCents: 100, method: "iou" })).status).toBe(400);
    expect((await http("GET", `${demo.web}/orders?status=LOST`)).status).toBe(400);
    expect((await command({ type: "ShipOrder", orderId: "o-1" })).status).toBe(400);
    expect((await http("GET", `${demo.web}/orders/o-404`)).status).toBe(404);
  });
});
