// The DSL's generics flow through the chain: these assertions fail to compile (and so
// fail the typecheck of the test suite) when a type is lost or widened.
import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import type { KGroupedStream } from "../../src/topology/dsl/kgrouped-stream.js";
import type { KGroupedTable } from "../../src/topology/dsl/kgrouped-table.js";
import type { KStream } from "../../src/topology/dsl/kstream.js";
import type { KTable } from "../../src/topology/dsl/ktable.js";
import { Serdes } from "../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../src/topology/dsl/streams-builder.js";

interface Order {
  id: string;
  amount: number;
}

describe("DSL types", () => {
  it("carry key and value types from the serdes through every operation", () => {
    const builder = new StreamsBuilder();
    const orders = builder.stream("orders", { key: Serdes.string(), value: Serdes.json<Order>() });
    expectTypeOf(orders).toEqualTypeOf<KStream<string, Order>>();
    expectTypeOf(orders.mapValues((order) => order.amount)).toEqualTypeOf<KStream<string, number>>();
    expectTypeOf(orders.map((key, order) => ({ key: order.amount, value: key }))).toEqualTypeOf<
      KStream<number, string>
    >();
    expectTypeOf(orders.flatMapValues((order) => [order.id])).toEqualTypeOf<KStream<string, string>>();
    expectTypeOf(orders.selectKey((_key, order) => order.amount > 10)).toEqualTypeOf<KStream<boolean, Order>>();
    expectTypeOf(orders.filter((_key, order): order is Order & { amount: 1 } => order.amount === 1)).toEqualTypeOf<
      KStream<string, Order & { amount: 1 }>
    >();

    const grouped = orders.groupBy((_key, order) => order.amount, { key: Serdes.int32() });
    expectTypeOf(grouped).toEqualTypeOf<KGroupedStream<number, Order>>();
    expectTypeOf(grouped.count()).toEqualTypeOf<KTable<number, number>>();
    const totals = orders.groupByKey().aggregate(
      () => 0,
      (_key, order, total) => total + order.amount,
      { value: Serdes.json<number>() },
    );
    expectTypeOf(totals).toEqualTypeOf<KTable<string, number>>();
    expectTypeOf(totals.toStream()).toEqualTypeOf<KStream<string, number | null>>();

    const customers = builder.table("customers", { key: Serdes.string(), value: Serdes.string() });
    expectTypeOf(orders.join(customers, (order, name) => `${name}:${order.amount}`)).toEqualTypeOf<
      KStream<string, string>
    >();
    expectTypeOf(orders.leftJoin(customers, (_order, name) => name)).toEqualTypeOf<KStream<string, string | null>>();
    expectTypeOf(totals.outerJoin(customers, (total, name) => [total, name] as const)).toEqualTypeOf<
      KTable<string, readonly [number | null, string | null]>
    >();
    expectTypeOf(customers.groupBy((id, name) => ({ key: name, value: id }))).toEqualTypeOf<
      KGroupedTable<string, string>
    >();
  });

  it("type handleCommands() from its schema, state, events and replies", () => {
    const builder = new StreamsBuilder();
    const events = builder.stream("commands", { key: Serdes.string(), value: Serdes.json<unknown>() }).handleCommands({
      store: { name: "counters", value: Serdes.json<number>() },
      initial: 0,
      command: z.object({ by: z.number() }),
      decide: (count, command) => {
        expectTypeOf(count).toEqualTypeOf<number>();
        expectTypeOf(command).toEqualTypeOf<{ by: number }>();
        return { events: [{ added: command.by }], reply: count + command.by };
      },
      evolve: (count, event) => count + event.added,
      events: { topic: "counter-events", value: Serdes.json<{ added: number }>() },
    });
    expectTypeOf(events).toEqualTypeOf<KStream<string, { added: number }>>();
  });
});
