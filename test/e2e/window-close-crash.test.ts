// EmitStrategy.onWindowClose() across kill -9: an instance in its own OS process emits final
// counts of 10 s windows, is killed with SIGKILL in the middle of the stream (no shutdown, no
// last commit), and restarts from the same state directory. It starts from the last emit time
// its last commit carried (the input offsets' metadata, as Kafka Streams commits it), so the
// output topic, read_committed, holds every closed window exactly once, with the model's count:
// none of those emitted before the kill again, none closed meanwhile skipped.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTopic,
  eventually,
  produce,
  readCommitted,
  startTestCluster,
  testStreamsConfig,
} from "../integration/support/kafka.js";
import type { TestCluster } from "../integration/support/kafka.js";
import { CLOSING_EVENTS, CLOSING_FINALS, CLOSING_WINDOW_MS } from "../integration/support/topologies.js";
import { StreamsProcess } from "./support/processes.js";

const W = CLOSING_WINDOW_MS;
const KEYS = ["k0", "k1", "k2", "k3", "k4"];
// Recent times: windowed changelogs are compact,delete with retention.ms = retention + 1 day.
const T0 = Date.now() - (Date.now() % W) - 200 * W;
/** 60 windows of 10 s, a record every 700 ms, keys interleaved: about 14 a window. */
const RECORDS = Array.from({ length: 850 }, (_, i) => ({ key: KEYS[(i * 3) % KEYS.length]!, at: T0 + i * 700 }));
/** The emit throttle looks for closed windows at most once a second of wall-clock time. */
const EMIT_INTERVAL_MS = 1_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const windowText = (key: string, start: number) => `[${key}@${start}/${start + W}]`;

describe("onWindowClose across kill -9", () => {
  let cluster: TestCluster;
  let root: string;
  const processes: StreamsProcess[] = [];

  beforeAll(async () => {
    cluster = await startTestCluster();
    root = await mkdtemp(join(tmpdir(), "eddy-e2e-window-close-"));
    await createTopic(cluster.kafka, CLOSING_EVENTS, 1);
    await createTopic(cluster.kafka, CLOSING_FINALS, 1);
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill()));
    await cluster.close();
    await rm(root, { recursive: true, force: true });
  });

  it("emits every closed window once, with its whole count, across a kill", { timeout: 150_000 }, async () => {
    const start = () => {
      const p = new StreamsProcess(`closing-${processes.length}`, {
        topology: "window-close-counts",
        config: testStreamsConfig(cluster.bootstrap, join(root, "state"), { applicationId: "closing-e2e" }),
      });
      processes.push(p);
      return p;
    };
    let sent = 0;
    /**
     * Sends the records up to `until` in slices, an emit interval apart: each slice's first
     * record finds the throttle open and lets out the windows it closes.
     */
    const sendUpTo = async (until: number) => {
      while (sent < until) {
        const slice = RECORDS.slice(sent, Math.min(until, sent + 50));
        await produce(
          cluster.kafka,
          CLOSING_EVENTS,
          slice.map((r) => ({ partition: 0, key: r.key, value: "v", timestamp: String(r.at) })),
        );
        sent += slice.length;
        await sleep(EMIT_INTERVAL_MS + 100);
      }
    };
    const finals = () => readCommitted(cluster.bootstrap, CLOSING_FINALS);

    const first = start();
    await first.waitForState("RUNNING");
    await sendUpTo(400);
    // Killed once some windows have come out, with more records on their way.
    await eventually(async () => ((await finals()).length >= 20 ? true : undefined), 60_000, "first final counts");
    await sendUpTo(450);
    await first.kill();
    await sendUpTo(600);
    const second = start();
    await second.waitForState("RUNNING");
    await sendUpTo(RECORDS.length);
    // Records a window after the last close every window of the stream; one an emit interval
    // (the throttle lets closed windows out only when a record comes), until all are out.
    const last = RECORDS[RECORDS.length - 1]!.at;
    const closing = Math.floor(last / W) * W + W;
    const expected = new Map<string, bigint>();
    for (const r of RECORDS) {
      const id = windowText(r.key, Math.floor(r.at / W) * W);
      expected.set(id, (expected.get(id) ?? 0n) + 1n);
    }
    let nudged = 0;
    const emitted = await eventually(
      async () => {
        const records = await finals();
        if (records.length >= expected.size) return records;
        if (Date.now() - nudged > EMIT_INTERVAL_MS + 100) {
          nudged = Date.now();
          await produce(cluster.kafka, CLOSING_EVENTS, [
            { partition: 0, key: "k0", value: "v", timestamp: String(closing) },
          ]);
        }
        return undefined;
      },
      60_000,
      "every window's final count",
    );
    // Longer than an emit interval and a commit: a window emitted twice would show now.
    await sleep(2 * EMIT_INTERVAL_MS);
    const settled = await finals();
    const seen = new Map<string, bigint[]>();
    for (const r of settled) {
      const id = r.key?.toString() ?? "";
      seen.set(id, [...(seen.get(id) ?? []), r.value?.readBigInt64BE(0) ?? -1n]);
    }
    const twice = [...seen].filter(([, counts]) => counts.length > 1);
    expect(twice).toEqual([]);
    expect(new Map([...seen].map(([id, counts]) => [id, counts[0]]))).toEqual(expected);
    expect(settled.length).toBe(emitted.length);
  });
});
