// A foreign-key join (order lines to products, partitioned differently: 4 and 3
// partitions) across two instances as separate OS processes, one killed with SIGKILL
// while lines move between products, products are renamed and lines are deleted, then
// restarted. The subscriptions and responses travel through the join's internal topics
// between the instances; at the end the output table holds exactly the join of the final
// lines with the final products: nothing lost, no stale result left standing.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { partitionForKey } from "../../src/kafka/partitioner.js";
import {
  createTopic,
  eventually,
  produce,
  readCommitted,
  startTestCluster,
  testStreamsConfig,
} from "../integration/support/kafka.js";
import type { TestCluster } from "../integration/support/kafka.js";
import { ENRICHED_LINES, ORDER_LINES, PRODUCTS } from "../integration/support/topologies.js";
import { StreamsProcess } from "./support/processes.js";

const LINE_PARTITIONS = 4;
const PRODUCT_PARTITIONS = 3;
const PRODUCT_COUNT = 30;
const LINE_COUNT = 400;

describe("foreign-key join across two instances and kill -9", () => {
  let cluster: TestCluster;
  let root: string;
  const processes: StreamsProcess[] = [];

  beforeAll(async () => {
    cluster = await startTestCluster();
    root = await mkdtemp(join(tmpdir(), "eddy-e2e-fk-"));
    await createTopic(cluster.kafka, ORDER_LINES, LINE_PARTITIONS);
    await createTopic(cluster.kafka, PRODUCTS, PRODUCT_PARTITIONS);
    await createTopic(cluster.kafka, ENRICHED_LINES, LINE_PARTITIONS);
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill()));
    await cluster.close();
    await rm(root, { recursive: true, force: true });
  });

  it(
    "ends with the join of the final rows while an instance is killed and restarted",
    { timeout: 240_000 },
    async () => {
      const lines = new Map<string, string | null>();
      const products = new Map<string, string | null>();
      const send = async (topic: string, partitions: number, rows: [string, string | null][], model: typeof lines) => {
        for (const [key, value] of rows) model.set(key, value);
        await produce(
          cluster.kafka,
          topic,
          rows.map(([key, value]) => ({ key, value, partition: partitionForKey(Buffer.from(key), partitions) })),
        );
      };
      const sendProducts = (rows: [string, string | null][]) => send(PRODUCTS, PRODUCT_PARTITIONS, rows, products);
      const sendLines = (rows: [string, string | null][]) => send(ORDER_LINES, LINE_PARTITIONS, rows, lines);
      const range = (n: number) => Array.from({ length: n }, (_, i) => i);

      const start = (name: string) => {
        const p = new StreamsProcess(name, {
          topology: "order-lines",
          config: testStreamsConfig(cluster.bootstrap, join(root, name), { applicationId: "fk-e2e" }),
        });
        processes.push(p);
        return p;
      };
      const outputTable = async () => {
        const table = new Map<string, string | null>();
        for (const r of await readCommitted(cluster.bootstrap, ENRICHED_LINES))
          table.set(r.key?.toString() ?? "", r.value === null ? null : r.value.toString());
        return table;
      };
      const expected = () => {
        const table = new Map<string, string>();
        for (const [key, line] of lines) {
          if (line === null) continue;
          const [product, quantity] = line.split("|");
          const name = products.get(product ?? "");
          if (name !== undefined && name !== null) table.set(key, `${quantity} x ${name}`);
        }
        return table;
      };
      const live = (table: Map<string, string | null>) =>
        new Map([...table].filter((entry): entry is [string, string] => entry[1] !== null));

      const [a, b] = [start("a"), start("b")];
      await Promise.all([a, b].map((p) => p.waitForState("RUNNING")));
      await sendProducts(range(PRODUCT_COUNT).map((i) => [`p${i}`, `Product ${i}`]));
      await sendLines(range(LINE_COUNT).map((i) => [`l${i}`, `p${i % PRODUCT_COUNT}|${(i % 7) + 1}`]));
      await eventually(
        async () => ((await outputTable()).size >= LINE_COUNT / 2 ? true : undefined),
        90_000,
        "the first joined lines",
      );

      await b.kill();
      // While b is down: lines move to other products, products are renamed, some of each go away.
      await sendLines(range(LINE_COUNT / 4).map((i) => [`l${i * 4}`, `p${(i * 7) % PRODUCT_COUNT}|9`]));
      await sendProducts(range(PRODUCT_COUNT / 2).map((i) => [`p${i * 2}`, `Renamed ${i * 2}`]));
      await sendLines(range(LINE_COUNT / 10).map((i) => [`l${i * 10 + 1}`, null]));
      await sendProducts([
        ["p29", null],
        ["p27", null],
      ]);
      const b2 = start("b");
      await b2.waitForState("RUNNING");
      await sendLines(range(20).map((i) => [`l${LINE_COUNT + i}`, `p${i}|1`]));
      await sendProducts([["p1", "Renamed 1"]]);

      const want = expected();
      const got = await eventually(
        async () => {
          const table = live(await outputTable());
          return table.size === want.size && [...want].every(([k, v]) => table.get(k) === v) ? table : undefined;
        },
        150_000,
        "the output table to equal the join of the final rows",
      );
      expect(got).toEqual(want);
      // Every line that lost its product or was deleted ends with a tombstone.
      const final = await outputTable();
      for (const [key, value] of final) if (!want.has(key)) expect(value).toBeNull();
    },
  );
});
