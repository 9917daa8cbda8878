// The broker is killed with SIGKILL three times under load and restarted on the same
// port over the same data directory, as a supervisor would. Three `eddy run` instances
// ride it out: each stays or returns to RUNNING after every restart (coordinator not
// found, not leader and connection errors are retried while the broker comes back), and
// each exits within 5 s of SIGTERM afterwards (every connection closed).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import kafkajs from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { partitionForKey } from "../../src/kafka/partitioner.js";
import { createTopic, eventually } from "../integration/support/kafka.js";
import { freePort } from "../integration/support/ports.js";
import { CHAOS_COMMANDS, CHAOS_EVENTS, CHAOS_VISITS } from "./fixtures/chaos-app.js";
import { CliProcess } from "./support/cli-process.js";

const PARTITIONS = 4;
const RESTARTS = 3;
const APP = "test/e2e/fixtures/chaos-app.ts";
// More of the instances' log when a failure needs explaining (EDDY_E2E_LOG_LEVEL=debug).
const INSTANCE_LOG_LEVEL = process.env.EDDY_E2E_LOG_LEVEL ?? "warn";

interface Instance {
  readonly process: CliProcess;
  readonly url: string;
}

describe("broker restarts under load", () => {
  let root: string;
  let brokerPort: number;
  let broker: CliProcess | undefined;
  const instances: Instance[] = [];

  const startBroker = async () => {
    broker = new CliProcess("broker", [
      "broker",
      "--port",
      String(brokerPort),
      "--data-dir",
      join(root, "broker"),
      "--log-level",
      "warn",
    ]);
    await broker.waitFor(/listening on/);
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "eddy-broker-restarts-"));
    brokerPort = await freePort();
    await startBroker();
  });

  afterAll(async () => {
    await Promise.all(instances.map((i) => i.process.kill()));
    await broker?.kill();
    await rm(root, { recursive: true, force: true });
  });

  const stateOf = async (instance: Instance): Promise<string | undefined> => {
    try {
      const response = await fetch(`${instance.url}/health`, { signal: AbortSignal.timeout(2_000) });
      return ((await response.json()) as { state: string }).state;
    } catch {
      return undefined;
    }
  };

  it(
    "keeps every instance RUNNING through three kill -9s of the broker, and each stops within 5 s",
    { timeout: 400_000 },
    async () => {
      const bootstrap = `127.0.0.1:${brokerPort}`;
      const kafka = new kafkajs.Kafka({
        clientId: "chaos-load",
        brokers: [bootstrap],
        logLevel: kafkajs.logLevel.NOTHING,
        retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 2_000 },
      });
      for (const topic of [CHAOS_VISITS, CHAOS_COMMANDS, CHAOS_EVENTS]) await createTopic(kafka, topic, PARTITIONS);

      for (const name of ["a", "b", "c"]) {
        const apiPort = await freePort();
        const process = new CliProcess(
          name,
          [
            "run",
            APP,
            "--application-id",
            "chaos",
            "--bootstrap",
            bootstrap,
            "--application-server",
            `127.0.0.1:${apiPort}`,
            "--state-dir",
            join(root, name),
            "--log-level",
            INSTANCE_LOG_LEVEL,
          ],
          { env: { EDDY_SESSION_TIMEOUT_MS: "10000", EDDY_HEARTBEAT_INTERVAL_MS: "1000" } },
        );
        instances.push({ process, url: `http://127.0.0.1:${apiPort}` });
      }
      for (const instance of instances) await instance.process.waitFor(/started/, 90_000);
      let lastStates: Array<string | undefined> = [];
      const allRunning = (what: string) =>
        eventually(
          async () => {
            lastStates = await Promise.all(instances.map(stateOf));
            return lastStates.every((s) => s === "RUNNING") ? lastStates : undefined;
          },
          120_000,
          what,
          () => {
            const gone = instances.find((i) => !i.process.running);
            return gone === undefined
              ? undefined
              : new Error(`${gone.process.name} exited:\n${gone.process.stderr.slice(-4000)}`);
          },
        );
      await allRunning("every instance to run");

      // Load: visits produced and commands sent all along, retried through the outages.
      let loading = true;
      const producer = kafka.producer({ allowAutoTopicCreation: false });
      await producer.connect();
      let produced = 0;
      const load = (async () => {
        let i = 0;
        while (loading) {
          const key = `/page/${i % 50}`;
          try {
            await producer.send({
              topic: CHAOS_VISITS,
              messages: [{ key, value: "v", partition: partitionForKey(Buffer.from(key), PARTITIONS) }],
            });
            produced += 1;
          } catch {
            await new Promise((resolve) => setTimeout(resolve, 200));
          }
          const instance = instances[i % instances.length] as Instance;
          await fetch(`${instance.url}/commands/${CHAOS_COMMANDS}?timeoutMs=2000`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ type: "add", id: `c-${i % 20}`, amount: 1 }),
            signal: AbortSignal.timeout(5_000),
          }).catch(() => undefined);
          i += 1;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      })();

      for (let restart = 1; restart <= RESTARTS; restart += 1) {
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        await broker?.kill();
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        await startBroker();
        try {
          await allRunning(`every instance to run again after broker restart ${restart}`);
        } catch (error) {
          const metadata = await Promise.all(
            instances.map((i) =>
              fetch(`${i.url}/metadata?local=true`)
                .then((r) => r.text())
                .catch((e: unknown) => String(e)),
            ),
          );
          // The log of every instance that did not come back, for the reason it did not.
          const logs = instances
            .filter((_, i) => lastStates[i] !== "RUNNING")
            .map((i) => `--- ${i.process.name}:\n${(i.process.stdout + i.process.stderr).slice(-8_000)}`);
          throw new Error(
            `${(error as Error).message}; states ${JSON.stringify(lastStates)}; ${metadata.join("\n")}\n${logs.join("\n")}`,
            { cause: error },
          );
        }
      }
      loading = false;
      await load;
      await producer.disconnect().catch(() => undefined);
      expect(produced).toBeGreaterThan(0);

      const stops = await Promise.all(
        instances.map(async (instance) => {
          const stopping = instance.process.stop("SIGTERM");
          const late = await Promise.race([
            stopping.then(() => false),
            new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 15_000)),
          ]);
          if (late) await instance.process.kill();
          const stopped = await stopping;
          return { name: instance.process.name, code: stopped.code, inTime: !late && stopped.ms < 5_000 };
        }),
      );
      expect(stops).toEqual(instances.map((i) => ({ name: i.process.name, code: 0, inTime: true })));
    },
  );
});
