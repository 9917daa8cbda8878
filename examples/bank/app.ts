// The bank as an Eddy application module:
//
//   npx eddy run examples/bank/app.ts --config config/bank.json --bootstrap 127.0.0.1:9092
//
// (the topics must exist; `npm start` creates them), or run by the demo with the other
// examples (examples/demo/start.ts).
import type { EddyApp } from "eddy-streams/api";
import type { TopicSpec } from "../shared/record-publisher.js";
import { AccountCommand } from "./account.js";
import { BankTopics, bankTopology } from "./topology.js";

export const PARTITIONS = 4;

export const topics: readonly TopicSpec[] = [
  { name: BankTopics.commands, partitions: PARTITIONS },
  { name: BankTopics.events, partitions: PARTITIONS },
  { name: BankTopics.replies, partitions: PARTITIONS, configs: { "retention.ms": String(24 * 3_600_000) } },
];

const app: EddyApp = {
  topology: () => bankTopology(),
  commands: [
    {
      topic: BankTopics.commands,
      schema: AccountCommand,
      keyField: "accountId",
      description: "Open an account, deposit, withdraw or close it (amounts in integer cents)",
    },
  ],
};

export default app;
