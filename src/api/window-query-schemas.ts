// The schemas of the window and session queries (GET /stores/:store/keys/:key/windows and
// .../sessions): their query strings, their answers, and how a time is read from text.
// Times are epoch milliseconds or ISO 8601 with a zone, the way Kafka timestamps and
// people name them; every answer is one page of at most `limit` windows, so a range as
// wide as the store's retention never builds up in memory.
import { z } from "zod";
import { InvalidTimeRangeError } from "./errors.js";
import { lookupQuery } from "./route-schemas.js";

export const WINDOW_LIMIT_DEFAULT = 100;
export const WINDOW_LIMIT_MAX = 1000;
/** The latest time a range may name: Kafka's timestamps are longs, JavaScript's integers end here. */
export const TIME_MAX = Number.MAX_SAFE_INTEGER;

const MILLIS = /^\d{1,16}$/;
// A date, or a date and time with its zone: a time without a zone would be the server's local time.
const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** Epoch milliseconds of a time as text (milliseconds, or ISO 8601 with a zone); throws a 400 naming `what`. */
export function parseTimeText(store: string, what: string, text: string): number {
  let ms = Number.NaN;
  if (MILLIS.test(text)) ms = Number(text);
  else if (ISO.test(text)) ms = Date.parse(text);
  if (!Number.isSafeInteger(ms) || ms < 0 || ms > TIME_MAX) {
    throw new InvalidTimeRangeError(
      store,
      `${what} ${JSON.stringify(text)} is not a time: send epoch milliseconds (0 to ${TIME_MAX}) or ISO 8601 with a zone (2026-12-04T10:00:00Z)`,
    );
  }
  return ms;
}

export const timeText = (description: string) =>
  z
    .string()
    .min(1)
    .optional()
    .meta({ description: `${description} Epoch milliseconds or ISO 8601 with a zone (2026-12-04T10:00:00Z).` });

export const pageQuery = lookupQuery.extend({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(WINDOW_LIMIT_MAX)
    .default(WINDOW_LIMIT_DEFAULT)
    .meta({ description: `At most this many per page: default ${WINDOW_LIMIT_DEFAULT}, at most ${WINDOW_LIMIT_MAX}.` }),
  cursor: z.string().min(1).optional().meta({ description: "The nextCursor of the previous page." }),
});

export const windowsQuery = pageQuery.extend({
  from: timeText("The earliest window start (inclusive); the store's earliest by default."),
  to: timeText("The latest window start (inclusive); the latest by default."),
  order: z
    .enum(["asc", "desc"])
    .default("asc")
    .meta({ description: "asc: oldest window first (fetch); desc: newest first (backwardFetch)." }),
});
export type WindowsQuery = z.output<typeof windowsQuery>;

export const sessionsQuery = pageQuery.extend({
  from: timeText("Sessions that end at or after this time (findSessions' earliestSessionEndTime)."),
  to: timeText("Sessions that start at or before this time (findSessions' latestSessionStartTime)."),
});
export type SessionsQuery = z.output<typeof sessionsQuery>;

const timedValue = z.object({
  start: z.number().int().meta({ description: "Epoch milliseconds (inclusive)." }),
  end: z.number().int().meta({
    description:
      "Epoch milliseconds: a time window's end is exclusive (start + size); a session's is its last record's time.",
  }),
  value: z.unknown(),
});

const answerFields = {
  store: z.string(),
  key: z.unknown(),
  partition: z.number().int(),
  taskId: z.string(),
  stale: z
    .boolean()
    .meta({ description: "true when a standby or a restoring task answered: the values may be behind." }),
  nextCursor: z.string().nullable().meta({ description: "Pass as cursor for the next page; null on the last page." }),
};

export const windowsAnswer = z.object({ ...answerFields, windows: z.array(timedValue) });
export const sessionsAnswer = z.object({ ...answerFields, sessions: z.array(timedValue) });
