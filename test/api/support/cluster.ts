// Test support: KafkaStreams instances over the embedded broker, each serving the API on
// its own random port (its applicationServer: start() serves it there), running a topology with a counted stream (string keys) and a
// bank command handler.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import type { ApiServerOptions, RunningApiServer } from "../../../src/api/index.js";
import { KafkaStreams, Serdes, StreamsBuilder, accept, reject } from "../../../src/index.js";
import type { Decision, StreamsConfig, Topology } from "../../../src/index.js";
import {
  createTopic,
  eventually,
  silentLogger,
  startTestCluster,
  testStreamsConfig,
} from "../../integration/support/kafka.js";
import type { TestCluster } from "../../integration/support/kafka.js";
import { freePort } from "../../integration/support/ports.js";

export const PARTITIONS = 4;
export const VISITS = "visits";
export const VISIT_COUNTS = "visit-counts";
export const ACCOUNT_COMMANDS = "account-commands";
export const ACCOUNT_EVENTS = "account-events";
export const ACCOUNTS = "accounts";

export const accountCommand = z.discriminatedUnion("type", [
  z.object({ type: z.literal("open"), owner: z.string().min(1) }),
  z.object({ type: z.literal("deposit"), amount: z.number().int().positive() }),
  z.object({ type: z.literal("withdraw"), amount: z.number().int().positive() }),
]);
type AccountCommand = z.infer<typeof accountCommand>;

export interface Account {
  owner: string;
  balance: number;
}
type AccountEvent =
  { type: "opened"; owner: string } | { type: "deposited"; amount: number } | { type: "withdrawn"; amount: number };

function decide(account: Account | null, command: AccountCommand): Decision<AccountEvent, { balance: number }> {
  if (command.type === "open") {
    if (account !== null) return reject("ACCOUNT_EXISTS", "the account is already open");
    return accept([{ type: "opened", owner: command.owner }], { balance: 0 });
  }
  if (account === null) return reject("NO_ACCOUNT", "there is no account with this id");
  if (command.type === "deposit")
    return accept([{ type: "deposited", amount: command.amount }], { balance: account.balance + command.amount });
  if (command.amount > account.balance) return reject("INSUFFICIENT_FUNDS", `the balance is ${account.balance}`);
  return accept([{ type: "withdrawn", amount: command.amount }], { balance: account.balance - command.amount });
}

function evolve(account: Account | null, event: AccountEvent): Account | null {
  switch (event.type) {
    case "opened":
      return { owner: event.owner, balance: 0 };
    case "deposited":
      return account && { ...account, balance: account.balance + event.amount };
    case "withdrawn":
      return account && { ...account, balance: account.balance - event.amount };
  }
}

/** Visits counted per URL (sub-topology 0) and bank accounts handled by commands (sub-topology 1). */
export function apiTestTopology(): Topology {
  const builder = new StreamsBuilder();
  builder.stream(VISITS, { key: Serdes.string(), value: Serdes.string() }).groupByKey().count({ store: VISIT_COUNTS });
  builder.stream(ACCOUNT_COMMANDS, { key: Serdes.string(), value: Serdes.json<unknown>() }).handleCommands({
    store: { name: ACCOUNTS, value: Serdes.json<Account | null>() },
    initial: null,
    command: accountCommand,
    decide: (account, command) => decide(account, command),
    evolve,
    events: { topic: ACCOUNT_EVENTS, value: Serdes.json<AccountEvent>() },
  });
  return builder.build();
}

export interface Instance {
  readonly name: string;
  readonly host: string;
  readonly url: string;
  readonly streams: KafkaStreams;
  readonly api: RunningApiServer;
  close(): Promise<void>;
}

export interface ApiTestCluster {
  readonly cluster: TestCluster;
  readonly bootstrap: string;
  readonly topology: Topology;
  start(name: string, overrides?: Partial<StreamsConfig>, api?: Partial<ApiServerOptions>): Promise<Instance>;
  close(): Promise<void>;
}

/** `topology` and its input `topics` replace the counted visits and the bank (then without commands). */
export async function startApiTestCluster(
  applicationId: string,
  custom?: { topology: Topology; topics: readonly string[] },
): Promise<ApiTestCluster> {
  const cluster = await startTestCluster();
  const stateRoot = await mkdtemp(join(tmpdir(), `eddy-${applicationId}-`));
  for (const topic of custom?.topics ?? [VISITS, ACCOUNT_COMMANDS, ACCOUNT_EVENTS])
    await createTopic(cluster.kafka, topic, PARTITIONS);
  const topology = custom?.topology ?? apiTestTopology();
  const commands = custom === undefined ? [{ topic: ACCOUNT_COMMANDS, schema: accountCommand }] : [];
  const instances: Instance[] = [];
  return {
    cluster,
    bootstrap: cluster.bootstrap,
    topology,
    async start(name, overrides = {}, api = {}) {
      const port = await freePort();
      const host = `127.0.0.1:${port}`;
      const streams = new KafkaStreams(
        topology,
        testStreamsConfig(cluster.bootstrap, join(stateRoot, name), {
          applicationId,
          applicationServer: host,
          processingGuarantee: "at_least_once",
          ...overrides,
        }),
        { logger: silentLogger, api: { commands, ...api } },
      );
      await streams.start();
      const server = streams.apiServer;
      if (server === undefined) throw new Error(`instance ${name} serves no API`);
      let closed: Promise<void> | undefined;
      const instance: Instance = {
        name,
        host,
        url: server.url,
        streams,
        api: server,
        close: () => {
          closed ??= streams.close({ timeout: 20_000 }).then(() => undefined);
          return closed;
        },
      };
      instances.push(instance);
      return instance;
    },
    async close() {
      await Promise.all(instances.map((i) => i.close()));
      await cluster.close();
      await rm(stateRoot, { recursive: true, force: true });
    },
  };
}

/** Waits until every instance is RUNNING with all its tasks and they agree on the owner of every task. */
export async function settled(instances: readonly Instance[], tasks: number, timeoutMs = 30_000): Promise<void> {
  await eventually(
    () => {
      if (!instances.every((i) => i.streams.isReady())) return undefined;
      const maps = instances.map((i) => i.streams.hostMap());
      const owners = maps.map((m) =>
        [...m]
          .flatMap(([host, t]) => t.active.map((task) => `${task}@${host}`))
          .sort()
          .join(","),
      );
      if (new Set(owners).size !== 1) return undefined;
      const hosts = new Set(instances.map((i) => i.host));
      const first = maps[0];
      if (first === undefined || [...first.keys()].some((h) => !hosts.has(h)) || first.size !== instances.length)
        return undefined;
      const active = [...first.values()].reduce((n, t) => n + t.active.length, 0);
      return active === tasks ? true : undefined;
    },
    timeoutMs,
    "the instances to settle",
    () => instances.map((i) => i.streams.fatalError).find((e) => e !== undefined),
  );
}

export async function getJson(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const response = await fetch(url, { headers: { accept: "application/json", ...headers } });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === "" ? undefined : (JSON.parse(text) as unknown),
  };
}

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === "" ? undefined : (JSON.parse(text) as unknown),
  };
}
