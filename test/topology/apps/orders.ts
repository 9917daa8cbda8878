// The snack-order aggregate from the seeds: item, payment and shipping topics (keyed by
// order id) joined into one order that moves PAID -> FULFILLED -> SHIPPED.
import { Serdes } from "../../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import type { Topology } from "../../../src/topology/topology.js";

export interface Item {
  sku: string;
  quantity: number;
  price: number;
}

export interface Payment {
  amount: number;
  method: string;
}

export interface Shipping {
  customerName: string;
  address: string;
  shipped: boolean;
}

export type OrderStatus = "PAID" | "FULFILLED" | "SHIPPED";

export interface Order {
  items: Item[];
  total: number;
  payment: Payment;
  shipping: Shipping | null;
  status: OrderStatus;
}

const json = <T>() => Serdes.json<T>();

export function orderTopology(): Topology {
  const builder = new StreamsBuilder();
  const items = builder
    .stream("order-items", { key: Serdes.string(), value: json<Item>() })
    .groupByKey()
    .aggregate(
      () => [] as Item[],
      (_order, item, list) => [...list, item],
      { store: "order-items-by-order", value: json<Item[]>() },
    );
  const payments = builder.table("order-payments", { key: Serdes.string(), value: json<Payment>() });
  const shipping = builder.table("order-shipping", { key: Serdes.string(), value: json<Shipping>() });

  items
    .join(payments, (list, payment) => ({ items: list, payment }))
    .leftJoin(
      shipping,
      ({ items: list, payment }, ship): Order => ({
        items: list,
        total: list.reduce((sum, item) => sum + item.quantity * item.price, 0),
        payment,
        shipping: ship,
        status: ship === null ? "PAID" : ship.shipped ? "SHIPPED" : "FULFILLED",
      }),
      { store: "orders", value: json<Order>() },
    )
    .toStream()
    .to("customer-order-aggregate", { value: json<Order>() });
  return builder.build();
}
