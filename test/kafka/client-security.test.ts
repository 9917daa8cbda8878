// The Kafka clients over TLS: the brokers' certificate checked against the configured CA,
// the client's certificate presented when the broker requires one (mutual TLS), files or
// PEM text. The embedded broker sits behind a TLS-terminating endpoint that it advertises
// (tls-proxy.ts), so every connection, bootstrap and after, is TLS. SASL needs a broker
// that speaks it: test/apache-kafka/client-security.test.ts (npm run test:kafka).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KafkaAdmin } from "../../src/kafka/admin-client.js";
import { createKafkaClient } from "../../src/kafka/client.js";
import type { KafkaClientOptions } from "../../src/kafka/client.js";
import { kafkajsSasl } from "../../src/kafka/client-security.js";
import { KafkaSecurityError } from "../../src/kafka/errors.js";
import { IdempotentProducer } from "../../src/kafka/idempotent-producer.js";
import { partitionForKey } from "../../src/kafka/partitioner.js";
import { KafkaStreams } from "../../src/index.js";
import { makeTestCertificates } from "../integration/support/certificates.js";
import type { TestCertificates } from "../integration/support/certificates.js";
import { eventually, silentLogger } from "../integration/support/kafka.js";
import { startTlsBroker } from "../integration/support/tls-proxy.js";
import type { TlsBroker } from "../integration/support/tls-proxy.js";
import { ACCOUNT_COMMANDS, accountCommand, apiTestTopology, postJson } from "../api/support/cluster.js";
import { freePort } from "../integration/support/ports.js";

let certs: TestCertificates;
let tls: TlsBroker;
let stateDir: string;

beforeAll(async () => {
  certs = await makeTestCertificates();
  tls = await startTlsBroker({
    cert: await certs.read(certs.server.cert),
    key: await certs.read(certs.server.key),
    ca: await certs.read(certs.ca),
  });
  stateDir = await mkdtemp(join(tmpdir(), "eddy-kafka-tls-"));
});

afterAll(async () => {
  await tls?.close();
  await certs?.close();
  if (stateDir !== undefined) await rm(stateDir, { recursive: true, force: true });
});

function client(ssl: KafkaClientOptions["ssl"]) {
  return createKafkaClient({
    clientId: "tls-test",
    brokers: [tls.bootstrap],
    ssl,
    logger: silentLogger,
    connectionTimeoutMs: 2_000,
    retry: { retries: 0 },
  });
}

async function connects(ssl: KafkaClientOptions["ssl"]): Promise<boolean> {
  const admin = client(ssl).admin();
  try {
    await admin.connect();
    await admin.listTopics();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** What the runtime's admin client fails with (it retries outages, never certificate problems). */
async function failure(ssl: KafkaClientOptions["ssl"]): Promise<Error | undefined> {
  const admin = new KafkaAdmin(client(ssl), silentLogger);
  try {
    await admin.connect();
    return undefined;
  } catch (error) {
    return error as Error;
  } finally {
    await admin.close().catch(() => undefined);
  }
}

describe("Kafka clients over TLS", () => {
  it("connect with the CA and a client certificate, as files or as PEM text", async () => {
    const files = { ca: certs.ca, cert: certs.client.cert, key: certs.client.key };
    expect(await connects(files)).toBe(true);
    const text = {
      ca: await certs.read(certs.ca),
      cert: await certs.read(certs.client.cert),
      key: await certs.read(certs.client.key),
    };
    expect(await connects(text)).toBe(true);
  });

  it("do not connect in plaintext, without a client certificate, or trusting the wrong CA", async () => {
    const before = tls.refused();
    expect(await connects(false)).toBe(false);
    expect(await connects({ ca: certs.ca })).toBe(false);
    // The system's CAs did not sign the broker's certificate.
    expect(await connects({ cert: certs.client.cert, key: certs.client.key })).toBe(false);
    expect(tls.refused()).toBeGreaterThan(before);
  });

  it("fail at once on a certificate problem, saying which setting to change, instead of retrying", async () => {
    const untrusted = await failure({ cert: certs.client.cert, key: certs.client.key });
    expect(untrusted).toBeInstanceOf(KafkaSecurityError);
    expect(untrusted?.message).toMatch(/SELF_SIGNED_CERT_IN_CHAIN.*set ssl\.ca \(EDDY_SSL_CA\)/);
    const anonymous = await failure({ ca: certs.ca });
    expect(anonymous).toBeInstanceOf(KafkaSecurityError);
    expect(anonymous?.message).toMatch(/refused this client's certificate: set ssl\.cert and ssl\.key/);
  });

  it("run an application: topics, group, transactions, changelogs and commands over TLS", async () => {
    const ssl = { ca: certs.ca, cert: certs.client.cert, key: certs.client.key };
    const kafka = client(ssl);
    const admin = new KafkaAdmin(kafka, silentLogger);
    await admin.connect();
    await admin.createTopics(
      ["visits", "account-commands", "account-events"].map((name) => ({
        name,
        partitions: 2,
        replicationFactor: 1,
        configs: {},
      })),
    );
    await admin.close();
    const port = await freePort();
    const streams = new KafkaStreams(
      apiTestTopology(),
      {
        applicationId: "tls-app",
        bootstrapServers: tls.bootstrap,
        stateDir,
        commitIntervalMs: 50,
        applicationServer: `127.0.0.1:${port}`,
        ssl,
      },
      { logger: silentLogger, api: { commands: [{ topic: ACCOUNT_COMMANDS, schema: accountCommand }] } },
    );
    await streams.start();
    try {
      const producer = new IdempotentProducer(client(ssl));
      await producer.connect();
      const key = Buffer.from("tls");
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
          if (!streams.isReady()) return undefined;
          const metadata = streams.queryMetadataForKey("visit-counts", "tls");
          const value = await streams.store<string, bigint | number>("visit-counts", metadata.taskId).get("tls");
          return value === undefined || value === null ? undefined : Number(value);
        },
        30_000,
        "the visit counted over TLS",
        () => streams.fatalError,
      );
      expect(count).toBe(1);
      // The command endpoint's own producer and reply consumer connect over TLS too.
      const reply = await postJson(`http://127.0.0.1:${port}/commands/${ACCOUNT_COMMANDS}?key=acc-tls`, {
        type: "open",
        owner: "Ada",
      });
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      expect(reply.body).toMatchObject({ status: "accepted", reply: { balance: 0 } });
    } finally {
      await streams.close({ timeout: 20_000 });
    }
  });
});

describe("SASL OAUTHBEARER token providers", () => {
  it("get a token by the client-credentials grant, with HTTP Basic client authentication, and reuse it until near expiry", async () => {
    const requests: Array<{ authorization: string | undefined; body: string }> = [];
    const server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        requests.push({ authorization: request.headers.authorization, body });
        response.setHeader("content-type", "application/json");
        response.end(
          JSON.stringify({ access_token: `token-${requests.length}`, token_type: "bearer", expires_in: 3600 }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
      const sasl = kafkajsSasl({
        mechanism: "oauthbearer",
        tokenEndpointUrl: url,
        clientId: "eddy app",
        clientSecret: "s3cr:t",
        scope: "kafka",
      }) as { oauthBearerProvider: () => Promise<{ value: string }> };
      const tokens = await Promise.all([sasl.oauthBearerProvider(), sasl.oauthBearerProvider()]);
      expect(tokens).toEqual([{ value: "token-1" }, { value: "token-1" }]);
      expect(await sasl.oauthBearerProvider()).toEqual({ value: "token-1" });
      expect(requests).toHaveLength(1);
      expect(requests[0]?.authorization).toBe(
        `Basic ${Buffer.from(`${encodeURIComponent("eddy app")}:${encodeURIComponent("s3cr:t")}`).toString("base64")}`,
      );
      expect(new URLSearchParams(requests[0]?.body)).toEqual(
        new URLSearchParams({ grant_type: "client_credentials", scope: "kafka" }),
      );
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("say which setting failed when the token endpoint refuses", async () => {
    const server = createServer((_request, response) => {
      response.statusCode = 401;
      response.end("{}");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
      const sasl = kafkajsSasl({
        mechanism: "oauthbearer",
        tokenEndpointUrl: url,
        clientId: "eddy",
        clientSecret: "wrong",
      }) as { oauthBearerProvider: () => Promise<{ value: string }> };
      await expect(sasl.oauthBearerProvider()).rejects.toThrow(/sasl\.tokenEndpointUrl: .* answered 401/);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
