// Test support: the embedded broker behind TLS. The broker speaks plaintext only (it is for
// development), so a TLS-terminating proxy sits in front of it on another loopback address
// and the same port, and the broker advertises that address: every connection a client
// makes, bootstrap and after Metadata, is TLS or fails. With `ca`, the proxy requires a
// client certificate that CA signed (Kafka's ssl.client.auth=required).
import { connect } from "node:net";
import type { Socket } from "node:net";
import { createServer } from "node:tls";
import type { TLSSocket } from "node:tls";
import { startBroker } from "../../../src/broker/index.js";
import type { RunningBroker } from "../../../src/broker/index.js";
import { silentLogger } from "./kafka.js";

/** The address clients reach the broker at: loopback, but not the address it listens on. */
export const TLS_HOST = "127.0.0.2";

export interface TlsBroker {
  readonly broker: RunningBroker;
  /** host:port of the TLS endpoint. */
  readonly bootstrap: string;
  /** TLS handshakes that failed (no client certificate, an unknown CA...). */
  readonly refused: () => number;
  close(): Promise<void>;
}

export async function startTlsBroker(tls: { cert: string; key: string; ca?: string }): Promise<TlsBroker> {
  const broker = await startBroker({
    port: 0,
    host: "127.0.0.1",
    advertisedHost: TLS_HOST,
    logger: silentLogger,
    groupMinSessionTimeoutMs: 1_000,
  });
  const port = Number(broker.bootstrap.split(":")[1]);
  const sockets = new Set<Socket>();
  let refused = 0;
  const server = createServer(
    {
      cert: tls.cert,
      key: tls.key,
      ...(tls.ca === undefined ? {} : { ca: tls.ca, requestCert: true, rejectUnauthorized: true }),
    },
    (client: TLSSocket) => {
      const upstream = connect(port, "127.0.0.1");
      sockets.add(client);
      sockets.add(upstream);
      client.pipe(upstream).pipe(client);
      const close = () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      client.on("error", close);
      upstream.on("error", close);
      client.on("close", close);
      upstream.on("close", close);
    },
  );
  server.on("tlsClientError", () => (refused += 1));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, TLS_HOST, () => resolve());
  });
  return {
    broker,
    bootstrap: `${TLS_HOST}:${port}`,
    refused: () => refused,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await broker.close();
    },
  };
}
