// describe() for the URL-visit and the bank command topologies, line by line, against
// the text Kafka Streams prints for the equivalent Java topologies:
//
//   builder.stream("visits").groupByKey().count(Materialized.as("visit-counts"));
//
//   builder.addStateStore(keyValueStoreBuilder(persistentKeyValueStore("accounts"), ...));
//   builder.addStateStore(keyValueStoreBuilder(persistentKeyValueStore("accounts-idempotency"), ...));
//   KStream<String, Object> out = builder.stream("account-commands")
//       .process(CommandHandler::new, "accounts", "accounts-idempotency");
//   out.to("account-events");
//   out.to(new ReplyTopicExtractor());
//
// The names follow Kafka Streams' rules (one index per builder; a named store burns
// none); the store list prints in java.util.HashSet order. Only the extractor's text
// differs by nature: Java prints the extractor object's toString().
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { Serdes } from "../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../src/topology/dsl/streams-builder.js";
import { urlVisitTopology } from "./apps/url-visits.js";

describe("describe() text", () => {
  it("URL visits: stream('visits').groupByKey().count({ store: 'visit-counts' })", () => {
    const lines = urlVisitTopology().describe().toString().split("\n");
    expect(lines).toEqual([
      "Topologies:",
      "   Sub-topology: 0",
      "    Source: KSTREAM-SOURCE-0000000000 (topics: [visits])",
      "      --> KSTREAM-AGGREGATE-0000000001",
      "    Processor: KSTREAM-AGGREGATE-0000000001 (stores: [visit-counts])",
      "      --> none",
      "      <-- KSTREAM-SOURCE-0000000000",
      "",
      "",
    ]);
  });

  it("bank commands: one handleCommands() processor with its two stores, the events sink and the reply sink", () => {
    const builder = new StreamsBuilder();
    builder.stream("account-commands", { key: Serdes.string(), value: Serdes.json<unknown>() }).handleCommands({
      store: { name: "accounts", value: Serdes.json<{ balance: number }>() },
      initial: { balance: 0 },
      command: z.object({ amount: z.number() }),
      decide: (account, command) => ({ events: [command.amount], reply: account.balance + command.amount }),
      evolve: (account, amount: number) => ({ balance: account.balance + amount }),
      events: { topic: "account-events", value: Serdes.json<number>() },
      replies: { topic: "account-replies" },
    });
    const topology = builder.build();
    expect(topology.describe().toString().split("\n")).toEqual([
      "Topologies:",
      "   Sub-topology: 0",
      "    Source: KSTREAM-SOURCE-0000000000 (topics: [account-commands])",
      "      --> KSTREAM-PROCESSOR-0000000001",
      "    Processor: KSTREAM-PROCESSOR-0000000001 (stores: [accounts-idempotency, accounts])",
      "      --> KSTREAM-SINK-0000000002, KSTREAM-SINK-0000000003",
      "      <-- KSTREAM-SOURCE-0000000000",
      "    Sink: KSTREAM-SINK-0000000002 (topic: account-events)",
      "      <-- KSTREAM-PROCESSOR-0000000001",
      "    Sink: KSTREAM-SINK-0000000003 (extractor class: reply-to header, else account-replies)",
      "      <-- KSTREAM-PROCESSOR-0000000001",
      "",
      "",
    ]);
    const json = topology.describe().toJSON();
    expect(json.subtopologies[0]?.nodes[1]).toMatchObject({ kind: "processor", operation: "handle-commands" });
    expect(json.stores.map((store) => [store.name, store.keySerde, store.valueSerde, store.subtopology])).toEqual([
      ["accounts", "string", "json", 0],
      ["accounts-idempotency", "string", "json", 0],
    ]);
    expect(json.topics).toEqual({ sources: ["account-commands"], sinks: ["account-events"], repartition: [] });
  });
});
