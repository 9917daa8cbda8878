// Test support: clicks counted per hour (a window store), per session and in total, with
// known expected windows and sessions per user, for the window query tests.
import { partitionForKey } from "../../../src/kafka/partitioner.js";
import { Serdes, SessionWindows, StreamsBuilder, TimeWindows } from "../../../src/index.js";
import type { Topology } from "../../../src/index.js";
import { produce } from "../../integration/support/kafka.js";
import type { TestCluster } from "../../integration/support/kafka.js";
import { PARTITIONS } from "./cluster.js";

export const CLICKS = "clicks";
export const HOURLY = "hourly-clicks";
export const SESSIONS = "click-sessions";
export const TOTALS = "click-totals";
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const BASE = Date.UTC(2026, 11, 4, 0, 0, 0);
export const USERS = Array.from({ length: 8 }, (_, i) => `user-${i}`);

/** User i clicks in hours 0..3+i%3, (h%3)+1 times a minute apart: one session per hour. */
function clicksOf(i: number): number[] {
  const times: number[] = [];
  for (let h = 0; h < 4 + (i % 3); h += 1) for (let j = 0; j <= h % 3; j += 1) times.push(BASE + h * HOUR + j * MINUTE);
  return times;
}
const userIndex = (user: string): number => Number(user.slice("user-".length));
export const expectedWindows = (user: string) => {
  const hours = 4 + (userIndex(user) % 3);
  return Array.from({ length: hours }, (_, h) => ({
    start: BASE + h * HOUR,
    end: BASE + (h + 1) * HOUR,
    value: (h % 3) + 1,
  }));
};
export const expectedSessions = (user: string) =>
  expectedWindows(user).map((w, h) => ({ start: w.start, end: w.start + (h % 3) * MINUTE, value: w.value }));

export function clicksTopology(): Topology {
  const builder = new StreamsBuilder();
  const grouped = builder.stream(CLICKS, { key: Serdes.string(), value: Serdes.string() }).groupByKey();
  grouped.windowedBy(TimeWindows.ofSizeAndGrace(HOUR, 30 * DAY)).count({ store: HOURLY });
  grouped.windowedBy(SessionWindows.ofInactivityGapAndGrace(10 * MINUTE, 30 * DAY)).count({ store: SESSIONS });
  grouped.count({ store: TOTALS });
  return builder.build();
}

/** Every user's clicks, in time order, each on its key's partition. */
export async function produceClicks(kafka: TestCluster["kafka"]): Promise<void> {
  const messages = USERS.flatMap((user, i) =>
    clicksOf(i).map((at) => ({
      partition: partitionForKey(Buffer.from(user), PARTITIONS),
      key: user,
      value: "click",
      timestamp: String(at),
    })),
  ).sort((x, y) => Number(x.timestamp) - Number(y.timestamp));
  await produce(kafka, CLICKS, messages);
}
