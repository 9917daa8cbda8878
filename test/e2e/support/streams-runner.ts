// A KafkaStreams instance in its own OS process, for the multi-process tests: the test
// forks it (node --import tsx), may kill it with SIGKILL, and reads what happened from
// the JSON lines it prints on stdout: state changes, restore events, ready, closed.
//
//   argv[2]: JSON of RunnerOptions
import pino from "pino";
import { KafkaStreams } from "../../../src/index.js";
import type { StreamsConfig } from "../../../src/index.js";
import {
  bankTopology,
  hourlyVisitTopology,
  orderLineTopology,
  pricedOrderTopology,
  urlVisitTopology,
  windowCloseCountTopology,
} from "../../integration/support/topologies.js";

export interface RunnerOptions {
  topology: "bank" | "visits" | "order-lines" | "hourly-visits" | "window-close-counts" | "priced-orders";
  config: StreamsConfig;
  logLevel?: string;
}

export type RunnerEvent =
  | { event: "state"; state: string; previous: string }
  | { event: "restore-start"; taskId: string; store: string; startOffset: number; endOffset: number }
  | { event: "restore-end"; taskId: string; store: string; restored: number }
  | { event: "assigned"; active: string[]; standby: string[] }
  | { event: "error"; message: string }
  | { event: "closed" };

const options = JSON.parse(process.argv[2] ?? "{}") as RunnerOptions;
const emit = (event: RunnerEvent): void => {
  process.stdout.write(`${JSON.stringify(event)}\n`);
};
// Logs go to stderr, events to stdout.
const logger = pino({ level: options.logLevel ?? "warn" }, pino.destination(2));
const topology =
  options.topology === "bank"
    ? bankTopology()
    : options.topology === "order-lines"
      ? orderLineTopology()
      : options.topology === "hourly-visits"
        ? hourlyVisitTopology()
        : options.topology === "window-close-counts"
          ? windowCloseCountTopology()
          : options.topology === "priced-orders"
            ? pricedOrderTopology()
            : urlVisitTopology();
const streams = new KafkaStreams(topology, options.config, { logger });
streams.setStateListener((state, previous) => {
  emit({ event: "state", state, previous });
  if (state === "RUNNING") emit({ event: "assigned", ...streams.assignedTasks() });
});
streams.setGlobalStateRestoreListener({
  onRestoreStart: (e) =>
    emit({
      event: "restore-start",
      taskId: e.taskId,
      store: e.store,
      startOffset: e.startOffset,
      endOffset: e.endOffset,
    }),
  onRestoreEnd: (e) => emit({ event: "restore-end", taskId: e.taskId, store: e.store, restored: e.totalRestored }),
});

let closing = false;
async function shutdown(): Promise<void> {
  if (closing) return;
  closing = true;
  await streams.close({ timeout: 20_000 });
  emit({ event: "closed" });
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown());
process.on("SIGINT", () => void shutdown());

streams.start().catch((error: unknown) => {
  emit({ event: "error", message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
