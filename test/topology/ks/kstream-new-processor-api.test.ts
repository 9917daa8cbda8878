// Port of Kafka Streams' KStreamNewProcessorApiTest: processValues() with a fixed-key
// processor reaching a store, the store either brought by the supplier (stores(), Kafka
// Streams' ConnectedStoreProvider) or added with builder.addStateStore() and named in the call.
import { afterEach, describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { TopologyTestDriver } from "../../../src/testing/topology-test-driver.js";
import type { FixedKeyProcessorContext } from "../../../src/topology/processor.js";
import type { FixedKeyRecord } from "../../../src/topology/fixed-key-record.js";
import type { KeyValueStore } from "../../../src/stores/key-value-store.js";
import type { StateStoreOptions } from "../../../src/topology/store-options.js";

const strings = { key: Serdes.string(), value: Serdes.string() };
// Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("store"), Serdes.String(), Serdes.String())
const storeBuilder: StateStoreOptions<string, string> = { name: "store", ...strings, persistent: false };

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

/** TransformerSupplier: appends "Updated", keeps the first result per key in "store". */
function transformerSupplier(bringsStore: boolean) {
  return {
    get() {
      let store!: KeyValueStore<string, string>;
      let context!: FixedKeyProcessorContext<string, string>;
      return {
        init(ctx: FixedKeyProcessorContext<string, string>) {
          context = ctx;
          store = ctx.getStateStore<string, string>("store");
          expect(store).toBeDefined();
        },
        async process(record: FixedKeyRecord<string, string>) {
          await store.putIfAbsent(record.key, `${record.value}Updated`);
          await context.forward(record.withValue(`${record.value}Updated`));
        },
      };
    },
    stores: () => (bringsStore ? [storeBuilder as StateStoreOptions<unknown, unknown>] : []),
  };
}

async function runTest(shouldAddStoreDirectly: boolean) {
  const builder = new StreamsBuilder();
  if (shouldAddStoreDirectly) builder.addStateStore(storeBuilder);
  builder
    .stream("input", strings)
    .processValues<string>(transformerSupplier(!shouldAddStoreDirectly), { stores: ["store"] })
    .to("output", strings);

  driver = new TopologyTestDriver(builder.build());
  const input = driver.createInputTopic("input", Serdes.string(), Serdes.string());
  for (const [key, value] of [
    ["a", "foo"],
    ["b", "bar"],
    ["c", "baz"],
  ] as const) {
    await input.pipeInput(key, value);
  }
  const output = driver.createOutputTopic("output", Serdes.string(), Serdes.string());
  expect(output.readValuesToList()).toEqual(["fooUpdated", "barUpdated", "bazUpdated"]);
  const stateStore = driver.getKeyValueStore<string, string>("store");
  expect(await stateStore.get("a")).toBe("fooUpdated");
  expect(await stateStore.get("b")).toBe("barUpdated");
  expect(await stateStore.get("c")).toBe("bazUpdated");
}

describe("KStreamNewProcessorApiTest", () => {
  it("shouldGetStateStoreWithConnectedStoreProvider", async () => {
    await runTest(false);
  });

  it("shouldGetStateStoreWithStreamBuilder", async () => {
    await runTest(true);
  });
});
