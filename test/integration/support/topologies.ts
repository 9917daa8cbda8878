// Topologies the runtime tests run: the URL-visit count (seed 002) and the bank
// account command handler (seed 001), written with the DSL as an application would.
import { z } from "zod";
import {
  EmitStrategy,
  Serdes,
  StreamsBuilder,
  TimeWindows,
  accept,
  reject,
  windowedToString,
} from "../../../src/index.js";
import type { Decision, Topology } from "../../../src/index.js";

export const VISITS = "visits";
export const VISIT_COUNTS = "visit-counts";
export const VISIT_COUNTS_OUT = "visit-counts-out";

/** stream('visits').groupByKey().count({ store: 'visit-counts' }), counts written out. */
export function urlVisitTopology(): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream(VISITS, { key: Serdes.string(), value: Serdes.string() })
    .groupByKey()
    .count({ store: VISIT_COUNTS })
    .toStream()
    .to(VISIT_COUNTS_OUT, { key: Serdes.string(), value: Serdes.long() });
  return builder.build();
}

export const HOUR_MS = 3_600_000;
export const HOURLY_VISITS = "hourly-visits";
export const HOURLY_VISITS_OUT = "hourly-visits-out";

/**
 * Visits counted per key and hour (1 h tumbling windows, a grace long enough that no record
 * of the tests is late), the counts written out keyed by Kafka Streams' windowed key.
 */
export function hourlyVisitTopology(): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream(VISITS, { key: Serdes.string(), value: Serdes.string() })
    .groupByKey()
    .windowedBy(TimeWindows.ofSizeAndGrace(HOUR_MS, 30 * 24 * HOUR_MS))
    .count({ store: HOURLY_VISITS })
    .toStream()
    .to(HOURLY_VISITS_OUT, { key: Serdes.timeWindowed(Serdes.string(), HOUR_MS), value: Serdes.long() });
  return builder.build();
}

export const CLOSING_EVENTS = "closing-events";
export const CLOSING_COUNTS = "closing-counts";
export const CLOSING_FINALS = "closing-finals";
export const CLOSING_WINDOW_MS = 10_000;
/** A record with this value is stamped with its partition's partition time (see windowCloseCountTopology). */
export const AT_PARTITION_TIME = "at-partition-time";

/**
 * Final counts per key and 10 s window (no grace), each emitted once when stream time closes
 * its window (EmitStrategy.onWindowClose()), keyed by the window's text. A record whose value
 * is AT_PARTITION_TIME takes its partition's partition time as its timestamp.
 */
export function windowCloseCountTopology(
  topics: { readonly events: string; readonly finals: string } = { events: CLOSING_EVENTS, finals: CLOSING_FINALS },
): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream(topics.events, {
      key: Serdes.string(),
      value: Serdes.string(),
      timestampExtractor: (record, partitionTime) =>
        record.value === AT_PARTITION_TIME ? partitionTime : record.timestamp,
    })
    .groupByKey()
    .windowedBy(TimeWindows.ofSizeWithNoGrace(CLOSING_WINDOW_MS))
    .emitStrategy(EmitStrategy.onWindowClose())
    // Windows are kept an hour: a burst of records (an instance catching up after a restart)
    // moves stream time far within one emit interval, and the emit must still find them.
    .count({ store: CLOSING_COUNTS, retention: 360 * CLOSING_WINDOW_MS })
    .toStream()
    .map((key, count) => ({ key: windowedToString(key), value: count }))
    .to(topics.finals, { key: Serdes.string(), value: Serdes.long() });
  return builder.build();
}

export const ORDER_LINES = "order-lines";
export const PRODUCTS = "products";
export const ENRICHED_LINES = "order-lines-enriched";

/**
 * The foreign-key join of seed orders: each order line ("<product id>|<quantity>", keyed
 * by line id) joined with its product's name; lines and products partitioned differently.
 */
export function orderLineTopology(): Topology {
  const builder = new StreamsBuilder();
  const strings = { key: Serdes.string(), value: Serdes.string() };
  const lines = builder.table(ORDER_LINES, strings);
  const products = builder.table(PRODUCTS, strings);
  lines
    .join(
      products,
      (line) => line.split("|")[0] ?? null,
      (line, product) => `${line.split("|")[1] ?? "?"} x ${product}`,
      { name: "line-product", value: Serdes.string() },
    )
    .toStream()
    .to(ENRICHED_LINES, strings);
  return builder.build();
}

export const PRICES = "prices";
export const PRICE_STORE = "prices-store";
export const PRICE_ORDERS = "price-orders";
export const PRICED_ORDERS = "priced-orders";

/**
 * Orders ("<quantity>", keyed by product) priced from a source table of prices, built with
 * topology.optimization "all": the table's store has no changelog, it restores from `prices`.
 */
export function pricedOrderTopology(): Topology {
  const builder = new StreamsBuilder();
  const strings = { key: Serdes.string(), value: Serdes.string() };
  const prices = builder.table(PRICES, { ...strings, store: PRICE_STORE });
  builder
    .stream(PRICE_ORDERS, strings)
    .join(prices, (quantity, price) => `${quantity} x ${price}`)
    .to(PRICED_ORDERS, strings);
  return builder.build({ topologyOptimization: "all" });
}

export const BANK_COMMANDS = "bank-commands";
export const BANK_EVENTS = "bank-events";
export const BANK_REPLIES = "bank-replies";
export const ACCOUNTS = "accounts";

export const bankCommand = z.discriminatedUnion("type", [
  z.object({ type: z.literal("open"), owner: z.string().min(1) }),
  z.object({ type: z.literal("deposit"), amount: z.number().int().positive() }),
  z.object({ type: z.literal("withdraw"), amount: z.number().int().positive() }),
  z.object({ type: z.literal("close") }),
]);
export type BankCommand = z.infer<typeof bankCommand>;

export interface Account {
  status: "none" | "open" | "closed";
  owner: string;
  balance: number;
}

export type BankEvent =
  | { type: "opened"; owner: string }
  | { type: "deposited"; amount: number }
  | { type: "withdrawn"; amount: number }
  | { type: "closed" };

export const NO_ACCOUNT: Account = { status: "none", owner: "", balance: 0 };

/** The business rules, shared by the topology and by the tests' model of what must happen. */
export function decideBank(state: Account, command: BankCommand): Decision<BankEvent, unknown> {
  switch (command.type) {
    case "open":
      if (state.status !== "none") return reject("already-exists", "the account exists");
      return accept<BankEvent, unknown>([{ type: "opened", owner: command.owner }], { opened: true });
    case "deposit":
      if (state.status !== "open") return reject("not-open", "the account is not open");
      return accept<BankEvent, unknown>([{ type: "deposited", amount: command.amount }], {
        balance: state.balance + command.amount,
      });
    case "withdraw":
      if (state.status !== "open") return reject("not-open", "the account is not open");
      if (state.balance < command.amount)
        return reject("insufficient-funds", `balance ${state.balance} < ${command.amount}`);
      return accept<BankEvent, unknown>([{ type: "withdrawn", amount: command.amount }], {
        balance: state.balance - command.amount,
      });
    case "close":
      if (state.status !== "open") return reject("not-open", "the account is not open");
      return accept<BankEvent, unknown>([{ type: "closed" }], { closed: true, balance: state.balance });
  }
}

export function evolveBank(state: Account, event: BankEvent): Account {
  switch (event.type) {
    case "opened":
      return { status: "open", owner: event.owner, balance: 0 };
    case "deposited":
      return { ...state, balance: state.balance + event.amount };
    case "withdrawn":
      return { ...state, balance: state.balance - event.amount };
    case "closed":
      return { ...state, status: "closed" };
  }
}

/** Commands on `bank-commands` (JSON), events on `bank-events`, replies to reply-to or `bank-replies`. */
export function bankTopology(): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream(BANK_COMMANDS, { key: Serdes.string(), value: Serdes.json<unknown>() })
    .handleCommands<Account, BankEvent, unknown, BankCommand>({
      store: { name: ACCOUNTS, value: Serdes.json<Account>() },
      initial: NO_ACCOUNT,
      command: bankCommand,
      decide: (state, command) => decideBank(state, command),
      evolve: evolveBank,
      events: { topic: BANK_EVENTS, value: Serdes.json<BankEvent>() },
      replies: { topic: BANK_REPLIES },
    });
  return builder.build();
}

export interface BankCommandRecord {
  key: string;
  value: string;
  headers: Record<string, string>;
}

/**
 * `count` commands over `accounts` accounts: every account is opened first, then
 * deposits and withdrawals (some refused for insufficient funds), a few invalid
 * commands, and some accounts closed near the end (later commands to them are refused).
 */
export function bankCommands(count: number, accounts: number): BankCommandRecord[] {
  const commands: BankCommandRecord[] = [];
  const add = (key: string, command: unknown) =>
    commands.push({ key, value: JSON.stringify(command), headers: { "correlation-id": `cmd-${commands.length}` } });
  for (let a = 0; a < accounts && commands.length < count; a += 1)
    add(`account-${a}`, { type: "open", owner: `owner-${a}` });
  let i = 0;
  while (commands.length < count) {
    const account = `account-${(i * 7) % accounts}`;
    const dice = (i * 2654435761) % 100;
    if (i > count * 0.9 && dice < 2) add(account, { type: "close" });
    else if (dice < 35) add(account, { type: "withdraw", amount: 5 + (dice % 40) });
    else if (dice < 37) add(account, { type: "deposit", amount: 0 });
    else add(account, { type: "deposit", amount: 10 + (dice % 15) });
    i += 1;
  }
  return commands;
}

export interface BankModel {
  /** Per account, the events the commands must cause, in order (JSON text). */
  events: Map<string, string[]>;
  accounts: Map<string, Account>;
  acceptedEvents: number;
}

/** What the commands must do, computed with the same rules, one account at a time. */
export function bankModel(commands: readonly BankCommandRecord[]): BankModel {
  const events = new Map<string, string[]>();
  const accounts = new Map<string, Account>();
  let acceptedEvents = 0;
  for (const { key, value } of commands) {
    const parsed = bankCommand.safeParse(JSON.parse(value));
    if (!parsed.success) continue;
    const state = accounts.get(key) ?? NO_ACCOUNT;
    const decision = decideBank(state, parsed.data);
    if ("reject" in decision) continue;
    const list = events.get(key) ?? [];
    for (const event of decision.events) list.push(JSON.stringify(event));
    events.set(key, list);
    acceptedEvents += decision.events.length;
    accounts.set(key, decision.events.reduce(evolveBank, state));
  }
  return { events, accounts, acceptedEvents };
}
