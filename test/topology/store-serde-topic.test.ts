// The topic a store's serdes are told (Kafka Streams' ProcessorContextUtils.changelogFor):
// the store's changelog, or the name it would have; a global store's topic; suppress()'s
// buffer always its changelog's name.
import { describe, expect, it } from "vitest";
import { Serdes } from "../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../src/topology/dsl/streams-builder.js";
import { BufferConfig, Suppressed } from "../../src/topology/dsl/suppressed.js";
import { storeSerdeTopic } from "../../src/topology/store-serde-topic.js";

const strings = { key: Serdes.string(), value: Serdes.string() };

describe("storeSerdeTopic", () => {
  it("names every store of a topology as Kafka Streams' stores name theirs", () => {
    const builder = new StreamsBuilder();
    builder.globalTable("global-topic", { ...strings, store: "global-store" });
    builder
      .table("input", { ...strings, store: "table-store", logging: false })
      .suppress(Suppressed.untilTimeLimit<string>(10, BufferConfig.unbounded().withLoggingDisabled()).withName("late"))
      .toStream()
      .to("output", strings);
    builder.stream("counted", strings).groupByKey().count({ store: "counts" });
    const topology = builder.build();
    const topics = new Map(
      [...topology.stores.values()].map((store) => [store.name, storeSerdeTopic(topology, "app", store)]),
    );
    expect(topics).toEqual(
      new Map([
        // its source topic: InternalTopologyBuilder.addGlobalStore connects the store to it
        ["global-store", "global-topic"],
        // no changelog: ProcessorStateManager.storeChangelogTopic's name all the same
        ["table-store", "app-table-store-changelog"],
        // changelogFor(context, name, true): the name, logged or not
        ["late-store", "app-late-store-changelog"],
        ["counts", "app-counts-changelog"],
      ]),
    );
  });
});
