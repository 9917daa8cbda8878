// The URL shortener's visit counter from the seeds: one line of DSL.
import { Serdes } from "../../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import type { Topology } from "../../../src/topology/topology.js";

export function urlVisitTopology(): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream("visits", { key: Serdes.string(), value: Serdes.json<{ at: number }>() })
    .groupByKey()
    .count({ store: "visit-counts" });
  return builder.build();
}
