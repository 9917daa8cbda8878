// What keeps one client from holding the API: a request must arrive whole within
// apiRequestTimeoutMs (slow headers and slow bodies both), at most apiMaxConnections
// connections are served at once, and every answer carries the security headers.
import { connect } from "node:net";
import type { Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { apiSecurityFromConfig, startApiServer } from "../../../src/api/index.js";
import type { RunningApiServer } from "../../../src/api/index.js";
import { KafkaStreams } from "../../../src/index.js";
import type { StreamsConfig } from "../../../src/index.js";
import { silentLogger } from "../../integration/support/kafka.js";
import { ACCOUNT_COMMANDS, apiTestTopology } from "../support/cluster.js";

const servers: RunningApiServer[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(config: Partial<StreamsConfig>): Promise<RunningApiServer> {
  const streams = new KafkaStreams(
    apiTestTopology(),
    { applicationId: "limits", bootstrapServers: "127.0.0.1:9", ...config },
    { logger: silentLogger },
  );
  const resolved = streams.config;
  // Not kafka: streams.config, which would connect the command endpoint to a Kafka that is not there.
  const server = await startApiServer(streams, {
    topology: streams.topology,
    port: 0,
    security: apiSecurityFromConfig(resolved),
    requestTimeoutMs: resolved.apiRequestTimeoutMs,
    maxConnections: resolved.apiMaxConnections,
  });
  servers.push(server);
  return server;
}

interface Connection {
  readonly socket: Socket;
  /** Everything the server sent until it closed the connection, and when it closed it. */
  readonly closed: Promise<{ received: string; afterMs: number }>;
}

function open(port: number): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, "127.0.0.1");
    sockets.push(socket);
    let received = "";
    socket.on("data", (chunk: Buffer) => (received += chunk.toString()));
    const closed = new Promise<{ received: string; afterMs: number }>((done) =>
      socket.on("close", () => done({ received, afterMs: Date.now() - started })),
    );
    socket.on("error", () => undefined);
    socket.once("connect", () => resolve({ socket, closed }));
    socket.once("error", reject);
  });
}

describe("the API's limits", () => {
  it("answers 408 and closes the connection of a body that does not arrive in time", async () => {
    const server = await serve({ apiRequestTimeoutMs: 1_000 });
    const { socket, closed } = await open(server.port);
    socket.write(
      `POST /commands/${ACCOUNT_COMMANDS}?key=a HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"type":`,
    );
    const { received, afterMs } = await closed;
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(afterMs).toBeLessThan(5_000);
  });

  it("closes the connection of headers that do not arrive in time", async () => {
    const server = await serve({ apiRequestTimeoutMs: 1_000 });
    const { socket, closed } = await open(server.port);
    socket.write("GET /health HTTP/1.1\r\nhost: 127.0.0.1\r\n");
    const timer = setInterval(() => socket.write("x-slow: 1\r\n"), 200);
    const { afterMs } = await closed.finally(() => clearInterval(timer));
    expect(afterMs).toBeLessThan(5_000);
  });

  it("serves at most apiMaxConnections connections at once, and more once some close", async () => {
    const server = await serve({ apiMaxConnections: 3 });
    const held = await Promise.all([1, 2, 3].map(() => open(server.port)));
    for (const { socket } of held) socket.write("GET /health HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n");
    // Each of the three got its answer on a connection that stays open (keep-alive).
    await new Promise((resolve) => setTimeout(resolve, 300));
    const extra = await open(server.port);
    extra.socket.write("GET /health HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n");
    const refused = await extra.closed;
    expect(refused.received).toBe("");
    held[0]?.socket.destroy();
    await held[0]?.closed;
    const after = await fetch(`${server.url}/health`);
    expect(after.status).toBe(200);
  });

  it("sets the security headers on every answer: JSON, errors, pages, unknown routes", async () => {
    const server = await serve({
      apiTokens: [{ name: "reader", token: "limits-reader-token-0123", scopes: ["read"] }],
    });
    for (const [path, status] of [
      ["/health", 200],
      ["/stores", 401],
      ["/no-such-route", 404],
    ] as const) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).toBe(status);
      expect(response.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(response.headers.get("x-frame-options"), path).toBe("DENY");
      expect(response.headers.get("referrer-policy"), path).toBe("no-referrer");
      expect(response.headers.get("content-security-policy"), path).toMatch(/frame-ancestors 'none'/);
      expect(response.headers.get("content-security-policy"), path).not.toContain("upgrade-insecure-requests");
      // Over plain HTTP, HSTS would mean nothing.
      expect(response.headers.get("strict-transport-security"), path).toBeNull();
    }
    const page = await fetch(`${server.url}/topology`, {
      headers: { accept: "text/html", authorization: "Bearer limits-reader-token-0123" },
    });
    expect(page.headers.get("content-security-policy")).toMatch(/^default-src 'none'; script-src 'sha256-/);
    // A page gets what protects documents too; a JSON answer does not need it.
    expect(page.headers.get("cross-origin-opener-policy")).toBe("same-origin");
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    const json = await fetch(`${server.url}/health`);
    expect(json.headers.get("cross-origin-opener-policy")).toBeNull();
    expect(json.headers.get("cache-control")).toBe("no-store");
  });
});
