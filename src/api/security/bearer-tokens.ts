// Who sent a request: the bearer token of its Authorization header, looked up among
// the configured tokens in constant time. Each presented token is hashed (SHA-256), and
// its digest compared with every configured token's digest with timingSafeEqual, with
// no early exit: neither the length nor the first differing byte of a secret leaks
// through the time an answer takes. Tokens are never logged; a principal carries its
// name only.
import { createHash, timingSafeEqual } from "node:crypto";
import type { ApiScope } from "../../config/api-config.js";

export interface Principal {
  /** The token's name; "peer" for another instance; "anonymous" when the API has no tokens. */
  readonly name: string;
  readonly kind: "token" | "peer" | "anonymous";
  readonly scopes: ReadonlySet<ApiScope>;
  /** This token's own rate limit, if it has one. */
  readonly rateLimit: number | undefined;
}

export interface BearerToken {
  readonly name: string;
  readonly token: string;
  readonly scopes: readonly ApiScope[];
  readonly rateLimit?: number;
}

const ALL_SCOPES: ReadonlySet<ApiScope> = new Set<ApiScope>(["read", "command", "admin"]);
const PEER_SCOPES: ReadonlySet<ApiScope> = new Set<ApiScope>(["read"]);

/** What every request is when the API has no tokens: allowed everything authentication decides. */
export const ANONYMOUS: Principal = { name: "anonymous", kind: "anonymous", scopes: ALL_SCOPES, rateLimit: undefined };

export type Identification = Principal | "missing" | "malformed" | "invalid";

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

function digest(secret: string): Buffer {
  return createHash("sha256").update(secret, "utf8").digest();
}

export class BearerTokens {
  readonly #entries: Array<{ digest: Buffer; principal: Principal }>;

  /**
   * `peerToken` is what instances send each other: it may read (forwarded lookups and
   * scans, metadata), and nothing else.
   */
  constructor(tokens: readonly BearerToken[], peerToken: string | undefined) {
    this.#entries = tokens.map((token) => ({
      digest: digest(token.token),
      principal: {
        name: token.name,
        kind: "token",
        scopes: token.scopes.includes("admin") ? ALL_SCOPES : new Set(token.scopes),
        rateLimit: token.rateLimit,
      },
    }));
    if (peerToken !== undefined) {
      this.#entries.push({
        digest: digest(peerToken),
        principal: { name: "peer", kind: "peer", scopes: PEER_SCOPES, rateLimit: undefined },
      });
    }
  }

  /** False when no token is configured: the API is open (and listens on loopback by default). */
  get enabled(): boolean {
    return this.#entries.length > 0;
  }

  identify(authorization: string | undefined): Identification {
    if (!this.enabled) return ANONYMOUS;
    if (authorization === undefined || authorization === "") return "missing";
    const match = BEARER.exec(authorization);
    if (match === null) return "malformed";
    const presented = digest(match[1] ?? "");
    let found: Principal | undefined;
    for (const entry of this.#entries) {
      // Every entry is compared, whatever matched before.
      if (timingSafeEqual(presented, entry.digest) && found === undefined) found = entry.principal;
    }
    return found ?? "invalid";
  }
}
