// What the HTTP layer measures itself: query and command latencies, by how the request
// was answered. The runtime's own counters come from QueryableStreams.metrics().
import { Histogram } from "./prometheus.js";
import type { HistogramChild, MetricFamily } from "./prometheus.js";

const QUERY_OPERATIONS = ["get", "scan", "windows", "sessions", "versions"] as const;
export type QueryOperation = (typeof QUERY_OPERATIONS)[number];

/** How a query was answered: here, by the owner (forwarded), from a stale copy, or not at all. */
export type QueryOutcome = "local" | "forwarded" | "stale" | "not_found" | "unavailable" | "bad_request" | "error";

export class ApiMetrics {
  readonly queryLatency = new Histogram(
    "eddy_query_duration_seconds",
    "Interactive query latency as seen by this instance, by store, operation (get, scan, windows, sessions, versions) and outcome.",
    ["store", "operation", "outcome"],
  );
  readonly commandLatency = new Histogram(
    "eddy_command_duration_seconds",
    "Command round trip (produce, process, reply) latency, by topic and reply status (accepted, rejected, invalid, timeout).",
    ["topic", "status"],
  );

  /** The query series by store, operation and outcome: a lookup observes without allocating. */
  readonly #queries = new Map<string, Map<string, HistogramChild>>();

  /** `startedAt`: performance.now() when the query arrived. */
  observeQuery(store: string, operation: QueryOperation, outcome: QueryOutcome, startedAt: number): void {
    let byStore = this.#queries.get(store);
    if (byStore === undefined) {
      byStore = new Map();
      this.#queries.set(store, byStore);
    }
    const id = SERIES_IDS[operation][outcome];
    let series = byStore.get(id);
    if (series === undefined) {
      series = this.queryLatency.labelled([store, operation, outcome]);
      byStore.set(id, series);
    }
    series.observe(elapsedSeconds(startedAt));
  }

  /** `startedAt`: performance.now() when the command arrived. */
  observeCommand(topic: string, status: string, startedAt: number): void {
    this.commandLatency.observe([topic, status], elapsedSeconds(startedAt));
  }

  families(): MetricFamily[] {
    return [this.queryLatency.family(), this.commandLatency.family()];
  }
}

const OUTCOMES: readonly QueryOutcome[] = [
  "local",
  "forwarded",
  "stale",
  "not_found",
  "unavailable",
  "bad_request",
  "error",
];

/** "operation outcome" strings made once, so that finding a series concatenates nothing. */
const SERIES_IDS = Object.fromEntries(
  QUERY_OPERATIONS.map((operation) => [
    operation,
    Object.fromEntries(OUTCOMES.map((outcome) => [outcome, `${operation} ${outcome}`])),
  ]),
) as Record<QueryOperation, Record<QueryOutcome, string>>;

function elapsedSeconds(startedAt: number): number {
  return (performance.now() - startedAt) / 1e3;
}
