// KafkaStreams serves the API on its applicationServer with nothing else to wire:
// start() listens, close() stops listening; `api: false` serves nothing;
// apiListenHost binds another interface than the advertised host; an application that
// also calls startApiServer gets the same server, with its command endpoints added.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiListenError, startApiServer } from "../../src/api/index.js";
import { partitionForKey } from "../../src/kafka/partitioner.js";
import { KafkaStreams } from "../../src/index.js";
import type { StreamsConfig } from "../../src/index.js";
import type { KafkaStreamsOptions } from "../../src/app/kafka-streams.js";
import {
  createTopic,
  eventually,
  produce,
  silentLogger,
  startTestCluster,
  testStreamsConfig,
} from "../integration/support/kafka.js";
import type { TestCluster } from "../integration/support/kafka.js";
import {
  ACCOUNT_COMMANDS,
  ACCOUNT_EVENTS,
  ACCOUNTS,
  PARTITIONS,
  VISIT_COUNTS,
  VISITS,
  accountCommand,
  apiTestTopology,
  getJson,
  postJson,
} from "./support/cluster.js";
import { freePort } from "../integration/support/ports.js";

/** Whether anything accepts HTTP on the URL. */
async function listening(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false;
  }
}

describe("the API KafkaStreams serves on its applicationServer", () => {
  let cluster: TestCluster;
  let stateRoot: string;
  const opened: KafkaStreams[] = [];

  beforeAll(async () => {
    cluster = await startTestCluster();
    stateRoot = await mkdtemp(join(tmpdir(), "eddy-streams-api-"));
    for (const topic of [VISITS, ACCOUNT_COMMANDS, ACCOUNT_EVENTS]) await createTopic(cluster.kafka, topic, PARTITIONS);
  });

  afterAll(async () => {
    await Promise.all(opened.map((streams) => streams.close({ timeout: 20_000 })));
    await cluster?.close();
    if (stateRoot !== undefined) await rm(stateRoot, { recursive: true, force: true });
  });

  function streamsFor(
    name: string,
    overrides: Partial<StreamsConfig>,
    options: KafkaStreamsOptions = {},
  ): KafkaStreams {
    const streams = new KafkaStreams(
      apiTestTopology(),
      testStreamsConfig(cluster.bootstrap, join(stateRoot, name), {
        applicationId: `streams-api-${name}`,
        processingGuarantee: "at_least_once",
        ...overrides,
      }),
      { logger: silentLogger, ...options },
    );
    opened.push(streams);
    return streams;
  }

  it("serves health, lookups and (once registered) commands after start() alone, and stops on close()", async () => {
    const host = `127.0.0.1:${await freePort()}`;
    const url = `http://${host}`;
    const streams = streamsFor("served", { applicationServer: host });
    expect(streams.topology.stores.has(VISIT_COUNTS)).toBe(true);
    expect(streams.apiServer).toBeUndefined();
    expect(await listening(`${url}/health`)).toBe(false);
    await streams.start();
    expect(streams.apiServer?.url).toBe(url);
    expect((await getJson(`${url}/health`)).status).toBe(200);

    await produce(
      cluster.kafka,
      VISITS,
      [1, 2, 3].map(() => ({ partition: partitionForKey(Buffer.from("/home"), PARTITIONS), key: "/home", value: "v" })),
    );
    const lookup = await eventually(async () => {
      const answer = await getJson(`${url}/stores/${VISIT_COUNTS}/keys/%2Fhome`);
      return answer.status === 200 && (answer.body as { value: number }).value === 3 ? answer : undefined;
    }, 30_000);
    expect(lookup.headers.get("x-eddy-served-by")).toBe(host);
    expect(lookup.body).toMatchObject({ store: VISIT_COUNTS, key: "/home", value: 3, stale: false });
    // The one instance runs every task; the synchronous check the lookups use agrees.
    const { active } = streams.assignedTasks();
    expect(active).toHaveLength(2 * PARTITIONS);
    for (const task of active) expect(streams.isActiveTaskRunning(task)).toBe(true);
    expect(streams.isActiveTaskRunning(`0_${PARTITIONS}`)).toBe(false);

    // The command topic's endpoint comes from the topology, its key from ?key=. Asking
    // startApiServer for the same streams returns the server start() opened, with the
    // endpoint given added: here the key read from the body's "owner" field.
    const byOwner = { type: "open", owner: "Ada" };
    expect(await postJson(`${url}/commands/${ACCOUNT_COMMANDS}`, byOwner)).toMatchObject({
      status: 400,
      body: { code: "EDDY_ERR_INVALID_REQUEST" },
    });
    const again = await startApiServer(streams, {
      topology: streams.topology,
      commands: [{ topic: ACCOUNT_COMMANDS, schema: accountCommand, keyField: "owner" }],
    });
    expect(again).toBe(streams.apiServer);
    const accepted = await postJson(`${url}/commands/${ACCOUNT_COMMANDS}`, byOwner);
    expect(accepted).toMatchObject({ status: 200, body: { status: "accepted" } });
    // The account is queryable once its state is committed.
    await eventually(
      async () => ((await getJson(`${url}/stores/${ACCOUNTS}/keys/Ada`)).status === 200 ? true : undefined),
      10_000,
      "the account",
    );

    await streams.close({ timeout: 20_000 });
    expect(streams.apiServer).toBeUndefined();
    expect(active.some((task) => streams.isActiveTaskRunning(task))).toBe(false);
    expect(await listening(`${url}/health`)).toBe(false);
  });

  it("serves nothing with api: false, and nothing without an applicationServer", async () => {
    const host = `127.0.0.1:${await freePort()}`;
    const disabled = streamsFor("disabled", { applicationServer: host }, { api: false });
    await disabled.start();
    expect(disabled.apiServer).toBeUndefined();
    expect(await listening(`http://${host}/health`)).toBe(false);
    // Still in the group's host map: an application that mounts the eddyApi plugin itself serves there.
    await eventually(() => (disabled.hostMap().has(host) ? true : undefined), 30_000, "the host map");
    await disabled.close({ timeout: 20_000 });

    const none = streamsFor("none", {});
    await none.start();
    expect(none.apiServer).toBeUndefined();
    await none.close({ timeout: 20_000 });
  });

  it("listens on apiListenHost when the advertised host is not an address of this machine", async () => {
    const port = await freePort();
    // 192.0.2.0/24 is TEST-NET-1: never an address of this machine.
    const advertised = `192.0.2.1:${port}`;
    // With tokens, the API listens where it advertises itself (without, on loopback only).
    const apiTokens = [{ name: "test", token: "an-api-token-for-tests", scopes: ["read" as const] }];
    const unbindable = streamsFor("unbindable", { applicationServer: advertised, apiTokens });
    const failure = await unbindable.start().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ApiListenError);
    expect((failure as ApiListenError).code).toBe("EDDY_ERR_API_LISTEN");
    expect((failure as Error).message).toMatch(
      /^Cannot serve the Eddy API \(applicationServer 192\.0\.2\.1:\d+\) on 192\.0\.2\.1:\d+: .*apiListenHost \(e\.g\. 0\.0\.0\.0\)$/,
    );
    expect(unbindable.state()).toBe("ERROR");

    const bound = streamsFor("bound", { applicationServer: advertised, apiListenHost: "127.0.0.1" });
    await bound.start();
    expect(bound.apiServer?.port).toBe(port);
    expect((await getJson(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    await bound.close({ timeout: 20_000 });
  });
});
