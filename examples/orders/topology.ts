// The order aggregate as one topology:
//
//   order-items ──aggregate──┐
//   order-shipping (table) ──┼─ outer joins ─> order-parts ──left join──> orders ─> customer-orders
//   order-payments (table) ──┘        │                         ▲            └──> orders-by-status
//                                     │ (stream-table join)     │
//   order-commands ──> with parts ──> handleCommands ──> order-events ──> order-progress
//
//   order-parts ──left join order-progress──> order-rejections (a payment that is not the
//                                             total, a part changed after fulfilment)
//
// The command handler sees each command together with the order's parts, so it can
// refuse to fulfil an order that is not PAID; its events update the progress table,
// which joins back into the order (frozen as fulfilled: OrderFulfilled carries the parts). orders-by-status is keyed "<status>/<order id>", so
// the fulfilment team's "PAID orders" is a prefix scan, not a scan of every order.
//
// Not cogroup(): shipping and payment are the latest version of a part (a later record
// replaces it, a tombstone withdraws it), which tables and outer joins model and a
// cogroup, which only folds records in, cannot (see the README).
import { z } from "zod";
import { Serdes, StreamsBuilder } from "eddy-streams";
import type { Topology } from "eddy-streams";
import { Item, OrderCommand, Payment, Shipping, addItem, decide, evolve, orderOf, partRejections } from "./order.js";
import type {
  Order,
  OrderCommandWithParts,
  OrderEvent,
  OrderParts,
  OrderStatus,
  PartRejection,
  Progress,
} from "./order.js";

export const OrderTopics = {
  items: "order-items",
  shipping: "order-shipping",
  payments: "order-payments",
  commands: "order-commands",
  events: "order-events",
  replies: "order-replies",
  /** Every change of every order, as the seed's customer-order-aggregate topic. */
  orders: "customer-orders",
  /** Parts the order refused: a payment that does not equal the total, a change after fulfilment. */
  rejections: "order-rejections",
} as const;

export const OrderStores = {
  orders: "orders",
  byStatus: "orders-by-status",
  parts: "order-parts",
  progress: "order-progress",
} as const;

/** An entry of orders-by-status. */
export interface OrderSummary {
  orderId: string;
  status: OrderStatus;
  customerName: string | null;
  totalCents: number;
  itemCount: number;
}

export function statusKey(status: OrderStatus, orderId: string): string {
  return `${status}/${orderId}`;
}

export function summaryOf(order: Order): OrderSummary {
  return {
    orderId: order.orderId,
    status: order.status,
    customerName: order.shipping?.customerName ?? null,
    totalCents: order.totalCents,
    itemCount: order.items.reduce((sum, item) => sum + item.quantity, 0),
  };
}

const CommandWithParts = z.object({
  command: OrderCommand,
  parts: z.custom<OrderParts | null>((value) => value === null || (typeof value === "object" && "orderId" in value)),
});

export function ordersTopology(): Topology {
  const builder = new StreamsBuilder();
  const key = Serdes.string();

  const items = builder
    .stream(OrderTopics.items, { key, value: Serdes.zod(Item) })
    .groupByKey({ name: "items-by-order" })
    .aggregate<Item[]>(
      () => [],
      (_id, item, list) => addItem(list, item),
      { store: "order-items-by-order", value: Serdes.json<Item[]>() },
    );
  const shipping = builder.table(OrderTopics.shipping, {
    key,
    value: Serdes.zod(Shipping),
    store: "order-shipping-by-order",
  });
  const payments = builder.table(OrderTopics.payments, {
    key,
    value: Serdes.zod(Payment),
    store: "order-payments-by-order",
  });

  const parts = items
    .outerJoin(shipping, (list, address) => ({ items: list ?? [], shipping: address }), { name: "items-with-shipping" })
    .outerJoin(
      payments,
      (partial, payment) => ({ items: partial?.items ?? [], shipping: partial?.shipping ?? null, payment }),
      { name: "items-shipping-payment" },
    )
    // Materialized: the command handler's lookup and the join with the progress read one
    // store instead of recomputing both outer joins from three.
    .mapValues((partial, orderId): OrderParts => ({ orderId, ...partial }), {
      store: OrderStores.parts,
      value: Serdes.json<OrderParts>(),
      name: "order-parts",
    });

  const events = builder
    .stream(OrderTopics.commands, { key, value: Serdes.json<unknown>() })
    .leftJoin(parts, (command, orderParts) => ({ command, parts: orderParts }), { name: "commands-with-parts" })
    .handleCommands<Progress | null, OrderEvent, Order, OrderCommandWithParts>({
      name: "order-command-handler",
      store: { name: "order-fulfilment", value: Serdes.json<Progress>() },
      initial: null,
      command: CommandWithParts,
      decide: (progress, input, { key: id, timestamp }) => decide(progress, input, id, timestamp),
      evolve,
      events: { topic: OrderTopics.events, value: Serdes.json<OrderEvent>(), name: "order-events-sink" },
      replies: { topic: OrderTopics.replies, name: "order-replies-sink" },
    });

  const progress = events.groupByKey({ name: "order-events-by-order" }).aggregate<Progress | null>(
    () => null,
    (_id, event, current) => evolve(current, event),
    { store: OrderStores.progress, value: Serdes.json<Progress>() },
  );

  // The upstream services publish to Kafka and get no reply: what the order refuses of
  // their parts is said on order-rejections, keyed by order, for them to act on.
  parts
    .toStream({ name: "order-parts-changes" })
    .leftJoin(progress, (current, fulfilled) => (current === null ? [] : partRejections(current, fulfilled)), {
      name: "order-parts-checked",
    })
    .flatMapValues((rejections) => rejections, { name: "order-part-rejections" })
    .to(OrderTopics.rejections, { value: Serdes.json<PartRejection>(), name: "order-rejections-sink" });

  const orders = parts.leftJoin(progress, (orderParts, current) => orderOf(orderParts, current), {
    store: OrderStores.orders,
    value: Serdes.json<Order>(),
    name: "orders",
  });
  orders
    .toStream({ name: "order-changes" })
    .to(OrderTopics.orders, { value: Serdes.json<Order>(), name: "customer-orders-sink" });

  orders
    .groupBy((id, order) => ({ key: statusKey(order.status, id), value: summaryOf(order) }), {
      key,
      value: Serdes.json<OrderSummary>(),
      name: "orders-by-status",
    })
    .reduce(
      (_previous, summary) => summary,
      () => null,
      { store: OrderStores.byStatus },
    );

  return builder.build();
}
