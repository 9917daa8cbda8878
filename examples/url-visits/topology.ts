// The URL shortener's two flows, as two sub-topologies:
//
//   link-commands -> handleCommands (store "links") -> link-events
//   visits -> count per short code (store "visit-counts") -> visit-count-updates
//          -> count per short code and hour (window store "visit-counts-hourly")
//             -> suppressed until each hour closes -> visit-counts-hourly (the final counts)
//
// The hourly counts are 1 h tumbling windows with 5 min grace (a visit up to five minutes
// late still counts in its hour), kept for two days: the demo charts the last 24 hours.
// Once stream time passes an hour's end + grace, its final count goes out once, keyed by
// Kafka Streams' windowed key (TimeWindowedDeserializer reads it), a Java long as value.
//
// Counts are 64-bit longs, as Kafka Streams' count() writes them, so a Java consumer
// (or kcat -s value=q) reads visit-count-updates as it would a Kafka Streams output.
import { BufferConfig, Serdes, StreamsBuilder, Suppressed, TimeWindows } from "eddy-streams";
import type { Topology } from "eddy-streams";
import { LinkCommand, decide, evolve } from "./link.js";
import type { Link, LinkEvent, Visit } from "./link.js";

export const UrlVisitsTopics = {
  linkCommands: "link-commands",
  linkEvents: "link-events",
  linkReplies: "link-replies",
  visits: "visits",
  countUpdates: "visit-count-updates",
  hourlyCounts: "visit-counts-hourly",
} as const;

export const UrlVisitsStores = {
  links: "links",
  visitCounts: "visit-counts",
  hourlyVisitCounts: "visit-counts-hourly",
} as const;

export const HOUR_MS = 3_600_000;
export const HOURLY_GRACE_MS = 5 * 60_000;
export const HOURLY_RETENTION_MS = 48 * HOUR_MS;

export function urlVisitsTopology(): Topology {
  const builder = new StreamsBuilder();
  const key = Serdes.string();

  builder
    .stream(UrlVisitsTopics.linkCommands, { key, value: Serdes.json<unknown>() })
    .handleCommands<Link | null, LinkEvent, Link, LinkCommand>({
      name: "link-command-handler",
      store: { name: UrlVisitsStores.links, value: Serdes.json<Link>() },
      initial: null,
      command: LinkCommand,
      decide: (link, command, { key: code, timestamp }) => decide(link, command, code, timestamp),
      evolve,
      events: { topic: UrlVisitsTopics.linkEvents, value: Serdes.json<LinkEvent>(), name: "link-events-sink" },
      replies: { topic: UrlVisitsTopics.linkReplies, name: "link-replies-sink" },
    });

  const visitsByCode = builder
    .stream(UrlVisitsTopics.visits, { key, value: Serdes.json<Visit>() })
    .groupByKey({ name: "visits-by-code" });
  visitsByCode
    .count({ store: UrlVisitsStores.visitCounts, name: "count-visits" })
    .toStream({ name: "visit-count-changes" })
    .to(UrlVisitsTopics.countUpdates, { value: Serdes.long(), name: "visit-count-updates-sink" });

  visitsByCode
    .windowedBy(TimeWindows.ofSizeAndGrace(HOUR_MS, HOURLY_GRACE_MS))
    .count({ store: UrlVisitsStores.hourlyVisitCounts, name: "count-visits-hourly", retention: HOURLY_RETENTION_MS })
    .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()).withName("final-hourly-counts"))
    .toStream({ name: "final-hourly-count-changes" })
    .to(UrlVisitsTopics.hourlyCounts, {
      key: Serdes.timeWindowed(key, HOUR_MS),
      value: Serdes.long(),
      name: "visit-counts-hourly-sink",
    });

  return builder.build();
}
