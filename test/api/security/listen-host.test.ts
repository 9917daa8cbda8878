// Where an API without tokens listens: loopback, unless told otherwise, whatever name it
// advertises; told to listen beyond loopback, it does, and says once per process that
// anyone who reaches it may use it.
import { Writable } from "node:stream";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { startApiServer } from "../../../src/api/index.js";
import type { RunningApiServer } from "../../../src/api/index.js";
import { KafkaStreams } from "../../../src/index.js";
import type { StreamsConfig } from "../../../src/index.js";
import { silentLogger } from "../../integration/support/kafka.js";
import { freePort } from "../../integration/support/ports.js";
import { apiTestTopology } from "../support/cluster.js";

const servers: RunningApiServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function capture(): { logger: pino.Logger; warnings: () => string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return {
    logger: pino({ level: "warn" }, sink),
    warnings: () => lines.map((line) => (JSON.parse(line) as { msg: string }).msg),
  };
}

async function serve(config: Partial<StreamsConfig>, host: string | undefined, logger: pino.Logger) {
  const streams = new KafkaStreams(
    apiTestTopology(),
    { applicationId: "listen", bootstrapServers: "127.0.0.1:9", ...config },
    { logger: silentLogger },
  );
  const server = await startApiServer(streams, {
    topology: streams.topology,
    logger,
    security: { tokens: streams.config.apiTokens },
    ...(host === undefined ? {} : { host }),
    ...(config.applicationServer === undefined ? { port: 0 } : {}),
  });
  servers.push(server);
  return server;
}

describe("an API without tokens", () => {
  it("listens on loopback although it advertises another name, and says why", async () => {
    const { logger, warnings } = capture();
    const port = await freePort();
    const server = await serve({ applicationServer: `eddy-1.example:${port}` }, undefined, logger);
    expect(server.url).toBe(`http://127.0.0.1:${port}`);
    expect(warnings()).toEqual([expect.stringMatching(/no apiTokens, so it listens on 127\.0\.0\.1 only/)]);
  });

  it("listens where it is told, and warns once per process that it is open", async () => {
    const { logger, warnings } = capture();
    const first = await serve({}, "0.0.0.0", logger);
    const second = await serve({}, "0.0.0.0", logger);
    expect(first.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
    expect((await fetch(`http://127.0.0.1:${second.port}/health`)).status).toBe(200);
    const open = warnings().filter((message) => message.includes("listens beyond loopback with no apiTokens"));
    expect(open).toHaveLength(1);
  });

  it("with tokens, listens on the host it advertises and warns about nothing", async () => {
    const { logger, warnings } = capture();
    const port = await freePort();
    const server = await serve(
      {
        applicationServer: `127.0.0.1:${port}`,
        apiTokens: [{ name: "t", token: "a-token-of-sixteen-chars", scopes: ["read"] }],
      },
      undefined,
      logger,
    );
    expect(server.url).toBe(`http://127.0.0.1:${port}`);
    expect((await fetch(`${server.url}/stores`)).status).toBe(401);
    expect(warnings()).toEqual([]);
  });
});
