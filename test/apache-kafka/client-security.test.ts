// Eddy's Kafka clients against Apache Kafka's own security: SASL PLAIN, SCRAM-SHA-256 and
// SCRAM-SHA-512, OAUTHBEARER (a token, a token file, and tokens from an OAuth client-
// credentials endpoint; Kafka's default validator takes unsecured JWTs), TLS with client
// certificates (ssl.client.auth=required) and SASL over TLS, each a listener of one real
// broker; and an application (group, transactions, changelogs, the command endpoint) on
// SASL_SSL. Runs under `npm run test:kafka` (it needs Java).
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KafkaAdmin } from "../../src/kafka/admin-client.js";
import { createKafkaClient } from "../../src/kafka/client.js";
import type { KafkaClientOptions } from "../../src/kafka/client.js";
import { IdempotentProducer } from "../../src/kafka/idempotent-producer.js";
import { partitionForKey } from "../../src/kafka/partitioner.js";
import { KafkaStreams } from "../../src/index.js";
import type { StreamsConfig } from "../../src/index.js";
import { startApacheKafka } from "../support/apache-kafka/index.js";
import type { ApacheKafka } from "../support/apache-kafka/index.js";
import { testKafkaSelection } from "../support/kafka-under-test/kafka-under-test.js";
import { DEFAULT_KAFKA_LINE } from "../support/apache-kafka/versions.js";
import { makeTestCertificates } from "../integration/support/certificates.js";
import type { TestCertificates } from "../integration/support/certificates.js";
import { eventually, silentLogger } from "../integration/support/kafka.js";
import { freePort } from "../integration/support/ports.js";
import { recordedLogger } from "../integration/support/recorded-logger.js";
import { ACCOUNT_COMMANDS, accountCommand, apiTestTopology, postJson } from "../api/support/cluster.js";

const selection = testKafkaSelection();
const line = selection.kind === "apache" ? selection.line : DEFAULT_KAFKA_LINE;

const USER = "alice";
const PASSWORD = "alice-secret";
const LOGIN = `org.apache.kafka.common.security`;

let certs: TestCertificates;
let kafka: ApacheKafka;
let dir: string;
let tokenEndpoint: Server;
let tokenRequests = 0;
const ports = { sasl: 0, ssl: 0, saslSsl: 0 };

/** An unsecured JWS, which Kafka's default OAUTHBEARER validator accepts (alg none, sub and exp). */
function unsecuredJwt(subject: string): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: "none" })}.${part({ sub: subject, iat: now, exp: now + 3600 })}.`;
}

beforeAll(async () => {
  certs = await makeTestCertificates();
  dir = await mkdtemp(join(tmpdir(), "eddy-kafka-security-"));
  // Kafka's PEM keystore: the private key, then the certificate chain, in one file.
  const keystore = join(dir, "broker-keystore.pem");
  await writeFile(keystore, `${await certs.read(certs.server.key)}${await certs.read(certs.server.cert)}`);
  ports.sasl = await freePort();
  ports.ssl = await freePort();
  ports.saslSsl = await freePort();
  const scram = (mechanism: string) => `${mechanism}=[name=${USER},password=${PASSWORD}]`;
  kafka = await startApacheKafka({
    line,
    scram: [scram("SCRAM-SHA-256"), scram("SCRAM-SHA-512")],
    config: (node) => ({
      listeners: [
        `PLAINTEXT://127.0.0.1:${node.port}`,
        `CONTROLLER://127.0.0.1:${node.controllerPort}`,
        `SASL_PLAINTEXT://127.0.0.1:${ports.sasl}`,
        `SSL://127.0.0.1:${ports.ssl}`,
        `SASL_SSL://127.0.0.1:${ports.saslSsl}`,
      ].join(","),
      "advertised.listeners": [
        `PLAINTEXT://127.0.0.1:${node.port}`,
        `SASL_PLAINTEXT://127.0.0.1:${ports.sasl}`,
        `SSL://127.0.0.1:${ports.ssl}`,
        `SASL_SSL://127.0.0.1:${ports.saslSsl}`,
      ].join(","),
      "listener.security.protocol.map":
        "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL",
      "sasl.enabled.mechanisms": "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512,OAUTHBEARER",
      "listener.name.sasl_plaintext.plain.sasl.jaas.config": `${LOGIN}.plain.PlainLoginModule required user_${USER}="${PASSWORD}";`,
      "listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config": `${LOGIN}.scram.ScramLoginModule required;`,
      "listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config": `${LOGIN}.scram.ScramLoginModule required;`,
      "listener.name.sasl_plaintext.oauthbearer.sasl.jaas.config": `${LOGIN}.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="broker";`,
      "listener.name.sasl_ssl.sasl.enabled.mechanisms": "SCRAM-SHA-512",
      "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config": `${LOGIN}.scram.ScramLoginModule required;`,
      "ssl.keystore.type": "PEM",
      "ssl.keystore.location": keystore,
      "ssl.truststore.type": "PEM",
      "ssl.truststore.location": certs.ca,
      "listener.name.ssl.ssl.client.auth": "required",
    }),
  });
  // An OAuth 2 token endpoint: client credentials in, an unsecured JWT out.
  tokenEndpoint = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      tokenRequests += 1;
      const expected = `Basic ${Buffer.from("eddy-app:app-secret").toString("base64")}`;
      const ok = request.headers.authorization === expected && body.includes("grant_type=client_credentials");
      response.statusCode = ok ? 200 : 401;
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify(ok ? { access_token: unsecuredJwt("eddy-app"), expires_in: 3600 } : {}));
    });
  });
  await new Promise<void>((resolve) => tokenEndpoint.listen(0, "127.0.0.1", resolve));
}, 300_000);

afterAll(async () => {
  await kafka?.stop({ kill: true });
  await new Promise<void>((resolve) => (tokenEndpoint ? tokenEndpoint.close(() => resolve()) : resolve()));
  await certs?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

type Security = Pick<KafkaClientOptions, "ssl" | "sasl">;

/** Creates a topic and writes a record through the listener, as the application's clients would. */
async function roundTrip(port: number, security: Security, topic: string): Promise<void> {
  const client = createKafkaClient({
    clientId: `security-${topic}`,
    brokers: [`127.0.0.1:${port}`],
    logger: silentLogger,
    retry: { retries: 2 },
    ...security,
  });
  const admin = new KafkaAdmin(client, silentLogger);
  await admin.connect();
  try {
    await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1, configs: {} }]);
    const producer = new IdempotentProducer(client);
    await producer.connect();
    const [written] = await producer.send([
      { topic, partition: 0, key: Buffer.from("k"), value: Buffer.from("v"), headers: [], timestamp: Date.now() },
    ]);
    await producer.close();
    expect(written?.baseOffset).toBe(0);
  } finally {
    await admin.close();
  }
}

async function refused(port: number, security: Security): Promise<Error> {
  const client = createKafkaClient({
    clientId: "security-refused",
    brokers: [`127.0.0.1:${port}`],
    logger: silentLogger,
    retry: { retries: 0 },
    ...security,
  });
  const admin = new KafkaAdmin(client, silentLogger);
  const error = await admin.connect().then(
    () => undefined,
    (caught: unknown) => caught as Error,
  );
  await admin.close().catch(() => undefined);
  if (error === undefined) throw new Error("connected, though it should have been refused");
  return error;
}

const tls = () => ({ ca: certs.ca, cert: certs.client.cert, key: certs.client.key });

describe(`Eddy's Kafka clients on Apache Kafka (${line}) with authentication and TLS`, () => {
  it("authenticate with SASL PLAIN, and fail at once with a wrong password", async () => {
    await roundTrip(ports.sasl, { sasl: { mechanism: "plain", username: USER, password: PASSWORD } }, "plain");
    const error = await refused(ports.sasl, { sasl: { mechanism: "plain", username: USER, password: "wrong" } });
    expect(error.message).toMatch(/SASL PLAIN authentication failed/);
  });

  it("authenticate with SCRAM-SHA-256 and SCRAM-SHA-512", async () => {
    await roundTrip(
      ports.sasl,
      { sasl: { mechanism: "scram-sha-256", username: USER, password: PASSWORD } },
      "scram-256",
    );
    await roundTrip(
      ports.sasl,
      { sasl: { mechanism: "scram-sha-512", username: USER, password: PASSWORD } },
      "scram-512",
    );
    const error = await refused(ports.sasl, {
      sasl: { mechanism: "scram-sha-512", username: USER, password: "wrong" },
    });
    expect(error.message).toMatch(/SASL SCRAM SHA512 authentication failed/);
  });

  it("authenticate with OAUTHBEARER: a token, a token file, and tokens of a client-credentials endpoint", async () => {
    await roundTrip(ports.sasl, { sasl: { mechanism: "oauthbearer", token: unsecuredJwt("eddy") } }, "oauth-token");
    const tokenFile = join(dir, "token");
    await writeFile(tokenFile, `${unsecuredJwt("eddy")}\n`);
    await roundTrip(ports.sasl, { sasl: { mechanism: "oauthbearer", tokenFile } }, "oauth-file");
    const url = `http://127.0.0.1:${(tokenEndpoint.address() as AddressInfo).port}/token`;
    const before = tokenRequests;
    await roundTrip(
      ports.sasl,
      { sasl: { mechanism: "oauthbearer", tokenEndpointUrl: url, clientId: "eddy-app", clientSecret: "app-secret" } },
      "oauth-endpoint",
    );
    expect(tokenRequests).toBeGreaterThan(before);
  });

  it("connect over TLS with a client certificate the broker requires, and not without one", async () => {
    await roundTrip(ports.ssl, { ssl: tls() }, "tls");
    const error = await refused(ports.ssl, { ssl: { ca: certs.ca } });
    expect(error.message).toMatch(
      /TLS to the broker failed .*set ssl\.cert and ssl\.key|Closed connection|certificate/,
    );
  });

  it("authenticate with SCRAM over TLS", async () => {
    await roundTrip(
      ports.saslSsl,
      { ssl: { ca: certs.ca }, sasl: { mechanism: "scram-sha-512", username: USER, password: PASSWORD } },
      "scram-tls",
    );
  });

  it("run an application on SASL_SSL: group, transactions, changelogs and the command endpoint", async () => {
    const security = {
      ssl: { ca: certs.ca },
      sasl: { mechanism: "scram-sha-512" as const, username: USER, password: PASSWORD },
    };
    const client = createKafkaClient({
      clientId: "security-app-setup",
      brokers: [`127.0.0.1:${ports.saslSsl}`],
      logger: silentLogger,
      ...security,
    });
    const admin = new KafkaAdmin(client, silentLogger);
    await admin.connect();
    await admin.createTopics(
      ["visits", ACCOUNT_COMMANDS, "account-events"].map((name) => ({
        name,
        partitions: 2,
        replicationFactor: 1,
        configs: {},
      })),
    );
    await admin.close();
    const port = await freePort();
    const config: StreamsConfig = {
      applicationId: "security-app",
      bootstrapServers: `127.0.0.1:${ports.saslSsl}`,
      stateDir: join(dir, "state"),
      commitIntervalMs: 100,
      applicationServer: `127.0.0.1:${port}`,
      sessionTimeoutMs: 10_000,
      heartbeatIntervalMs: 1_000,
      ...security,
    };
    const recorded = recordedLogger();
    const streams = new KafkaStreams(apiTestTopology(), config, {
      logger: recorded.logger,
      api: { commands: [{ topic: ACCOUNT_COMMANDS, schema: accountCommand }] },
    });
    await streams.start();
    try {
      const producer = new IdempotentProducer(client);
      await producer.connect();
      const key = Buffer.from("secure");
      await producer.send([
        {
          topic: "visits",
          partition: partitionForKey(key, 2),
          key,
          value: Buffer.from("v"),
          headers: [],
          timestamp: 1,
        },
      ]);
      await producer.close();
      const count = await eventually(
        async () => {
          const response = await fetch(`http://127.0.0.1:${port}/stores/visit-counts/keys/secure`);
          return response.status === 200 ? ((await response.json()) as { value: number }).value : undefined;
        },
        90_000,
        "the visit counted on SASL_SSL",
        () => streams.fatalError,
      ).catch((error: unknown) => {
        // Say what the instance was doing: a timeout alone tells nothing on a busy machine.
        throw new Error(
          `${String(error)}; the instance is ${streams.state()}; its last lines:\n${recorded.lines().join("\n")}`,
        );
      });
      expect(count).toBe(1);
      const reply = await postJson(`http://127.0.0.1:${port}/commands/${ACCOUNT_COMMANDS}?key=acc-1&timeoutMs=30000`, {
        type: "open",
        owner: "Ada",
      });
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    } finally {
      await streams.close({ timeout: 30_000 });
    }
  });
});
