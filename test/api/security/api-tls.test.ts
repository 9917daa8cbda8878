// The API over TLS (apiTls): HTTPS only; with a CA, mutual TLS (a client without a
// certificate that CA signed cannot connect); instances forward to each other over HTTPS,
// presenting their own certificate. A bad file fails at start naming the field.
import { request } from "node:https";
import type { RequestOptions } from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/index.js";
import { KafkaStreams } from "../../../src/index.js";
import { partitionForKey } from "../../../src/kafka/partitioner.js";
import { makeTestCertificates } from "../../integration/support/certificates.js";
import type { TestCertificates } from "../../integration/support/certificates.js";
import { eventually, produce } from "../../integration/support/kafka.js";
import { PARTITIONS, VISIT_COUNTS, VISITS, apiTestTopology, settled, startApiTestCluster } from "../support/cluster.js";
import type { ApiTestCluster, Instance } from "../support/cluster.js";

const READER = "tls-reader-token-0123456789";

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

function get(url: string, options: RequestOptions): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ...options, headers: { authorization: `Bearer ${READER}` } }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the API over mutual TLS", () => {
  let certs: TestCertificates;
  let api: ApiTestCluster;
  let a: Instance;
  let b: Instance;
  let trusted: RequestOptions;

  beforeAll(async () => {
    certs = await makeTestCertificates();
    api = await startApiTestCluster("api-tls");
    const secured = {
      apiTokens: [{ name: "reader", token: READER, scopes: ["read" as const] }],
      apiPeerToken: "tls-peer-token-0123456789",
      apiTls: { cert: certs.server.cert, key: certs.server.key, ca: certs.ca },
    };
    a = await api.start("a", secured);
    b = await api.start("b", secured);
    await settled([a, b], 2 * PARTITIONS);
    trusted = {
      ca: await certs.read(certs.ca),
      cert: await certs.read(certs.client.cert),
      key: await certs.read(certs.client.key),
    };
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    await certs?.close();
  });

  it("serves HTTPS to clients with a certificate the CA signed, with Strict-Transport-Security", async () => {
    expect(a.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const answer = await get(`${a.url}/stores`, trusted);
    expect(answer.status).toBe(200);
    expect(answer.headers["strict-transport-security"]).toMatch(/max-age=\d+/);
  });

  it("refuses clients without a certificate, with one another CA signed, and plain HTTP", async () => {
    const { ca } = trusted;
    await expect(get(`${a.url}/health`, { ca })).rejects.toThrow();
    const stranger = { ca, cert: await certs.read(certs.stranger.cert), key: await certs.read(certs.stranger.key) };
    await expect(get(`${a.url}/health`, stranger)).rejects.toThrow();
    await expect(fetch(`${a.url.replace("https:", "http:")}/health`)).rejects.toThrow();
  });

  it("forwards a lookup to the owner over HTTPS with the instance's own certificate", async () => {
    let key = "";
    for (let i = 0; key === ""; i += 1) {
      if (a.streams.queryMetadataForKey(VISIT_COUNTS, `t${i}`).activeHost === b.host) key = `t${i}`;
    }
    await produce(api.cluster.kafka, VISITS, [
      { partition: partitionForKey(Buffer.from(key), PARTITIONS), key, value: "v" },
    ]);
    const answer = await eventually(
      async () => {
        const response = await get(`${a.url}/stores/${VISIT_COUNTS}/keys/${key}`, trusted);
        return response.status === 200 ? response : undefined;
      },
      30_000,
      "the forwarded lookup",
    );
    expect(answer.headers["x-eddy-served-by"]).toBe(b.host);
    expect(JSON.parse(answer.body)).toMatchObject({ key, value: 1 });
  });

  it("fails at construction naming the field of a certificate file that cannot be read", () => {
    const build = () =>
      new KafkaStreams(apiTestTopology(), {
        applicationId: "tls",
        bootstrapServers: "127.0.0.1:9",
        apiTls: { cert: `${certs.dir}/missing.pem`, key: certs.server.key },
      });
    expect(build).toThrow(ConfigError);
    expect(build).toThrow(/apiTls\.cert: cannot read the file .*missing\.pem \(ENOENT\)/);
  });
});
