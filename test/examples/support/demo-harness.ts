// Test support: the demo's own startDemo() (what `npm start` runs) with some of the
// examples, on its embedded broker on a random port (or, under EDDY_TEST_KAFKA=apache-*,
// on Apache Kafka through EDDY_BOOTSTRAP_SERVERS, as a user runs it), every server on a
// free port, a fresh state directory, and no demo traffic: each test sends its own.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDemo } from "../../../examples/demo/demo.js";
import type { Demo } from "../../../examples/demo/demo.js";
import { EXAMPLES } from "../../../examples/demo/examples.js";
import type { ExampleName } from "../../../examples/demo/examples.js";
import { EddyHttpClient } from "../../../examples/shared/eddy-http-client.js";
import { eventually as poll, silentLogger } from "../../integration/support/kafka.js";
import { freePort } from "../../integration/support/ports.js";
import { startKafkaUnderTest, testKafkaSelection } from "../../support/kafka-under-test/kafka-under-test.js";

export interface DemoUnderTest {
  readonly demo: Demo;
  /** The web server (the examples' own routes). */
  readonly web: string;
  /** The Eddy API of each example. */
  api(name: ExampleName): string;
  client(name: ExampleName): EddyHttpClient;
  /** The broker's bootstrap address (the demo's embedded broker, or Apache Kafka). */
  readonly bootstrap: string;
  /** The token the demo made for its user (admin scope on every Eddy API). */
  readonly token: string;
  close(): Promise<void>;
}

export async function startDemoUnderTest(apps: readonly ExampleName[]): Promise<DemoUnderTest> {
  const stateDir = await mkdtemp(join(tmpdir(), "eddy-examples-"));
  const env: Record<string, string> = {
    EDDY_STATE_DIR: stateDir,
    EDDY_COMMIT_INTERVAL_MS: "50",
    EDDY_FETCH_MAX_WAIT_MS: "100",
  };
  for (const example of EXAMPLES.filter((e) => apps.includes(e.name))) {
    env[`${example.envPrefix}APPLICATION_SERVER`] = `127.0.0.1:${await freePort()}`;
  }
  // The demo starts its own embedded broker, as `npm start` does; Apache Kafka is given to it.
  const kafka = testKafkaSelection().kind === "apache" ? await startKafkaUnderTest() : undefined;
  if (kafka !== undefined) env.EDDY_BOOTSTRAP_SERVERS = kafka.bootstrap;
  const demo = await startDemo({
    instance: 1,
    port: 0,
    portShift: 0,
    host: "127.0.0.1",
    brokerPort: 0,
    apps,
    traffic: false,
    env,
    logger: silentLogger,
  }).catch(async (error: unknown) => {
    await kafka?.close();
    throw error;
  });
  const api = (name: ExampleName) => {
    const url = demo.banner.apis.get(name);
    if (url === undefined) throw new Error(`${name} is not running`);
    return url;
  };
  const token = demo.banner.token;
  if (token === undefined) throw new Error("the demo made no token, though no EDDY_API_TOKENS was given");
  for (const url of demo.banner.apis.values()) apiTokens.set(new URL(url).origin, token);
  return {
    demo,
    web: demo.banner.web,
    api,
    token,
    client: (name) => new EddyHttpClient(api(name), { token }),
    bootstrap: demo.banner.broker.bootstrap,
    close: async () => {
      await demo.close();
      await kafka?.close();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}

export interface HttpAnswer<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

/** The token of each running demo's Eddy APIs, by origin: http() sends it there unless given another. */
const apiTokens = new Map<string, string>();

/** A JSON request; redirects are not followed, so a 302 is seen as such. To an Eddy API, with the demo's token. */
export async function http<T = unknown>(
  method: string,
  url: string,
  body?: unknown,
  token: string | undefined = apiTokens.get(new URL(url).origin),
): Promise<HttpAnswer<T>> {
  const response = await fetch(url, {
    method,
    redirect: "manual",
    headers: {
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed as T };
}

/** Polls until `check` returns something other than undefined (queries read committed state, a moment after the reply). */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  return poll(check, timeoutMs, what);
}
