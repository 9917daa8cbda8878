// The URL shortener's stream processing as an Eddy application module:
//
//   npx eddy run examples/url-visits/app.ts --config config/url-visits.json --bootstrap 127.0.0.1:9092
//
// (the topics must exist; `npm start` creates them). The redirect service in front of it
// (redirect-service.ts) runs in the demo (examples/demo/start.ts).
import type { EddyApp } from "eddy-streams/api";
import type { TopicSpec } from "../shared/record-publisher.js";
import { LinkCommand } from "./link.js";
import { UrlVisitsTopics, urlVisitsTopology } from "./topology.js";

export const PARTITIONS = 4;

export const topics: readonly TopicSpec[] = [
  { name: UrlVisitsTopics.linkCommands, partitions: PARTITIONS },
  { name: UrlVisitsTopics.linkEvents, partitions: PARTITIONS },
  { name: UrlVisitsTopics.linkReplies, partitions: PARTITIONS, configs: { "retention.ms": String(24 * 3_600_000) } },
  { name: UrlVisitsTopics.visits, partitions: PARTITIONS },
  { name: UrlVisitsTopics.countUpdates, partitions: PARTITIONS, configs: { "cleanup.policy": "compact" } },
  { name: UrlVisitsTopics.hourlyCounts, partitions: PARTITIONS, configs: { "cleanup.policy": "compact" } },
];

const app: EddyApp = {
  topology: () => urlVisitsTopology(),
  commands: [
    {
      topic: UrlVisitsTopics.linkCommands,
      schema: LinkCommand,
      keyField: "code",
      description: "Create or disable a short link",
    },
  ],
};

export default app;
