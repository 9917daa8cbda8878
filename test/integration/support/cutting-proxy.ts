// Test support: the embedded broker behind a plain TCP proxy that can break a connection
// at a chosen request, as a broker restart or a network fault would in the middle of it.
// The broker listens on 127.0.0.1 and advertises the proxy's loopback address with the same
// port, so every connection a client makes, bootstrap and after Metadata, goes through it.
import { connect, createServer } from "node:net";
import type { Socket } from "node:net";
import { startBroker } from "../../../src/broker/index.js";
import type { RunningBroker } from "../../../src/broker/index.js";
import { silentLogger } from "./kafka.js";

const PROXY_HOST = "127.0.0.3";

export interface CuttingBroker {
  readonly broker: RunningBroker;
  /** host:port of the proxy. */
  readonly bootstrap: string;
  /** Resolves once the next request with this API key is cut: its connection is closed before the broker sees it. */
  cutAt(apiKey: number): Promise<void>;
  close(): Promise<void>;
}

export async function startCuttingBroker(): Promise<CuttingBroker> {
  const broker = await startBroker({
    port: 0,
    host: "127.0.0.1",
    advertisedHost: PROXY_HOST,
    logger: silentLogger,
    groupMinSessionTimeoutMs: 1_000,
  });
  const port = Number(broker.bootstrap.split(":")[1]);
  const sockets = new Set<Socket>();
  let armed: { apiKey: number; cut: () => void } | undefined;
  const server = createServer((client) => {
    const upstream = connect(port, "127.0.0.1");
    sockets.add(client);
    sockets.add(upstream);
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    // Requests are forwarded whole, one frame (a 4-byte size, then the request) at a time.
    let pending = Buffer.alloc(0);
    client.on("data", (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 6) {
        const size = pending.readInt32BE(0);
        if (pending.length < 4 + size) break;
        const frame = pending.subarray(0, 4 + size);
        pending = pending.subarray(4 + size);
        if (armed !== undefined && frame.readInt16BE(4) === armed.apiKey) {
          const { cut } = armed;
          armed = undefined;
          close();
          cut();
          return;
        }
        upstream.write(frame);
      }
    });
    upstream.pipe(client);
    client.on("error", close);
    upstream.on("error", close);
    client.on("close", close);
    upstream.on("close", close);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, PROXY_HOST, () => resolve());
  });
  return {
    broker,
    bootstrap: `${PROXY_HOST}:${port}`,
    cutAt: (apiKey) => new Promise<void>((resolve) => (armed = { apiKey, cut: resolve })),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await broker.close();
    },
  };
}
