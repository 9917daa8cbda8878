// HTTP calls from one instance to another (forwarded lookups, scan fan-out, metadata),
// over keep-alive connections: a forwarded lookup must cost one round trip, not a TCP
// handshake too. Every call carries the forwarding marker, so the instance that
// receives it answers from its own tasks and never forwards again, and this instance's
// peer token (apiPeerToken). Over TLS (apiTls), peers are called over HTTPS with this
// instance's certificate (mutual TLS), their certificates checked against the CA.
import { Agent, request } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { ApiTlsMaterial } from "./security/api-security.js";

/** Set on requests one instance sends another; its value is the sender's host:port. */
export const FORWARDED_HEADER = "x-eddy-forwarded-by";
/** On every answer: the host:port of the instance whose state answered. */
export const SERVED_BY_HEADER = "x-eddy-served-by";
/** On a scan request between instances: the tasks the receiver must scan, comma-separated. */
export const SCAN_TASKS_HEADER = "x-eddy-scan-tasks";

export interface PeerResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

export class PeerRequestError extends Error {
  constructor(host: string, reason: string, options?: ErrorOptions) {
    super(`instance ${host} did not answer: ${reason}`, options);
    this.name = "PeerRequestError";
  }
}

export interface PeerClientOptions {
  /** This instance's host:port (the forwarding marker's value). */
  readonly self: string | undefined;
  /** Path prefix the API is mounted under on every instance ("" at the root). */
  readonly prefix: string;
  readonly timeoutMs: number;
  /** Sent as Authorization: Bearer to other instances. */
  readonly token?: string | undefined;
  /** Call other instances over HTTPS, presenting this certificate and trusting this CA. */
  readonly tls?: ApiTlsMaterial | undefined;
}

const AGENT_OPTIONS = { keepAlive: true, maxSockets: 64, maxFreeSockets: 16, scheduling: "lifo" } as const;

export class PeerClient {
  readonly #agent: Agent;
  readonly #request: typeof request;
  readonly #authorization: Record<string, string>;

  constructor(private readonly options: PeerClientOptions) {
    const tls = options.tls;
    this.#agent =
      tls === undefined
        ? new Agent(AGENT_OPTIONS)
        : new HttpsAgent({
            ...AGENT_OPTIONS,
            cert: tls.cert,
            key: tls.key,
            ...(tls.passphrase === undefined ? {} : { passphrase: tls.passphrase }),
            ...(tls.ca === undefined ? {} : { ca: tls.ca }),
          });
    this.#request = tls === undefined ? request : (httpsRequest as typeof request);
    this.#authorization = options.token === undefined ? {} : { authorization: `Bearer ${options.token}` };
  }

  get timeoutMs(): number {
    return this.options.timeoutMs;
  }

  /** GET `path` (below the API prefix) on `host`; rejects with PeerRequestError when it cannot get an answer. */
  get(
    host: string,
    path: string,
    headers: Record<string, string> = {},
    timeoutMs = this.options.timeoutMs,
  ): Promise<PeerResponse> {
    const { hostname, port } = splitHostPort(host);
    return new Promise<PeerResponse>((resolve, reject) => {
      const req = this.#request(
        {
          agent: this.#agent,
          host: hostname,
          port,
          method: "GET",
          path: this.options.prefix + path,
          headers: {
            accept: "application/json",
            [FORWARDED_HEADER]: this.options.self ?? "unknown",
            ...this.#authorization,
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => {
            clearTimeout(timer);
            const status = res.statusCode ?? 502;
            // The client's request was admitted here: a refusal there is about this
            // instance's own credentials, which the client can do nothing about.
            if (status === 401 || status === 403 || status === 421) {
              reject(new PeerRequestError(host, peerRefusal(status, this.options.token !== undefined)));
              return;
            }
            resolve({
              statusCode: res.statusCode ?? 502,
              headers: res.headers,
              body: Buffer.concat(chunks).toString("utf8"),
            });
          });
          res.on("error", (error) => {
            clearTimeout(timer);
            reject(new PeerRequestError(host, error.message, { cause: error }));
          });
        },
      );
      const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      req.on("error", (error) => {
        clearTimeout(timer);
        reject(new PeerRequestError(host, error.message, { cause: error }));
      });
      req.end();
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

function peerRefusal(status: number, sentToken: boolean): string {
  if (status === 421)
    return "it refused this instance's Host header (421): add this instance's applicationServer to its apiAllowedHosts";
  if (!sentToken)
    return `it answered ${status} to a forwarded request without a token: give every instance the same apiPeerToken`;
  return `it answered ${status} to this instance's peer token: give every instance the same apiPeerToken`;
}

export function splitHostPort(hostPort: string): { hostname: string; port: number } {
  const colon = hostPort.lastIndexOf(":");
  const host = hostPort.slice(0, colon);
  // "[::1]:8080": brackets belong to the URL form, not to the address.
  const hostname = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  return { hostname, port: Number(hostPort.slice(colon + 1)) };
}
