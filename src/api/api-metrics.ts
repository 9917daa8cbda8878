// What the HTTP layer measures itself: query and command latencies, by how the request
// was answered. The runtime's own counters come from QueryableStreams.metrics().
import { Histogram } from "./prometheus.js";
import type { MetricFamily } from "./prometheus.js";

/** How a query was answered: here, by the owner (forwarded), from a stale copy, or not at all. */
export type QueryOutcome = "local" | "forwarded" | "stale" | "not_found" | "unavailable" | "bad_request" | "error";

export class ApiMetrics {
  readonly queryLatency = new Histogram(
    "eddy_query_duration_seconds",
    "Interactive query latency as seen by this instance, by store, operation (get, scan, windows, sessions) and outcome.",
    ["store", "operation", "outcome"],
  );
  readonly commandLatency = new Histogram(
    "eddy_command_duration_seconds",
    "Command round trip (produce, process, reply) latency, by topic and reply status (accepted, rejected, invalid, timeout).",
    ["topic", "status"],
  );

  observeQuery(
    store: string,
    operation: "get" | "scan" | "windows" | "sessions",
    outcome: QueryOutcome,
    startedAt: bigint,
  ): void {
    this.queryLatency.observe([store, operation, outcome], elapsedSeconds(startedAt));
  }

  observeCommand(topic: string, status: string, startedAt: bigint): void {
    this.commandLatency.observe([topic, status], elapsedSeconds(startedAt));
  }

  families(): MetricFamily[] {
    return [this.queryLatency.family(), this.commandLatency.family()];
  }
}

function elapsedSeconds(startedAt: bigint): number {
  return Number(process.hrtime.bigint() - startedAt) / 1e9;
}
