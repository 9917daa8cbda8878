// The command line of the demo (`npm start -- [options]`).
import { parseArgs } from "node:util";
import { EXAMPLES } from "./examples.js";
import type { ExampleName } from "./examples.js";

export const USAGE = `Usage: npm start -- [options]

Runs the three example applications (url-visits, bank, orders) in one process, each with
its own Eddy API, plus the web routes in front of them. Instance 1 starts the embedded
Kafka broker (for development and tests; production runs on Apache Kafka) unless
EDDY_BOOTSTRAP_SERVERS names a cluster, and sends a little demo traffic.

Options:
  --instance <n>       which instance this is (default 1). Instance n serves on ports
                       8080+10(n-1) (web) and the next three (Eddy APIs), keeps its state
                       in <stateDir>/instance-<n>, and joins instance 1's broker
  --port <port>        the web port (default 8080 for instance 1); the Eddy APIs keep their
                       configured ports shifted by the same amount
  --host <host>        interface to listen on (default 127.0.0.1; 0.0.0.0 in containers)
  --broker-port <port> the embedded broker's port (default 9092)
  --apps <list>        which examples to run, comma-separated (default all: ${EXAMPLES.map((e) => e.name).join(",")})
  --no-traffic         do not send the demo traffic
  -h, --help           show this help

Environment: EDDY_BOOTSTRAP_SERVERS, EDDY_APPLICATION_SERVER, EDDY_STATE_DIR, ... set any
config field for every app; EDDY_BANK_..., EDDY_ORDERS_..., EDDY_URL_VISITS_... for one
app (see the README's configuration reference).`;

export const DEFAULT_WEB_PORT = 8080;
export const DEFAULT_BROKER_PORT = 9092;
export const PORT_STEP_PER_INSTANCE = 10;

export interface DemoOptions {
  readonly instance: number;
  /** The web server's port; 0 picks a free one (the Eddy APIs then keep their configured ports). */
  readonly port: number;
  /** How far the Eddy APIs' configured ports move for this instance. */
  readonly portShift: number;
  readonly host: string;
  readonly brokerPort: number;
  readonly apps: readonly ExampleName[];
  readonly traffic: boolean;
}

export class DemoUsageError extends Error {}

function port(option: string, text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 65_535)
    throw new DemoUsageError(`--${option} must be a port number (0 to 65535), got "${text}"`);
  return Number(text);
}

/** Parses the arguments; undefined means --help. Throws DemoUsageError on a bad option. */
export function parseDemoArgs(args: readonly string[]): DemoOptions | undefined {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        instance: { type: "string" },
        port: { type: "string" },
        host: { type: "string" },
        "broker-port": { type: "string" },
        apps: { type: "string" },
        "no-traffic": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new DemoUsageError((error as Error).message);
  }
  if (values.help === true) return undefined;
  const instanceText = values.instance ?? "1";
  if (!/^[1-9]\d{0,2}$/.test(instanceText))
    throw new DemoUsageError(`--instance must be a whole number from 1, got "${instanceText}"`);
  const instance = Number(instanceText);
  const defaultPort = DEFAULT_WEB_PORT + PORT_STEP_PER_INSTANCE * (instance - 1);
  const webPort = values.port === undefined ? defaultPort : port("port", values.port);
  const names = EXAMPLES.map((example) => example.name);
  const apps = (values.apps ?? names.join(","))
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
  for (const app of apps) {
    if (!names.includes(app as ExampleName))
      throw new DemoUsageError(`--apps: unknown example "${app}" (known: ${names.join(", ")})`);
  }
  if (apps.length === 0) throw new DemoUsageError("--apps must name at least one example");
  return {
    instance,
    port: webPort,
    portShift: webPort === 0 ? 0 : webPort - DEFAULT_WEB_PORT,
    host: values.host ?? "127.0.0.1",
    brokerPort: values["broker-port"] === undefined ? DEFAULT_BROKER_PORT : port("broker-port", values["broker-port"]),
    apps: apps as ExampleName[],
    traffic: values["no-traffic"] !== true,
  };
}
