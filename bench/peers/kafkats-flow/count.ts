// The URL-visit count on @kafkats/flow, for `npm run bench:peers`:
// stream(visits).groupByKey().count() into its store (in memory: the only store
// @kafkats/flow ships, backed by a changelog topic), the counts as text to the output
// topic. Exactly-once (processingGuarantee "exactly_once": Kafka transactions),
// @kafkats/flow's defaults otherwise. Configured by the environment, as every peer:
// PEER_BOOTSTRAP, PEER_APP_ID, PEER_STATE_DIR, PEER_INPUT, PEER_OUTPUT. Prints
// "STATE STARTING <epoch ms>" before start(), "STATE <state> <epoch ms>" when start()
// returns (its state is RUNNING once it restored its stores) and when it stops.
import { codec, flow } from "@kafkats/flow";

function env(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") throw new Error(`set ${name}`);
  return value;
}

const text = { encode: (count: number) => Buffer.from(String(count)), decode: (bytes: Buffer) => Number(bytes) };

const app = flow({
  applicationId: env("PEER_APP_ID"),
  client: { brokers: [env("PEER_BOOTSTRAP")], clientId: env("PEER_APP_ID"), logLevel: "warn" },
  processingGuarantee: "exactly_once",
  stateDir: env("PEER_STATE_DIR"),
});

app
  .stream(env("PEER_INPUT"), { key: codec.string(), value: codec.string(), offsetReset: "earliest" })
  .groupByKey()
  .count({ storeName: "visit-counts" })
  .toStream()
  .to(env("PEER_OUTPUT"), { key: codec.string(), value: text });

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  void app.close().finally(() => {
    console.log(`STATE STOPPED ${Date.now()}`);
    process.exit(0);
  });
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);

console.log(`STATE STARTING ${Date.now()}`);
await app.start();
console.log(`STATE ${app.state()} ${Date.now()}`);
