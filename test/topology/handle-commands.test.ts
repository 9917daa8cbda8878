// stream.handleCommands(): accepted, rejected and invalid commands, reply routing by the
// reply-to header with the correlation id, idempotency keys, and errors in user code.
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  CommandHeaders,
  IDEMPOTENCY_KEY_REUSED_CODE,
  replyEnvelopeSerde,
} from "../../src/topology/command-handling.js";
import type { ReplyEnvelope } from "../../src/topology/command-handling.js";
import { CommandRejectedError } from "../../src/topology/errors.js";
import { Serdes } from "../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../src/topology/dsl/streams-builder.js";
import type { Topology } from "../../src/topology/topology.js";
import { ProcessorError } from "../../src/engine/processing-errors.js";
import { TopologyTestDriver } from "../../src/testing/topology-test-driver.js";
import { bankTopology } from "./apps/bank.js";
import type { Account, AccountEvent } from "./apps/bank.js";

let driver: TopologyTestDriver | undefined;

function start(topology: Topology): TopologyTestDriver {
  driver = new TopologyTestDriver(topology, { applicationId: "bank", startTime: 0 });
  return driver;
}

afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

function bank() {
  const driver = start(bankTopology());
  const commands = driver.createInputTopic("account-commands", Serdes.string(), Serdes.json<unknown>(), {
    startTimestamp: 1000,
    autoAdvance: 1,
  });
  const send = (account: string | null, command: unknown, headers: Record<string, string> = {}) =>
    commands.pipeInput(account, command, { headers: { [CommandHeaders.replyTo]: "replies-of-test", ...headers } });
  const replies = driver.createOutputTopic("replies-of-test", Serdes.string(), replyEnvelopeSerde);
  const events = driver.createOutputTopic("account-events", Serdes.string(), Serdes.json<AccountEvent>());
  const accounts = driver.getKeyValueStore<string, Account>("accounts");
  return { driver, commands, send, replies, events, accounts };
}

describe("handleCommands", () => {
  it("accepts a command: events to the events topic, state to the store, the reply to reply-to with the correlation id", async () => {
    const { send, replies, events, accounts } = bank();
    await send("acc-1", { type: "open", holder: "Ada", deposit: 100 }, { [CommandHeaders.correlationId]: "c-1" });
    const reply = replies.readRecord();
    expect(reply.key).toBe("acc-1");
    expect(reply.value).toEqual({ status: "accepted", reply: { balance: 100 } });
    expect(reply.headers.lastString(CommandHeaders.correlationId)).toBe("c-1");
    expect(reply.headers.lastString(CommandHeaders.replyStatus)).toBe("accepted");
    expect(reply.timestamp).toBe(1000);
    expect(
      events
        .readRecordsToList()
        .map((record) => [record.key, record.value, record.headers.lastString(CommandHeaders.correlationId)]),
    ).toEqual([
      ["acc-1", { type: "opened", holder: "Ada", at: 1000 }, "c-1"],
      ["acc-1", { type: "deposited", amount: 100, at: 1000 }, "c-1"],
    ]);
    expect(await accounts.get("acc-1")).toEqual({ holder: "Ada", balance: 100, open: true });
  });

  it("rejects on a business rule: a 'rejected' reply, no events, the state untouched", async () => {
    const { send, replies, events, accounts } = bank();
    await send("acc-1", { type: "open", holder: "Ada", deposit: 10 });
    replies.readRecordsToList();
    events.readRecordsToList();
    await send("acc-1", { type: "withdraw", amount: 50 }, { [CommandHeaders.correlationId]: "c-2" });
    const reply = replies.readRecord();
    expect(reply.value).toEqual({
      status: "rejected",
      error: { code: "INSUFFICIENT_FUNDS", message: "The balance is 10" },
    });
    expect(reply.headers.lastString(CommandHeaders.replyStatus)).toBe("rejected");
    expect(reply.headers.lastString(CommandHeaders.correlationId)).toBe("c-2");
    expect(events.isEmpty()).toBe(true);
    expect(await accounts.get("acc-1")).toEqual({ holder: "Ada", balance: 10, open: true });
  });

  it("answers 'invalid' with the zod issues for a command that fails its schema, and carries on", async () => {
    const { send, replies, events, accounts } = bank();
    await send("acc-1", { type: "deposit", amount: -5 }, { [CommandHeaders.correlationId]: "bad" });
    await send("acc-2", { type: "transfer" });
    await send(null, { type: "close" });
    await send("acc-3", null);
    await send("acc-1", { type: "open", holder: "Ada" });
    const [negative, unknownType, noKey, noValue, open] = replies.readRecordsToList();
    expect(negative?.value).toMatchObject({
      status: "invalid",
      error: {
        code: "EDDY_ERR_INVALID_COMMAND",
        message: expect.stringMatching(/^The command does not match its schema: amount: /) as unknown,
        issues: [{ path: ["amount"], code: "too_small" }],
      },
    });
    expect(negative?.headers.lastString(CommandHeaders.replyStatus)).toBe("invalid");
    expect(negative?.headers.lastString(CommandHeaders.correlationId)).toBe("bad");
    expect(unknownType?.value).toMatchObject({ status: "invalid", error: { issues: [{ path: ["type"] }] } });
    expect(noKey?.value).toMatchObject({
      status: "invalid",
      error: { message: expect.stringMatching(/no key/) as unknown, issues: [] },
    });
    expect(noValue?.value).toMatchObject({ status: "invalid", error: { message: "The command has no value" } });
    expect(open?.value).toEqual({ status: "accepted", reply: { balance: 0 } });
    expect(events.readValuesToList()).toEqual([{ type: "opened", holder: "Ada", at: 1004 }]);
    expect(await accounts.get("acc-2")).toBeUndefined();
  });

  it("sends replies to the default reply topic without reply-to, and to no topic when there is neither", async () => {
    const { driver, commands } = bank();
    await commands.pipeInput(
      "acc-1",
      { type: "open", holder: "Ada" },
      { headers: { [CommandHeaders.correlationId]: "c" } },
    );
    const defaults = driver.createOutputTopic("account-replies", Serdes.string(), replyEnvelopeSerde);
    expect(defaults.readRecord().value).toEqual({ status: "accepted", reply: { balance: 0 } });
    await driver.close();

    const builder = new StreamsBuilder();
    const events = builder.stream("commands", { key: Serdes.string(), value: Serdes.json<number>() }).handleCommands({
      store: { name: "totals", value: Serdes.json<number>() },
      initial: 0,
      decide: (_total, amount: number) => ({ events: [amount], reply: "ok" }),
      evolve: (total, amount) => total + amount,
      events: { topic: "amounts", value: Serdes.json<number>() },
    });
    events.to("amounts-copy", { value: Serdes.json<number>() });
    const silent = start(builder.build());
    await silent.createInputTopic("commands", Serdes.string(), Serdes.json<number>()).pipeInput("k", 5);
    await silent.createInputTopic("commands", Serdes.string(), Serdes.json<number>()).pipeInput("k", 7);
    // No reply topic: the events, their copy and the state's changelog.
    expect([...silent.producedTopicNames()].sort()).toEqual(["amounts", "amounts-copy", "bank-totals-changelog"]);
    expect(silent.createOutputTopic("amounts-copy", Serdes.string(), Serdes.json<number>()).readValuesToList()).toEqual(
      [5, 7],
    );
    expect(await silent.getKeyValueStore<string, number>("totals").get("k")).toBe(12);
  });

  it("returns the first reply again for a repeated idempotency key, without deciding or emitting events", async () => {
    const { send, replies, events, accounts } = bank();
    await send("acc-1", { type: "open", holder: "Ada", deposit: 100 });
    replies.readRecordsToList();
    events.readRecordsToList();
    await send(
      "acc-1",
      { type: "withdraw", amount: 30 },
      { [CommandHeaders.idempotencyKey]: "w-1", [CommandHeaders.correlationId]: "first" },
    );
    await send(
      "acc-1",
      { type: "withdraw", amount: 30 },
      { [CommandHeaders.idempotencyKey]: "w-1", [CommandHeaders.correlationId]: "retry" },
    );
    const [first, retry] = replies.readRecordsToList();
    expect(first?.value).toEqual({ status: "accepted", reply: { balance: 70 } });
    expect(retry?.value).toEqual(first?.value);
    expect(retry?.headers.lastString(CommandHeaders.correlationId)).toBe("retry");
    expect(retry?.headers.lastString(CommandHeaders.idempotentReplay)).toBe("true");
    expect(first?.headers.has(CommandHeaders.idempotentReplay)).toBe(false);
    expect(events.readValuesToList()).toEqual([{ type: "withdrawn", amount: 30, at: 1001 }]);
    expect(await accounts.get("acc-1")).toMatchObject({ balance: 70 });

    // Rejections are remembered too: the retry is not decided again even though it would now pass.
    await send("acc-1", { type: "withdraw", amount: 100 }, { [CommandHeaders.idempotencyKey]: "w-2" });
    await send("acc-1", { type: "deposit", amount: 50 });
    await send("acc-1", { type: "withdraw", amount: 100 }, { [CommandHeaders.idempotencyKey]: "w-2" });
    const statuses = replies.readValuesToList().map((envelope) => (envelope as ReplyEnvelope).status);
    expect(statuses).toEqual(["rejected", "accepted", "rejected"]);
    expect(await accounts.get("acc-1")).toMatchObject({ balance: 120 });
    const remembered = await driver?.getKeyValueStore<string, { key: string }[]>("accounts-idempotency").get("acc-1");
    expect(remembered?.map((entry) => entry.key)).toEqual(["w-1", "w-2"]);
  });

  it("refuses another command under an idempotency key already used, without applying it or replaying the first reply", async () => {
    const { send, replies, events, accounts } = bank();
    await send("acc-1", { type: "open", holder: "Ada", deposit: 100 });
    replies.readRecordsToList();
    events.readRecordsToList();
    await send("acc-1", { type: "withdraw", amount: 30 }, { [CommandHeaders.idempotencyKey]: "w-1" });
    // The same command with its fields in another order is a retry; another amount is not.
    await send("acc-1", { amount: 30, type: "withdraw" }, { [CommandHeaders.idempotencyKey]: "w-1" });
    await send("acc-1", { type: "withdraw", amount: 60 }, { [CommandHeaders.idempotencyKey]: "w-1" });
    const [first, retry, reused] = replies.readRecordsToList();
    expect(first?.value).toEqual({ status: "accepted", reply: { balance: 70 } });
    expect(retry?.value).toEqual(first?.value);
    expect(retry?.headers.lastString(CommandHeaders.idempotentReplay)).toBe("true");
    expect(reused?.value).toMatchObject({
      status: "invalid",
      error: { code: IDEMPOTENCY_KEY_REUSED_CODE, message: expect.stringContaining('"w-1" was already used') },
    });
    expect(reused?.headers.has(CommandHeaders.idempotentReplay)).toBe(false);
    expect(events.readValuesToList()).toEqual([{ type: "withdrawn", amount: 30, at: 1001 }]);
    expect(await accounts.get("acc-1")).toMatchObject({ balance: 70 });
    // The key still answers its own command.
    await send("acc-1", { type: "withdraw", amount: 30 }, { [CommandHeaders.idempotencyKey]: "w-1" });
    expect(replies.readValuesToList()).toEqual([{ status: "accepted", reply: { balance: 70 } }]);
  });

  it("remembers the last `retain` idempotency keys per aggregate", async () => {
    const builder = new StreamsBuilder();
    builder.stream("commands", { key: Serdes.string(), value: Serdes.json<number>() }).handleCommands({
      store: { name: "counter", value: Serdes.json<number>() },
      initial: 0,
      decide: (count) => ({ events: ["incremented"], reply: count + 1 }),
      evolve: (count) => count + 1,
      events: { topic: "counter-events", value: Serdes.json<string>() },
      replies: { topic: "counter-replies" },
      idempotency: { retain: 2 },
    });
    const driver = start(builder.build());
    const input = driver.createInputTopic("commands", Serdes.string(), Serdes.json<number>());
    const replies = driver.createOutputTopic("counter-replies", Serdes.string(), replyEnvelopeSerde);
    for (const key of ["a", "b", "c", "b", "a"])
      await input.pipeInput("k", 0, { headers: { [CommandHeaders.idempotencyKey]: key } });
    // "b" is still remembered (replayed); "a" was evicted by "c" and is decided again.
    expect(replies.readValuesToList()).toEqual([1, 2, 3, 2, 4].map((reply) => ({ status: "accepted", reply })));
    expect(await driver.getKeyValueStore<string, number>("counter").get("k")).toBe(4);
  });

  it("turns a CommandRejectedError thrown by decide() into a rejection, and other errors into a ProcessorError", async () => {
    const builder = new StreamsBuilder();
    builder.stream("commands", { key: Serdes.string(), value: Serdes.string() }).handleCommands({
      store: { name: "state", value: Serdes.string() },
      initial: "",
      command: z.enum(["reject", "crash", "ok"]),
      decide: (_state, command) => {
        if (command === "reject") throw new CommandRejectedError("NOPE", "Not today");
        if (command === "crash") throw new TypeError("bug in decide");
        return { events: [command], reply: command };
      },
      evolve: (_state, event) => event,
      events: { topic: "events", value: Serdes.string() },
      replies: { topic: "replies" },
      name: "handler",
    });
    const driver = start(builder.build());
    const input = driver.createInputTopic("commands", Serdes.string(), Serdes.string());
    const replies = driver.createOutputTopic("replies", Serdes.string(), replyEnvelopeSerde);
    await input.pipeInput("k", "reject");
    expect(replies.readValue()).toEqual({ status: "rejected", error: { code: "NOPE", message: "Not today" } });
    const failure = await input.pipeInput("k", "crash").catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProcessorError);
    expect(failure).toMatchObject({
      node: "handler",
      code: "EDDY_ERR_PROCESSOR",
      record: { topic: "commands", offset: 1 },
    });
    expect((failure as Error).cause).toBeInstanceOf(TypeError);
    expect(replies.isEmpty()).toBe(true);
    await input.pipeInput("k", "ok");
    expect(replies.readValue()).toEqual({ status: "accepted", reply: "ok" });
  });
});

describe("handleCommands on a re-keyed stream", () => {
  it("repartitions by the new key first, so each aggregate's commands meet its state in one task", async () => {
    const builder = new StreamsBuilder();
    builder
      .stream("raw-commands", { key: Serdes.string(), value: Serdes.json<{ account: string; amount: number }>() })
      .selectKey((_key, command) => command.account)
      .handleCommands({
        store: { name: "balances", value: Serdes.json<number>() },
        key: Serdes.string(),
        initial: 0,
        decide: (balance, command: { amount: number }) => ({
          events: [command.amount],
          reply: balance + command.amount,
        }),
        evolve: (balance, amount: number) => balance + amount,
        events: { topic: "balance-events", value: Serdes.json<number>() },
      });
    const topology = builder.build();
    expect(topology.repartitionTopics.map((topic) => topic.name)).toEqual(["balances-repartition"]);
    expect(topology.stores.get("balances")?.subtopology).toBe(1);
    const driver = start(topology);
    const input = driver.createInputTopic(
      "raw-commands",
      Serdes.string(),
      Serdes.json<{ account: string; amount: number }>(),
    );
    await input.pipeInput("request-1", { account: "a", amount: 5 });
    await input.pipeInput("request-2", { account: "a", amount: 7 });
    expect(await driver.getKeyValueStore<string, number>("balances").get("a")).toBe(12);
    expect(
      driver.createOutputTopic("balance-events", Serdes.string(), Serdes.json<number>()).readKeyValuesToList(),
    ).toEqual([
      { key: "a", value: 5 },
      { key: "a", value: 7 },
    ]);
  });
});
