// The order example's own routes. The first three stand in for the upstream services
// (cart, checkout, payment) that publish the parts of an order to Kafka; the last two
// are the fulfilment and delivery teams' lists, each a prefix scan of orders-by-status.
//
//   POST /orders/:orderId/items      an item       -> order-items
//   PUT  /orders/:orderId/shipping   the address   -> order-shipping
//   PUT  /orders/:orderId/payment    the payment   -> order-payments
//   GET  /orders?status=PAID         orders in a status (PENDING, PAID, FULFILLED, SHIPPED)
//   GET  /orders/:orderId            one order
//
// FulfillOrder and ShipOrder go to the Eddy API itself: POST /commands/order-commands.
//
// The topology holds the order's rules whoever publishes (a payment that is not the
// total leaves the order PENDING, a part sent after fulfilment changes nothing; both are
// said on order-rejections). These routes also refuse a part for an order already
// FULFILLED or SHIPPED at once (409), as far as the order's state has been seen.
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { Serdes } from "eddy-streams";
import type { EddyHttpClient } from "../shared/eddy-http-client.js";
import type { RecordPublisher } from "../shared/record-publisher.js";
import { installErrorHandler, parseWith } from "../shared/route-support.js";
import { Item, Payment, Rejections, Shipping, orderId } from "./order.js";
import type { Order } from "./order.js";
import { OrderStores, OrderTopics, statusKey } from "./topology.js";
import type { OrderSummary } from "./topology.js";

export interface OrderRoutesOptions {
  /** The order application's Eddy API (any instance). */
  readonly eddy: EddyHttpClient;
  readonly publisher: RecordPublisher;
}

const orderParams = z.object({ orderId });
const listQuery = z.strictObject({
  status: z.enum(["PENDING", "PAID", "FULFILLED", "SHIPPED"]),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().min(1).optional(),
});

export async function orderRoutes(app: FastifyInstance, options: OrderRoutesOptions): Promise<void> {
  const { eddy, publisher } = options;
  const key = Serdes.string();
  installErrorHandler(app);

  /** A 409 for a part of an order that is packed; undefined when the part may go (or the order cannot be read now). */
  async function closed(
    id: string,
    part: string,
  ): Promise<{ statusCode: number; code: string; message: string } | undefined> {
    let order: Order | undefined;
    try {
      order = await eddy.get<Order>(OrderStores.orders, id);
    } catch {
      return undefined; // the topology refuses it anyway, on order-rejections
    }
    if (order?.status !== "FULFILLED" && order?.status !== "SHIPPED") return undefined;
    return {
      statusCode: 409,
      code: Rejections.ORDER_CLOSED,
      message: `Order ${id} is ${order.status}: its ${part} no longer change`,
    };
  }

  app.post("/orders/:orderId/items", async (request, reply) => {
    const { orderId: id } = parseWith(orderParams, request.params, "path parameters");
    const item = parseWith(Item, request.body, "item");
    const refusal = await closed(id, "items");
    if (refusal !== undefined) return reply.code(409).send(refusal);
    await publisher.publish(OrderTopics.items, { key: id, value: item, keySerde: key, valueSerde: Serdes.zod(Item) });
    return reply.code(202).send({ orderId: id, published: OrderTopics.items, item });
  });

  app.put("/orders/:orderId/shipping", async (request, reply) => {
    const { orderId: id } = parseWith(orderParams, request.params, "path parameters");
    const shipping = parseWith(Shipping, request.body, "shipping");
    const refusal = await closed(id, "shipping");
    if (refusal !== undefined) return reply.code(409).send(refusal);
    await publisher.publish(OrderTopics.shipping, {
      key: id,
      value: shipping,
      keySerde: key,
      valueSerde: Serdes.zod(Shipping),
    });
    return reply.code(202).send({ orderId: id, published: OrderTopics.shipping, shipping });
  });

  app.put("/orders/:orderId/payment", async (request, reply) => {
    const { orderId: id } = parseWith(orderParams, request.params, "path parameters");
    const payment = parseWith(Payment, request.body, "payment");
    const refusal = await closed(id, "payment");
    if (refusal !== undefined) return reply.code(409).send(refusal);
    await publisher.publish(OrderTopics.payments, {
      key: id,
      value: payment,
      keySerde: key,
      valueSerde: Serdes.zod(Payment),
    });
    return reply.code(202).send({ orderId: id, published: OrderTopics.payments, payment });
  });

  app.get("/orders", async (request) => {
    const query = parseWith(listQuery, request.query, "query parameters");
    const page = await eddy.scan<string, OrderSummary>(OrderStores.byStatus, {
      prefix: statusKey(query.status, ""),
      limit: query.limit,
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
    });
    return { status: query.status, orders: page.entries.map((entry) => entry.value), nextCursor: page.nextCursor };
  });

  app.get("/orders/:orderId", async (request, reply) => {
    const { orderId: id } = parseWith(orderParams, request.params, "path parameters");
    const order = await eddy.get<Order>(OrderStores.orders, id);
    if (order === undefined)
      return reply.code(404).send({ statusCode: 404, error: "Not Found", message: `There is no order ${id}` });
    return order;
  });
}
