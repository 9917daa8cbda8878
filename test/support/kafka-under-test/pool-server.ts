// The pool's door for test files, which run in other processes than the global setup: a
// loopback HTTP server answering POST /lease with a broker and POST /release?id= once the
// file is done with it.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { ApacheKafkaPool } from "./broker-pool.js";

export interface PoolServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function servePool(pool: ApacheKafkaPool): Promise<PoolServer> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://pool");
    const answer = (status: number, body?: unknown) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(body === undefined ? undefined : JSON.stringify(body));
    };
    if (request.method === "POST" && url.pathname === "/lease") {
      pool.lease().then(
        (lease) => answer(200, lease),
        (error: unknown) => answer(500, { error: error instanceof Error ? error.message : String(error) }),
      );
    } else if (request.method === "POST" && url.pathname === "/release") {
      pool.release(url.searchParams.get("id") ?? "").then(
        () => answer(204),
        (error: unknown) => answer(500, { error: String(error) }),
      );
    } else answer(404, { error: `no route ${request.method} ${url.pathname}` });
  });
  // A lease may wait for a JVM to start on a busy machine.
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
