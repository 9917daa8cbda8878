// Ports of Kafka Streams' KGroupedTableImplTest, the argument checks: a missing initializer,
// adder, subtractor or Materialized (Eddy's options object given as null), and an illegal
// store name, refused when aggregate(), reduce() or count() is called. The illegal name is
// reported as the store's, before it is used to name the repartition topic.
import { describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import type { KGroupedTable } from "../../../src/topology/dsl/kgrouped-table.js";
import { absent, cannotBeNull, expectRefused, illegalStoreName, INVALID_STORE_NAME } from "./argument-checks.js";

// MockInitializer.STRING_INIT, MockAggregator.TOSTRING_ADDER / TOSTRING_REMOVER,
// MockReducer.STRING_ADDER / STRING_REMOVER
const STRING_INIT = (): string => "0";
const TOSTRING_ADDER = (_key: string, value: string, aggregate: string): string => `${aggregate}+${value}`;
const TOSTRING_REMOVER = (_key: string, value: string, aggregate: string): string => `${aggregate}-${value}`;
const STRING_ADDER = (aggregate: string, value: string): string => `${aggregate}+${value}`;
const STRING_REMOVER = (aggregate: string, value: string): string => `${aggregate}-${value}`;

function setup(): { builder: StreamsBuilder; groupedTable: KGroupedTable<string, string> } {
  const builder = new StreamsBuilder();
  // MockMapper.selectValueKeyValueMapper(): the value becomes the key.
  const groupedTable = builder
    .table("blah", { key: Serdes.string(), value: Serdes.string() })
    .groupBy((_key: string, value: string) => ({ key: value, value }));
  return { builder, groupedTable };
}

type Case = [name: string, call: (groupedTable: KGroupedTable<string, string>) => unknown, message: string | RegExp];

describe("KGroupedTableImplTest: argument checks", () => {
  it.each<Case>([
    [
      "shouldNotAllowInvalidStoreNameOnAggregate",
      (g) => g.aggregate(STRING_INIT, TOSTRING_ADDER, TOSTRING_REMOVER, { store: INVALID_STORE_NAME }),
      illegalStoreName,
    ],
    [
      "shouldNotAllowNullInitializerOnAggregate",
      (g) => g.aggregate(absent, TOSTRING_ADDER, TOSTRING_REMOVER, { store: "store" }),
      cannotBeNull("initializer"),
    ],
    [
      "shouldNotAllowNullAdderOnAggregate",
      (g) => g.aggregate(STRING_INIT, absent, TOSTRING_REMOVER, { store: "store" }),
      cannotBeNull("adder"),
    ],
    [
      "shouldNotAllowNullSubtractorOnAggregate",
      (g) => g.aggregate(STRING_INIT, TOSTRING_ADDER, absent, { store: "store" }),
      cannotBeNull("subtractor"),
    ],
    [
      "shouldNotAllowNullAdderOnReduce",
      (g) => g.reduce(absent, STRING_REMOVER, { store: "store" }),
      cannotBeNull("adder"),
    ],
    [
      "shouldNotAllowNullSubtractorOnReduce",
      (g) => g.reduce(STRING_ADDER, absent, { store: "store" }),
      cannotBeNull("subtractor"),
    ],
    [
      "shouldNotAllowInvalidStoreNameOnReduce",
      (g) => g.reduce(STRING_ADDER, STRING_REMOVER, { store: INVALID_STORE_NAME }),
      illegalStoreName,
    ],
    ["shouldThrowNullPointOnCountWhenMaterializedIsNull", (g) => g.count(absent), cannotBeNull("materialized")],
    [
      "shouldThrowNullPointerOnReduceWhenMaterializedIsNull",
      (g) => g.reduce(STRING_ADDER, STRING_REMOVER, absent),
      cannotBeNull("materialized"),
    ],
    [
      "shouldThrowNullPointerOnReduceWhenAdderIsNull",
      (g) => g.reduce(absent, STRING_REMOVER, { store: "store" }),
      cannotBeNull("adder"),
    ],
    [
      "shouldThrowNullPointerOnReduceWhenSubtractorIsNull",
      (g) => g.reduce(STRING_ADDER, absent, { store: "store" }),
      cannotBeNull("subtractor"),
    ],
    [
      "shouldThrowNullPointerOnAggregateWhenInitializerIsNull",
      (g) => g.aggregate(absent, TOSTRING_ADDER, TOSTRING_REMOVER, { store: "store" }),
      cannotBeNull("initializer"),
    ],
    [
      "shouldThrowNullPointerOnAggregateWhenAdderIsNull",
      (g) => g.aggregate(STRING_INIT, absent, TOSTRING_REMOVER, { store: "store" }),
      cannotBeNull("adder"),
    ],
    [
      "shouldThrowNullPointerOnAggregateWhenSubtractorIsNull",
      (g) => g.aggregate(STRING_INIT, TOSTRING_ADDER, absent, { store: "store" }),
      cannotBeNull("subtractor"),
    ],
    [
      "shouldThrowNullPointerOnAggregateWhenMaterializedIsNull",
      (g) => g.aggregate(STRING_INIT, TOSTRING_ADDER, TOSTRING_REMOVER, absent),
      cannotBeNull("materialized"),
    ],
  ])("%s", (_name, call, message) => {
    expectRefused(() => call(setup().groupedTable), message);
  });

  it("a refused call spends no name and adds no node: what follows is named as without it", () => {
    const refused = setup();
    expect(() => refused.groupedTable.reduce(STRING_ADDER, STRING_REMOVER, { store: INVALID_STORE_NAME })).toThrow();
    expect(() => refused.groupedTable.count(absent)).toThrow();
    refused.groupedTable.count();
    const plain = setup();
    plain.groupedTable.count();
    expect(refused.builder.build().describe().toString()).toBe(plain.builder.build().describe().toString());
  });
});
