// What one connection may cost the broker: it is closed after connections.max.idle.ms with
// nothing in progress (a half-sent request included), connections beyond max.connections are
// turned away, and unanswered requests held for a connection stop at socket.request.max.bytes
// and are let go once answered.
import { once } from "node:events";
import { createServer, connect, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startBroker, type RunningBroker } from "../../src/broker/index.js";
import { Connection } from "../../src/broker/connection.js";
import { defineHandler, type Handler } from "../../src/broker/handlers/handler.js";
import { Api } from "../../src/broker/protocol/apis.js";
import { quietLogger } from "./support/quiet-logger.js";
import { RawClient } from "./support/raw-client.js";

/** Resolves true if the client's connection closes within `ms`, false otherwise. */
async function closesWithin(client: RawClient, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const closed = client.closed.then(() => true);
  const result = await Promise.race([closed, timeout]);
  clearTimeout(timer);
  return result;
}

async function apiVersions(client: RawClient): Promise<number> {
  return (await client.request(Api.apiVersions, 2, {})).errorCode;
}

describe("connection limits", () => {
  const cleanups: (() => Promise<void> | void)[] = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(options: Parameters<typeof startBroker>[0]): Promise<RunningBroker> {
    const broker = await startBroker({ logger: quietLogger(), ...options });
    cleanups.push(() => broker.close());
    return broker;
  }

  async function connectTo(broker: RunningBroker): Promise<RawClient> {
    const client = await RawClient.connect(broker.bootstrap);
    cleanups.push(() => client.close());
    return client;
  }

  it("closes a connection idle for connections.max.idle.ms, but not while a long-polling fetch waits", async () => {
    const broker = await start({ connectionsMaxIdleMs: 300 });
    const idle = await connectTo(broker);
    expect(await apiVersions(idle)).toBe(0);
    expect(await closesWithin(idle, 3000)).toBe(true);

    const polling = await connectTo(broker);
    await polling.request(Api.metadata, 4, { topics: [{ name: "quiet" }], allowAutoTopicCreation: true });
    const started = Date.now();
    const answer = await polling.request(Api.fetch, 11, {
      replicaId: -1,
      maxWaitMs: 1200,
      minBytes: 1,
      maxBytes: 1 << 20,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [
        {
          topic: "quiet",
          partitions: [
            { partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes: 1 << 20 },
          ],
        },
      ],
      forgottenTopicsData: [],
      rackId: "",
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(answer.responses[0]!.partitions[0]!.errorCode).toBe(0);
    expect(await closesWithin(polling, 3000)).toBe(true);
  });

  it("closes a connection that sent part of a large request and went silent", async () => {
    const broker = await start({ connectionsMaxIdleMs: 300 });
    const client = await connectTo(broker);
    const size = Buffer.alloc(4);
    size.writeInt32BE(50 * 1024 * 1024);
    client.writeRaw(Buffer.concat([size, Buffer.alloc(4 * 1024 * 1024)]));
    expect(await closesWithin(client, 3000)).toBe(true);
  });

  it("turns connections beyond max.connections away, and takes new ones as others close", async () => {
    const broker = await start({ maxConnections: 3 });
    const clients = [await connectTo(broker), await connectTo(broker), await connectTo(broker)];
    for (const client of clients) expect(await apiVersions(client)).toBe(0);
    const fourth = await connectTo(broker);
    expect(await closesWithin(fourth, 2000)).toBe(true);
    clients[0]!.close();
    await clients[0]!.closed;
    // The server counts the closed socket out once its close is processed.
    const deadline = Date.now() + 2000;
    for (;;) {
      const next = await connectTo(broker);
      const answered = await apiVersions(next).then(
        (code) => code === 0,
        () => false,
      );
      if (answered) break;
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
});

describe("a connection's buffers", () => {
  let server: Server | undefined;
  let cleanup = () => undefined as void;
  afterEach(async () => {
    cleanup();
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
  });

  it("hold at most socket.request.max.bytes of unanswered requests, and nothing once they are answered", async () => {
    const maxRequestBytes = 256 * 1024;
    let release: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => (release = resolve));
    // ApiVersions that answers only when released: the first request holds the connection.
    const slow: Handler = defineHandler(Api.apiVersions, async () => {
      await answered;
      return { errorCode: 0, apiKeys: [], throttleTimeMs: 0 };
    }) as unknown as Handler;
    let connection: Connection | undefined;
    server = createServer((socket: Socket) => {
      connection = new Connection({
        id: 1,
        socket,
        handlers: new Map([[Api.apiVersions.spec.apiKey, slow]]),
        maxRequestBytes,
        idleTimeoutMs: 60_000,
        logger: quietLogger(),
      });
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const address = server.address() as { port: number };
    const socket = connect({ host: "127.0.0.1", port: address.port });
    await once(socket, "connect");
    cleanup = () => socket.destroy();
    // 64 ApiVersions v2 requests of 200 KiB each (bytes after the empty body): 12.5 MiB in all.
    const frame = (correlationId: number) => {
      const padding = Buffer.alloc(200 * 1024);
      const header = Buffer.alloc(4 + 2 + 2 + 4 + 2);
      header.writeInt32BE(2 + 2 + 4 + 2 + padding.length, 0);
      header.writeInt16BE(18, 4);
      header.writeInt16BE(2, 6);
      header.writeInt32BE(correlationId, 8);
      header.writeInt16BE(-1, 12);
      return Buffer.concat([header, padding]);
    };
    let responses = 0;
    socket.on("data", () => undefined);
    const frames = Array.from({ length: 64 }, (_, i) => frame(i + 1));
    for (const bytes of frames) socket.write(bytes);
    // Give the broker side every chance to read what the client sent.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(connection!.heldBytes).toBeGreaterThan(0);
    // At most the limit, plus the socket read that crossed it.
    expect(connection!.heldBytes).toBeLessThanOrEqual(maxRequestBytes + 256 * 1024);
    socket.on("data", (chunk: Buffer) => (responses += chunk.length));
    release();
    const deadline = Date.now() + 10_000;
    while (connection!.heldBytes > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(connection!.heldBytes).toBe(0);
    expect(responses).toBeGreaterThan(0);
  });
});
