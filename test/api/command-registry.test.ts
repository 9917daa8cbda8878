import fastify from "fastify";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { CommandRegistry } from "../../src/api/command-registry.js";
import { ApiConfigError, CommandTopicNotFoundError } from "../../src/api/errors.js";
import { eddyApi } from "../../src/api/index.js";
import { KafkaStreams, Serdes, StreamsBuilder } from "../../src/index.js";
import type { KStream, Topology } from "../../src/index.js";
import { silentLogger } from "../integration/support/kafka.js";
import { AccountCommand, bankTopology } from "../topology/apps/bank.js";

const Transfer = z.object({ account: z.string(), amount: z.number() });
type Transfer = z.infer<typeof Transfer>;

/** A balance handler on `stream`, validating with `command` when given. */
function handleTransfers<V>(
  stream: KStream<string, V>,
  command: z.ZodType<Transfer> | undefined,
  store = "balances",
): void {
  stream.handleCommands<number, number, null, Transfer>({
    store: { name: store, value: Serdes.json<number>() },
    key: Serdes.string(),
    initial: 0,
    ...(command === undefined ? {} : { command }),
    decide: (_balance, transfer) => ({ events: [transfer.amount], reply: null }),
    evolve: (balance, amount) => balance + amount,
    events: { topic: `${store}-events`, value: Serdes.json<number>() },
  });
}

describe("CommandRegistry", () => {
  it("finds the topics handleCommands() reads, with their serdes and the handler's schema; a registration overrides it", () => {
    const registry = new CommandRegistry(bankTopology());
    expect(registry.topics()).toEqual(["account-commands"]);
    const found = registry.get("account-commands");
    // Nothing registered: the schema given to handleCommands({ command }), read from the Topology data.
    expect(found).toMatchObject({ keyField: undefined, handlers: ["KSTREAM-PROCESSOR-0000000001"] });
    expect(found.schema).toBe(AccountCommand);
    expect(found.keySerde.name).toBe("string");
    const stricter = AccountCommand.refine(() => false);
    registry.register({ topic: "account-commands", schema: stricter, keyField: "id" });
    expect(registry.get("account-commands")).toMatchObject({ schema: stricter, keyField: "id" });
    // A registration without a schema keeps the handler's; `schema: false` leaves the checks to the handler.
    registry.register({ topic: "account-commands", keyField: "id" });
    expect(registry.get("account-commands").schema).toBe(AccountCommand);
    registry.register({ topic: "account-commands", schema: false });
    expect(registry.get("account-commands").schema).toBeUndefined();
    expect(() => registry.get("nope")).toThrow(CommandTopicNotFoundError);
    expect(() => registry.register({ topic: "account-events" })).toThrow(ApiConfigError);
  });

  it("follows a re-keyed command stream through its repartition topic; the handler's schema comes before a zod value serde's", () => {
    const serdeSchema = z.object({ account: z.string(), amount: z.number(), note: z.string().optional() });
    const build = (command: z.ZodType<Transfer> | undefined): Topology => {
      const builder = new StreamsBuilder();
      const transfers = builder
        .stream("transfers", { key: Serdes.string(), value: Serdes.zod(serdeSchema) })
        .filter((_key, transfer) => transfer.amount !== 0)
        .selectKey((_key, transfer) => transfer.account)
        .peek(() => undefined);
      handleTransfers(transfers, command);
      return builder.build();
    };
    const withHandlerSchema = build(Transfer);
    expect(withHandlerSchema.repartitionTopics).toHaveLength(1);
    expect(new CommandRegistry(withHandlerSchema).get("transfers").schema).toBe(Transfer);
    expect(new CommandRegistry(build(undefined)).get("transfers").schema).toBe(serdeSchema);
  });

  it("gives no default when the handler checks a value built from the body, or its handlers disagree", () => {
    const Enriched = z.object({ command: Transfer, limit: z.number().nullable() });
    const builder = new StreamsBuilder();
    const limits = builder.table("limits", { key: Serdes.string(), value: Serdes.json<number>() });
    builder
      .stream("enriched-transfers", { key: Serdes.string(), value: Serdes.json<unknown>() })
      .leftJoin(limits, (command, limit) => ({ command, limit }))
      .handleCommands({
        store: { name: "limited", value: Serdes.json<number>() },
        initial: 0,
        command: Enriched,
        decide: (_balance, input) => ({ events: [input.command.amount], reply: null }),
        evolve: (balance, amount: number) => balance + amount,
        events: { topic: "limited-events", value: Serdes.json<number>() },
      });
    // The same topic fed, unchanged, to two handlers: one schema for both, or none.
    const shared = builder.stream("shared-transfers", { key: Serdes.string(), value: Serdes.json<unknown>() });
    handleTransfers(shared, Transfer, "shared-a");
    handleTransfers(shared, Transfer, "shared-b");
    const split = builder.stream("split-transfers", { key: Serdes.string(), value: Serdes.json<unknown>() });
    handleTransfers(split, Transfer, "split-a");
    handleTransfers(split, undefined, "split-b");
    const registry = new CommandRegistry(builder.build());
    expect(registry.get("enriched-transfers").schema).toBeUndefined();
    expect(registry.get("shared-transfers")).toMatchObject({
      schema: Transfer,
      handlers: [expect.any(String), expect.any(String)],
    });
    expect(registry.get("split-transfers").schema).toBeUndefined();
  });

  it("lets POST /commands/:topic validate bodies with the handler's schema, with nothing registered", async () => {
    const topology = bankTopology();
    const streams = new KafkaStreams(
      topology,
      { applicationId: "registry", bootstrapServers: "127.0.0.1:9" },
      { logger: silentLogger },
    );
    const app = fastify({ logger: false });
    try {
      await app.register(eddyApi, { streams, topology });
      await app.ready();
      const bad = await app.inject({
        method: "POST",
        url: "/commands/account-commands?key=a",
        payload: { type: "deposit", amount: "lots" },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ code: "EDDY_ERR_INVALID_COMMAND_BODY" });
      // A valid body passes validation and reaches the sending step, which needs Kafka (503 here).
      const good = await app.inject({
        method: "POST",
        url: "/commands/account-commands?key=a",
        payload: { type: "deposit", amount: 5 },
      });
      expect(good.statusCode).toBe(503);
    } finally {
      await app.close();
    }
  });
});
