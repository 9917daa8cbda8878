// The order aggregate as an Eddy application module:
//
//   npx eddy run examples/orders/app.ts --config config/orders.json --bootstrap 127.0.0.1:9092
//
// (the topics must exist; `npm start` creates them), or run by the demo with the other
// examples (examples/demo/start.ts).
import type { EddyApp } from "eddy-streams/api";
import type { TopicSpec } from "../shared/record-publisher.js";
import { OrderCommand } from "./order.js";
import { OrderTopics, ordersTopology } from "./topology.js";

/** The four input topics are joined: they must have the same partition count. */
export const PARTITIONS = 4;

export const topics: readonly TopicSpec[] = [
  { name: OrderTopics.items, partitions: PARTITIONS },
  { name: OrderTopics.shipping, partitions: PARTITIONS, configs: { "cleanup.policy": "compact" } },
  { name: OrderTopics.payments, partitions: PARTITIONS, configs: { "cleanup.policy": "compact" } },
  { name: OrderTopics.commands, partitions: PARTITIONS },
  { name: OrderTopics.events, partitions: PARTITIONS },
  { name: OrderTopics.replies, partitions: PARTITIONS, configs: { "retention.ms": String(24 * 3_600_000) } },
  { name: OrderTopics.orders, partitions: PARTITIONS, configs: { "cleanup.policy": "compact" } },
  { name: OrderTopics.rejections, partitions: PARTITIONS },
];

const app: EddyApp = {
  topology: () => ordersTopology(),
  commands: [
    {
      topic: OrderTopics.commands,
      schema: OrderCommand,
      keyField: "orderId",
      description: "Fulfil a PAID order (FulfillOrder) or ship a FULFILLED one (ShipOrder)",
    },
  ],
};

export default app;
