// Port of Kafka Streams' KTableTransformValuesTest: what KTable.transformValues() forwards
// (new and old values, deletes transformed too), what its store holds, the stores its
// transformer reaches by name, its value getter (the parent's row transformed, with the
// row's timestamp as the record context's) and when transformers close. The Java unit
// cases run the supplier against mocks; here they run against small fakes of the parent.
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";
import type { Topology } from "../../../src/topology/topology.js";
import type { ProcessorContext } from "../../../src/topology/processor.js";
import type { RecordContext } from "../../../src/topology/record.js";
import type { Change } from "../../../src/topology/dsl/processors/change.js";
import {
  FORWARDING_DISABLED_MESSAGE,
  TableTransformValuesSupplier,
} from "../../../src/topology/dsl/processors/ktable-transform-values.js";
import type {
  ValueTransformerWithKey,
  ValueTransformerWithKeySupplier,
} from "../../../src/topology/dsl/processors/ktable-transform-values.js";
import type { TableProcessorSupplier } from "../../../src/topology/dsl/processors/table-processor-supplier.js";
import type { ValueGetter, ValueGetterSupplier } from "../../../src/topology/dsl/processors/value-getter.js";
import { InvalidOperationError } from "../../../src/topology/errors.js";
import { StoreNotFoundError } from "../../../src/stores/errors.js";
import { CapturingSupplier, change, kvt } from "./support.js";

const QUERYABLE_NAME = "queryable-store";
const INPUT_TOPIC = "inputTopic";
const STORE_NAME = "someStore";
const OTHER_STORE_NAME = "otherStore";
const CONSUMED = { key: Serdes.string(), value: Serdes.string() };

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

function start(topology: Topology): TopologyTestDriver {
  driver = new TopologyTestDriver(topology, { startTime: 0 });
  return driver;
}

/** ExclamationValueTransformer: "key->value!", after checking it can reach the stores it expects. */
function exclamation(...expectedStoreNames: string[]): ValueTransformerWithKeySupplier<string, string, string> {
  return () => ({
    init(context) {
      const missing = expectedStoreNames.filter((name) => {
        try {
          context.getStateStore(name);
          return false;
        } catch {
          return true;
        }
      });
      if (missing.length > 0) throw new Error(`State stores are not accessible: ${missing.join(", ")}`);
    },
    transform: (key, value) => `${key}->${String(value)}!`,
  });
}

/** A stand-in for the parent KTable: records enableSendingOldValues calls, answers views with `getter`. */
class FakeParent implements TableProcessorSupplier<string, string> {
  readonly oldValuesCalls: boolean[] = [];
  constructor(
    private readonly answer = false,
    private readonly getter?: ValueGetterSupplier<string, string>,
  ) {}
  enableSendingOldValues(force: boolean): boolean {
    this.oldValuesCalls.push(force);
    return this.answer;
  }
  view(): ValueGetterSupplier<string, string> {
    if (this.getter === undefined) throw new Error("view() was not expected");
    return this.getter;
  }
}

/** A context that records forwards and serves the record context given. */
function fakeContext(recordContext: RecordContext): {
  context: ProcessorContext<unknown, unknown>;
  forwarded: unknown[];
} {
  const forwarded: unknown[] = [];
  const context = {
    applicationId: "app",
    taskId: "0_0",
    forward: (record: unknown) => {
      forwarded.push(record);
      return Promise.resolve();
    },
    getStateStore: () => {
      throw new Error("no stores");
    },
    recordContext: () => recordContext,
    recordMetadata: () => ({ topic: recordContext.topic, partition: 0, offset: recordContext.offset }),
  } as unknown as ProcessorContext<unknown, unknown>;
  return { context, forwarded };
}

const HEADERLESS = { topic: "foo", partition: -1, offset: 23, timestamp: 42 } as unknown as RecordContext;

describe("KTableTransformValuesTest", () => {
  it("shouldThrowOnGetIfSupplierReturnsNull", () => {
    const nullSupplier = (() => null) as unknown as ValueTransformerWithKeySupplier<string, string, string>;
    const transformValues = new TableTransformValuesSupplier(new FakeParent(), nullSupplier, QUERYABLE_NAME);
    expect(() => transformValues.supplier()).toThrow(InvalidOperationError);
  });

  it("shouldThrowOnViewGetIfSupplierReturnsNull", () => {
    const nullSupplier = { get: () => null } as unknown as ValueTransformerWithKeySupplier<string, string, string>;
    const parent = new FakeParent(false, { storeNames: [], get: () => ({ init() {}, get: async () => null }) });
    const view = new TableTransformValuesSupplier(parent, nullSupplier, undefined).view();
    expect(() => view.get()).toThrow(/valueTransformer can't be null/);
  });

  it("shouldInitializeTransformerWithForwardDisabledProcessorContext", async () => {
    let given: ProcessorContext<never, never> | undefined;
    const transformValues = new TableTransformValuesSupplier<string, string, string>(
      new FakeParent(),
      () => ({
        init: (context) => {
          given = context;
        },
        transform: (_key, value) => value,
      }),
      undefined,
    );
    const processor = transformValues.supplier();
    await processor.init?.(fakeContext(HEADERLESS).context as ProcessorContext<string, Change<string>>);
    expect(given).toBeDefined();
    await expect(given!.forward({} as never)).rejects.toThrow(FORWARDING_DISABLED_MESSAGE);
  });

  it.each([
    ["shouldNotSendOldValuesByDefault", false, null],
    ["shouldSendOldValuesIfConfigured", true, "Key->oldValue!"],
  ] as const)("%s", async (_name, configured, expectedOld) => {
    const parent = new FakeParent(true);
    const transformValues = new TableTransformValuesSupplier(parent, exclamation(), undefined);
    if (configured) transformValues.enableSendingOldValues(true);
    const processor = transformValues.supplier();
    const { context, forwarded } = fakeContext(HEADERLESS);
    await processor.init?.(context as ProcessorContext<string, Change<string>>);
    await processor.process({
      key: "Key",
      value: { newValue: "newValue", oldValue: "oldValue" },
      timestamp: 0,
      headers: undefined as never,
    });
    expect(forwarded).toEqual([
      expect.objectContaining({ key: "Key", value: change("Key->newValue!", expectedOld), timestamp: 0 }),
    ]);
  });

  it("shouldNotSetSendOldValuesOnParentIfMaterialized", () => {
    const parent = new FakeParent(true);
    const transformValues = new TableTransformValuesSupplier(parent, exclamation(), QUERYABLE_NAME);
    expect(transformValues.enableSendingOldValues(true)).toBe(true);
    expect(parent.oldValuesCalls).toEqual([]);
  });

  it("shouldSetSendOldValuesOnParentIfNotMaterialized", () => {
    const parent = new FakeParent(true);
    expect(new TableTransformValuesSupplier(parent, exclamation(), undefined).enableSendingOldValues(true)).toBe(true);
    expect(parent.oldValuesCalls).toEqual([true]);
    const declining = new FakeParent(false);
    expect(new TableTransformValuesSupplier(declining, exclamation(), undefined).enableSendingOldValues(false)).toBe(
      false,
    );
    expect(declining.oldValuesCalls).toEqual([false]);
  });

  it("shouldTransformOnGetIfNotMaterialized: with the row's timestamp as the record context, then the record's", async () => {
    const seen: RecordContext[] = [];
    const parentGetter: ValueGetter<string, string> = {
      init() {},
      get: async (key) => (key === "Key" ? { value: "Value", timestamp: 73 } : null),
    };
    const parent = new FakeParent(false, { storeNames: [], get: () => parentGetter });
    const transformValues = new TableTransformValuesSupplier<string, string, string>(
      parent,
      () => {
        let context: ProcessorContext<never, never>;
        return {
          init: (c) => {
            context = c;
          },
          transform: (key, value) => {
            seen.push(context.recordContext());
            return `${key}->${String(value)}!`;
          },
        };
      },
      undefined,
    );
    const { context } = fakeContext(HEADERLESS);
    const getter = transformValues.view().get();
    getter.init(context);
    expect(await getter.get("Key")).toEqual({ value: "Key->Value!", timestamp: 73 });
    expect(seen[0]).toMatchObject({ timestamp: 73, offset: -1, partition: -1, topic: null });
    expect([...seen[0]!.headers]).toEqual([]);
    // A key without a row is transformed too (from null), with no timestamp.
    expect(await getter.get("Missing")).toEqual({ value: "Missing->null!", timestamp: -1 });
    expect(seen[1]).toMatchObject({ timestamp: -1 });
  });

  it("shouldGetFromStateStoreIfMaterialized", async () => {
    const transformValues = new TableTransformValuesSupplier(new FakeParent(), exclamation(), QUERYABLE_NAME);
    const store = new Map([["Key", { value: "something", timestamp: 0 }]]);
    const context = {
      getStateStore: (name: string) => {
        expect(name).toBe(QUERYABLE_NAME);
        return { get: async (key: string) => store.get(key) };
      },
    } as unknown as ProcessorContext<unknown, unknown>;
    const getter = transformValues.view().get();
    getter.init(context);
    expect((await getter.get("Key"))?.value).toBe("something");
  });

  it("shouldGetStoreNamesFromParentIfNotMaterialized", () => {
    const parent = new FakeParent(false, { storeNames: ["store1", "store2"], get: () => ({}) as never });
    expect(new TableTransformValuesSupplier(parent, exclamation(), undefined).view().storeNames).toEqual([
      "store1",
      "store2",
    ]);
  });

  it("shouldGetQueryableStoreNameIfMaterialized", () => {
    const transformValues = new TableTransformValuesSupplier(new FakeParent(), exclamation(), QUERYABLE_NAME);
    expect(transformValues.view().storeNames).toEqual([QUERYABLE_NAME]);
  });

  it("shouldCloseTransformerOnProcessorClose, shouldCloseTransformerOnGetterClose, shouldCloseParentGetterClose", async () => {
    const closed: string[] = [];
    const transformer: ValueTransformerWithKey<string, string, string> = {
      transform: (_key, value) => value,
      close: () => {
        closed.push("transformer");
      },
    };
    const parentGetter: ValueGetter<string, string> = {
      init() {},
      get: async () => null,
      close: () => {
        closed.push("parent getter");
      },
    };
    const parent = new FakeParent(false, { storeNames: [], get: () => parentGetter });
    const transformValues = new TableTransformValuesSupplier(parent, () => transformer, undefined);
    await transformValues.supplier().close?.();
    expect(closed).toEqual(["transformer"]);
    await transformValues.view().get().close?.();
    expect(closed).toEqual(["transformer", "parent getter", "transformer"]);
  });

  it("shouldTransformValuesWithKey", async () => {
    const builder = new StreamsBuilder();
    const capture = new CapturingSupplier<string, string | null>();
    builder
      .addStateStore({ name: STORE_NAME, key: Serdes.long(), value: Serdes.long() })
      .addStateStore({ name: OTHER_STORE_NAME, key: Serdes.long(), value: Serdes.long() })
      .table(INPUT_TOPIC, CONSUMED)
      .transformValues(exclamation(STORE_NAME, OTHER_STORE_NAME), STORE_NAME, OTHER_STORE_NAME)
      .toStream()
      .process(capture.supplier);
    const d = start(builder.build());
    const input = d.createInputTopic(INPUT_TOPIC, Serdes.string(), Serdes.string());
    await input.pipeInput("A", "a", { timestamp: 5 });
    await input.pipeInput("B", "b", { timestamp: 10 });
    await input.pipeInput("D", null, { timestamp: 15 });
    expect(capture.processed()).toEqual([kvt("A", "A->a!", 5), kvt("B", "B->b!", 10), kvt("D", "D->null!", 15)]);
    // "Store should not be materialized": Kafka Streams' driver answers null, Eddy's names the missing store.
    expect(() => d.getKeyValueStore(QUERYABLE_NAME)).toThrow(StoreNotFoundError);
  });

  it("shouldTransformValuesWithKeyAndMaterialize", async () => {
    const builder = new StreamsBuilder();
    const capture = new CapturingSupplier<string, string | null>();
    builder
      .addStateStore({ name: STORE_NAME, key: Serdes.long(), value: Serdes.long() })
      .table(INPUT_TOPIC, CONSUMED)
      .transformValues(
        exclamation(STORE_NAME, QUERYABLE_NAME),
        { store: QUERYABLE_NAME, value: Serdes.string() },
        STORE_NAME,
      )
      .toStream()
      .process(capture.supplier);
    const d = start(builder.build());
    const input = d.createInputTopic(INPUT_TOPIC, Serdes.string(), Serdes.string());
    await input.pipeInput("A", "a", { timestamp: 5 });
    await input.pipeInput("B", "b", { timestamp: 10 });
    await input.pipeInput("C", null, { timestamp: 15 });
    expect(capture.processed()).toEqual([kvt("A", "A->a!", 5), kvt("B", "B->b!", 10), kvt("C", "C->null!", 15)]);
    const plain = d.getKeyValueStore<string, string>(QUERYABLE_NAME);
    expect([await plain.get("A"), await plain.get("B"), await plain.get("C")]).toEqual(["A->a!", "B->b!", "C->null!"]);
    const timestamped = d.getTimestampedKeyValueStore<string, string>(QUERYABLE_NAME);
    expect([await timestamped.get("A"), await timestamped.get("B"), await timestamped.get("C")]).toEqual([
      { value: "A->a!", timestamp: 5 },
      { value: "B->b!", timestamp: 10 },
      { value: "C->null!", timestamp: 15 },
    ]);
  });

  /** The stateful transformer counts the updates it saw; a stateless one gives the value's length. */
  const stateful = (): ValueTransformerWithKeySupplier<string, string, number> => () => {
    let counter = 0;
    return { transform: () => ++counter };
  };
  const stateless: ValueTransformerWithKeySupplier<string, string, number> = () => ({
    transform: (_key, value) => (value === null ? null : value.length),
  });

  it.each([
    ["shouldCalculateCorrectOldValuesIfMaterializedEvenIfStateful", true, ["ignored", "ignored1", "ignored2"]],
    ["shouldCalculateCorrectOldValuesIfNotStatefulEvenIfNotMaterialized", false, ["a", "aa", "aaa"]],
  ] as const)("%s", async (_name, materialized, values) => {
    const builder = new StreamsBuilder();
    const capture = new CapturingSupplier<string, string | null>();
    const table = builder.table(INPUT_TOPIC, CONSUMED);
    const transformed = materialized
      ? table.transformValues(stateful(), { store: QUERYABLE_NAME, value: Serdes.int32() })
      : table.transformValues(stateless);
    transformed
      .groupBy((key, value) => ({ key, value }), { key: Serdes.string(), value: Serdes.int32() })
      .reduce(
        (aggregate, value) => aggregate + value,
        (aggregate, value) => aggregate - value,
      )
      .mapValues((value) => String(value))
      .toStream()
      .process(capture.supplier);
    const d = start(builder.build());
    const input = d.createInputTopic(INPUT_TOPIC, Serdes.string(), Serdes.string());
    await input.pipeInput("A", values[0], { timestamp: 5 });
    await input.pipeInput("A", values[1], { timestamp: 15 });
    await input.pipeInput("A", values[2], { timestamp: 10 });
    expect(capture.processed()).toEqual([kvt("A", "1", 5), kvt("A", "2", 15), kvt("A", "3", 15)]);
    if (materialized) expect(await d.getKeyValueStore<string, number>(QUERYABLE_NAME).get("A")).toBe(3);
  });
});

describe("KTable.transformValues beyond the Java test class", () => {
  it("describe(): KTABLE-TRANSFORMVALUES nodes list their stores; an unnamed Materialized spends no name", () => {
    const builder = new StreamsBuilder();
    builder.addStateStore({ name: STORE_NAME, key: Serdes.long(), value: Serdes.long() });
    builder
      .table(INPUT_TOPIC, CONSUMED)
      .transformValues(exclamation(), { value: Serdes.string() }, STORE_NAME)
      .transformValues(exclamation(), { name: "named-transform" })
      .toStream();
    expect(builder.build().describe().toString()).toBe(
      "Topologies:\n" +
        "   Sub-topology: 0\n" +
        "    Source: KSTREAM-SOURCE-0000000001 (topics: [inputTopic])\n" +
        "      --> KTABLE-SOURCE-0000000002\n" +
        "    Processor: KTABLE-SOURCE-0000000002 (stores: [])\n" +
        "      --> KTABLE-TRANSFORMVALUES-0000000003\n" +
        "      <-- KSTREAM-SOURCE-0000000001\n" +
        "    Processor: KTABLE-TRANSFORMVALUES-0000000003 (stores: [someStore])\n" +
        "      --> named-transform\n" +
        "      <-- KTABLE-SOURCE-0000000002\n" +
        "    Processor: named-transform (stores: [])\n" +
        "      --> KTABLE-TOSTREAM-0000000005\n" +
        "      <-- KTABLE-TRANSFORMVALUES-0000000003\n" +
        "    Processor: KTABLE-TOSTREAM-0000000005 (stores: [])\n" +
        "      --> none\n" +
        "      <-- named-transform\n\n",
    );
  });

  it("a stream-table join reads an unmaterialized transformValues() through its getter, with the row's timestamp", async () => {
    const builder = new StreamsBuilder();
    const seenTimestamps: number[] = [];
    const table = builder.table("table", CONSUMED).transformValues<string>(() => {
      let context: ProcessorContext<never, never>;
      return {
        init: (c) => {
          context = c;
        },
        transform: (key, value) => {
          seenTimestamps.push(context.recordContext().timestamp);
          return value === null ? null : value.toUpperCase();
        },
      };
    });
    builder
      .stream("stream", CONSUMED)
      .join(table, (value: string, tableValue: string) => `${value}+${tableValue}`)
      .to("out", { key: Serdes.string(), value: Serdes.string() });
    const d = start(builder.build());
    const tableInput = d.createInputTopic("table", Serdes.string(), Serdes.string());
    const streamInput = d.createInputTopic("stream", Serdes.string(), Serdes.string());
    const out = d.createOutputTopic("out", Serdes.string(), Serdes.string());
    await tableInput.pipeInput("k", "left", { timestamp: 7 });
    await streamInput.pipeInput("k", "s", { timestamp: 9 });
    await streamInput.pipeInput("missing", "s", { timestamp: 10 });
    expect(out.readRecordsToList().map(({ key, value, timestamp }) => ({ key, value, timestamp }))).toEqual([
      { key: "k", value: "s+LEFT", timestamp: 9 },
    ]);
    // The processor's transformer saw the record (7); the join's getter the row (7), then no row (-1).
    expect(seenTimestamps).toEqual([7, 7, -1]);
  });

  it("a transformer that forwards fails the record with Kafka Streams' message", async () => {
    const builder = new StreamsBuilder();
    builder
      .table(INPUT_TOPIC, CONSUMED)
      .transformValues<string>(() => {
        let context: ProcessorContext<never, never>;
        return {
          init: (c) => {
            context = c;
          },
          transform: async (_key, value) => {
            await context.forward({} as never);
            return value;
          },
        };
      })
      .toStream();
    const d = start(builder.build());
    await expect(d.createInputTopic(INPUT_TOPIC, Serdes.string(), Serdes.string()).pipeInput("A", "a")).rejects.toThrow(
      /forward\(\) is not supported from this context/,
    );
  });

  it("refuses a missing supplier or store name at the call", () => {
    const table = new StreamsBuilder().table(INPUT_TOPIC, CONSUMED);
    expect(() => table.transformValues(null as never)).toThrow(/transformerSupplier can't be null/);
    expect(() => table.transformValues(exclamation(), {}, null as never)).toThrow(/stateStoreNames can't be null/);
  });

  it("an async init() is awaited before the getter transforms", async () => {
    const parentGetter: ValueGetter<string, string> = { init() {}, get: async () => ({ value: "v", timestamp: 1 }) };
    const parent = new FakeParent(false, { storeNames: [], get: () => parentGetter });
    let suffix = "";
    const getter = new TableTransformValuesSupplier<string, string, string>(
      parent,
      () => ({
        init: async () => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          suffix = "!";
        },
        transform: (_key, value) => `${String(value)}${suffix}`,
      }),
      undefined,
    )
      .view()
      .get();
    getter.init(fakeContext(HEADERLESS).context);
    expect(await getter.get("k")).toEqual({ value: "v!", timestamp: 1 });
  });
});
