// What the Topology data keeps of a stream.handleCommands(): its zod command schema and
// key serde on the processor node (for the HTTP command endpoints), shown in toJSON() as
// a flag only and never in describe()'s Kafka Streams text; and which operations hand
// the command value on unchanged to it.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { HandleCommandsOptions } from "../../src/topology/command-handling.js";
import type { KStream } from "../../src/topology/dsl/kstream.js";
import { Serdes } from "../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../src/topology/dsl/streams-builder.js";
import type { ProcessorNode, Topology, TopologyNode } from "../../src/topology/topology.js";
import { keepsValue } from "../../src/topology/value-preserving-operations.js";

const Deposit = z.object({ amount: z.number().positive() });
type Deposit = z.infer<typeof Deposit>;

function balances<K>(
  overrides: Partial<HandleCommandsOptions<K, Deposit, number, number, null>> = {},
): HandleCommandsOptions<K, Deposit, number, number, null> {
  return {
    store: { name: "balances", value: Serdes.json<number>() },
    initial: 0,
    decide: (_balance, deposit) => ({ events: [deposit.amount], reply: null }),
    evolve: (balance, amount) => balance + amount,
    events: { topic: "balance-events", value: Serdes.json<number>() },
    ...overrides,
  };
}

function handler(topology: Topology): ProcessorNode {
  const found = [...topology.nodes.values()].filter(
    (node): node is ProcessorNode => node.kind === "processor" && node.operation === "handle-commands",
  );
  expect(found).toHaveLength(1);
  return found[0] as ProcessorNode;
}

describe("handleCommands() in the Topology data", () => {
  it("keeps the command schema and the stream's key serde on the handler node, and flags it in toJSON() only", () => {
    const builder = new StreamsBuilder();
    builder
      .stream("deposits", { key: Serdes.string(), value: Serdes.json<unknown>() })
      .handleCommands(balances({ command: Deposit, name: "deposit-handler" }));
    const topology = builder.build();
    const node = handler(topology);
    expect(node.name).toBe("deposit-handler");
    expect(node.commandHandler?.schema).toBe(Deposit);
    expect(node.commandHandler?.keySerde.name).toBe("string");
    for (const other of topology.nodes.values()) if (other !== node) expect(other).not.toHaveProperty("commandHandler");
    const json = topology.describe().toJSON();
    const described = json.subtopologies[0]?.nodes ?? [];
    expect(described.find((n) => n.name === "deposit-handler")).toMatchObject({
      operation: "handle-commands",
      commandSchema: true,
    });
    expect(described.filter((n) => n.name !== "deposit-handler").every((n) => !("commandSchema" in n))).toBe(true);
    expect(topology.describe().toString()).toContain(
      "    Processor: deposit-handler (stores: [balances, balances-idempotency])\n",
    );
    expect(topology.describe().toString()).not.toMatch(/schema/i);
  });

  it("records the key serde given to handleCommands() after a key change, and no schema when none was given", () => {
    const builder = new StreamsBuilder();
    builder
      .stream("deposits", { key: Serdes.string(), value: Serdes.json<{ account: number; amount: number }>() })
      .selectKey((_key, deposit) => deposit.account)
      .handleCommands(balances<number>({ key: Serdes.int32() }));
    const topology = builder.build();
    const node = handler(topology);
    expect(node.commandHandler?.schema).toBeUndefined();
    expect(node.commandHandler?.keySerde.name).toBe("int32");
    expect(
      topology
        .describe()
        .toJSON()
        .subtopologies.flatMap((s) => s.nodes)
        .find((n) => n.name === node.name),
    ).toMatchObject({ commandSchema: false });
  });
});

describe("keepsValue()", () => {
  /** The nodes from the command source down to (not including) the handler. */
  function upstreamOfHandler<V>(
    shape: (commands: KStream<string, unknown>, builder: StreamsBuilder) => KStream<string, V>,
  ): TopologyNode[] {
    const builder = new StreamsBuilder();
    const commands = builder.stream("deposits", { key: Serdes.string(), value: Serdes.json<unknown>() });
    shape(commands, builder).handleCommands(balances<string>({ key: Serdes.string(), command: Deposit }));
    const topology = builder.build();
    const seen = new Map<string, TopologyNode>();
    const pending = [...handler(topology).predecessors];
    for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
      const node = topology.node(name);
      if (seen.has(name)) continue;
      seen.set(name, node);
      pending.push(...node.predecessors);
      if (node.kind === "source" && node.internal) {
        const sink = topology.repartitionTopics.find((topic) => topic.sourceNode === name)?.sinkNode;
        if (sink !== undefined) pending.push(sink);
      }
    }
    return [...seen.values()];
  }

  it("holds for every operation that hands the value on as it came", () => {
    const nodes = upstreamOfHandler((commands, builder) => {
      const other = builder.stream("more-deposits", { key: Serdes.string(), value: Serdes.json<unknown>() });
      const branches = commands
        .filter((key) => key !== "")
        .filterNot((key) => key === "x")
        .peek(() => undefined)
        .merge(other)
        .split({ name: "by-key-" })
        .branch((key) => key.startsWith("a"), { name: "a" })
        .defaultBranch({ name: "rest" });
      const [a, rest] = [branches.get("by-key-a"), branches.get("by-key-rest")] as KStream<string, unknown>[];
      return (a as KStream<string, unknown>)
        .merge(rest as KStream<string, unknown>)
        .selectKey((key) => key.toUpperCase())
        .repartition({ name: "by-upper-key", key: Serdes.string() });
    });
    const operations = new Set(nodes.flatMap((node) => (node.kind === "processor" ? [node.operation] : [])));
    expect([...operations].sort()).toEqual([
      "branch",
      "filter",
      "filterNot",
      "merge",
      "peek",
      "repartition-filter",
      "selectKey",
      "split",
    ]);
    expect(nodes.filter((node) => !keepsValue(node)).map((node) => node.name)).toEqual([]);
  });

  it("does not hold for operations that may change the value", () => {
    const mapped = upstreamOfHandler((commands) => commands.mapValues((value) => ({ wrapped: value })));
    expect(
      mapped.filter((node) => !keepsValue(node)).map((node) => node.kind === "processor" && node.operation),
    ).toEqual(["mapValues"]);
    const joined = upstreamOfHandler((commands, builder) =>
      commands.leftJoin(
        builder.table("limits", { key: Serdes.string(), value: Serdes.json<number>() }),
        (command, limit) => ({ command, limit }),
      ),
    );
    expect(joined.filter((node) => !keepsValue(node)).length).toBeGreaterThan(0);
  });
});
