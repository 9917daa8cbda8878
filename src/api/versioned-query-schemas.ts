// The schemas of versioned store queries: a point lookup as of a time
// (GET /stores/:store/keys/:key?asOf=, Kafka Streams' VersionedKeyQuery) and a key's
// versions in a time range (GET /stores/:store/keys/:key/versions, its
// MultiVersionedKeyQuery), one page at a time.
import { z } from "zod";
import { lookupQuery } from "./route-schemas.js";
import { pageQuery, timeText } from "./window-query-schemas.js";

/** The point lookup's query string: a versioned store also takes asOf. */
export const pointLookupQuery = lookupQuery.extend({
  asOf: timeText("Versioned stores only: the version valid at this time instead of the latest."),
});
export type PointLookupQuery = z.output<typeof pointLookupQuery>;

export const versionsQuery = pageQuery.extend({
  from: timeText("Versions still valid at or after this time (validTo after it); every version by default."),
  to: timeText("Versions that began at or before this time; up to the latest by default."),
  order: z
    .enum(["asc", "desc"])
    .default("desc")
    .meta({ description: "desc: newest first (the default, as Kafka Streams returns them); asc: oldest first." }),
});
export type VersionsQueryText = z.output<typeof versionsQuery>;

const version = {
  value: z.unknown(),
  timestamp: z.number().int().meta({ description: "When the version began (epoch milliseconds)." }),
  validTo: z
    .number()
    .int()
    .nullable()
    .meta({ description: "When the next version or a deletion replaced it (exclusive); null for the latest." }),
};

export const versionedLookupAnswer = z.object({
  store: z.string(),
  key: z.unknown(),
  ...version,
  partition: z.number().int(),
  taskId: z.string(),
  stale: z.boolean().meta({ description: "true when a standby or a restoring task answered: it may be behind." }),
});

export const versionsAnswer = z.object({
  store: z.string(),
  key: z.unknown(),
  versions: z.array(z.object(version)),
  partition: z.number().int(),
  taskId: z.string(),
  stale: z.boolean().meta({ description: "true when a standby or a restoring task answered: it may be behind." }),
  nextCursor: z.string().nullable().meta({ description: "Pass as cursor for the next page; null on the last page." }),
});
