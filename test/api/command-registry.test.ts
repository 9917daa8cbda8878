import { z } from "zod";
import { describe, expect, it } from "vitest";
import { CommandRegistry } from "../../src/api/command-registry.js";
import { ApiConfigError, CommandTopicNotFoundError } from "../../src/api/errors.js";
import { Serdes, StreamsBuilder } from "../../src/index.js";
import { AccountCommand, bankTopology } from "../topology/apps/bank.js";

describe("CommandRegistry", () => {
  it("finds the topics handleCommands() reads, with their serdes, and takes schemas from registrations", () => {
    const registry = new CommandRegistry(bankTopology());
    expect(registry.topics()).toEqual(["account-commands"]);
    const found = registry.get("account-commands");
    expect(found).toMatchObject({ keyField: undefined, schema: undefined, handlers: ["KSTREAM-PROCESSOR-0000000001"] });
    expect(found.keySerde.name).toBe("string");
    registry.register({ topic: "account-commands", schema: AccountCommand, keyField: "id" });
    expect(registry.get("account-commands")).toMatchObject({ schema: AccountCommand, keyField: "id" });
    expect(() => registry.get("nope")).toThrow(CommandTopicNotFoundError);
    expect(() => registry.register({ topic: "account-events" })).toThrow(ApiConfigError);
  });

  it("follows a re-keyed command stream through its repartition topic, and uses a zod value serde as the schema", () => {
    const schema = z.object({ account: z.string(), amount: z.number() });
    const builder = new StreamsBuilder();
    builder
      .stream("transfers", { key: Serdes.string(), value: Serdes.zod(schema) })
      .selectKey((_key, transfer) => transfer.account)
      .handleCommands({
        store: { name: "balances", value: Serdes.json<number>() },
        key: Serdes.string(),
        initial: 0,
        decide: (_balance, transfer) => ({ events: [transfer.amount], reply: null }),
        evolve: (balance, amount) => balance + amount,
        events: { topic: "balance-events", value: Serdes.json<number>() },
      });
    const registry = new CommandRegistry(builder.build());
    expect(registry.topics()).toEqual(["transfers"]);
    expect(registry.get("transfers").schema).toBe(schema);
  });
});
