// The application test/api-fuzz/run fuzzes: the bank example on the embedded broker, its API
// with a token (admin scope, so that every route is reachable) on a free loopback port.
// Prints one line, `READY <url> <token>`, once the instance is ready; stops on SIGTERM or
// SIGINT, removing its state.
//
//   node --conditions=development --import tsx test/api-fuzz/serve.ts
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import bank, { topics } from "../../examples/bank/app.js";
import { bankTopology } from "../../examples/bank/topology.js";
import { startBroker } from "../../src/broker/index.js";
import { KafkaStreams } from "../../src/index.js";
import { KafkaAdmin } from "../../src/kafka/admin-client.js";
import { createKafkaClient } from "../../src/kafka/client.js";

const logger = pino({ level: "error" });

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

const stateDir = await mkdtemp(join(tmpdir(), "eddy-api-fuzz-"));
const broker = await startBroker({ port: 0, logger });
const admin = new KafkaAdmin(createKafkaClient({ clientId: "api-fuzz", brokers: [broker.bootstrap], logger }), logger);
await admin.connect();
await admin.createTopics(
  topics.map((t) => ({ name: t.name, partitions: t.partitions, replicationFactor: -1, configs: t.configs ?? {} })),
);
await admin.close();

const token = randomBytes(24).toString("hex");
const port = await freePort();
const streams = new KafkaStreams(
  bankTopology(),
  {
    applicationId: "api-fuzz",
    bootstrapServers: broker.bootstrap,
    stateDir,
    applicationServer: `127.0.0.1:${port}`,
    apiTokens: [{ name: "fuzz", token, scopes: ["admin"] }],
    commitIntervalMs: 100,
    logLevel: "error",
  },
  { logger, api: { commands: bank.commands } },
);
await streams.start();
const deadline = Date.now() + 60_000;
while (!streams.isReady()) {
  if (Date.now() > deadline) throw new Error("the fuzzed application did not become ready within 60 s");
  await new Promise((resolve) => setTimeout(resolve, 100));
}
process.stdout.write(`READY ${streams.apiServer!.url} ${token}\n`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await streams.close({ timeout: 10_000 });
  await broker.close();
  await rm(stateDir, { recursive: true, force: true });
  process.exit(0);
}
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
