// The demo's API tokens. Configured ones (EDDY_API_TOKENS, with EDDY_API_TOKEN as the
// token the demo's own web routes and traffic use, as docker-compose.yml sets them) are
// used as they are. Otherwise the demo makes its own the first time, keeps them in
// <stateDir>/api-tokens.json (readable by this user only) so that a second instance and
// later runs share them, and prints the user's one in the banner.
import { randomBytes } from "node:crypto";
import { link, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { StreamsConfig } from "eddy-streams";

export interface DemoTokens {
  /** What the demo's web routes and traffic send to the Eddy APIs. */
  readonly client: string;
  /** Shown in the banner (the demo made it); undefined when the tokens came from the environment. */
  readonly shown: string | undefined;
  /** Config fields every example gets; empty when the environment configures them. */
  readonly config: Pick<StreamsConfig, "apiTokens" | "apiPeerToken">;
}

interface TokenFile {
  readonly user: string;
  readonly web: string;
  readonly peer: string;
}

const FILE = "api-tokens.json";

function token(): string {
  return randomBytes(24).toString("base64url");
}

function isTokenFile(value: unknown): value is TokenFile {
  const file = value as Partial<TokenFile> | null;
  return (
    typeof file === "object" &&
    file !== null &&
    [file.user, file.web, file.peer].every((t) => typeof t === "string" && t.length >= 16)
  );
}

async function readTokenFile(path: string): Promise<TokenFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const parsed = JSON.parse(text) as unknown;
  if (!isTokenFile(parsed))
    throw new Error(`${path} is not the demo's token file: delete it, and the demo makes new tokens`);
  return parsed;
}

export async function demoTokens(
  env: Readonly<Record<string, string | undefined>>,
  stateDir: string,
): Promise<DemoTokens> {
  const configured = env.EDDY_API_TOKENS ?? "";
  if (configured !== "") {
    const client = env.EDDY_API_TOKEN ?? "";
    if (client === "")
      throw new Error(
        "EDDY_API_TOKENS is set, so the demo's web routes need a token of theirs with the read and command scopes: set EDDY_API_TOKEN",
      );
    return { client, shown: undefined, config: {} };
  }
  const path = join(stateDir, FILE);
  let file = await readTokenFile(path);
  if (file === undefined) {
    await mkdir(stateDir, { recursive: true });
    const made: TokenFile = { user: token(), web: token(), peer: token() };
    // Written aside, then linked into place, which fails if another instance starting at
    // once was first: then its tokens are the ones, and both instances use them. The aside
    // name is unique to this call, as two starts in one process must not share it.
    const temporary = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
    await writeFile(temporary, JSON.stringify(made), { mode: 0o600 });
    await link(temporary, path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "EEXIST") throw error;
    });
    await rm(temporary, { force: true });
    file = (await readTokenFile(path)) ?? made;
  }
  return {
    client: file.web,
    shown: file.user,
    config: {
      apiTokens: [
        { name: "demo-user", token: file.user, scopes: ["admin"] },
        { name: "demo-web", token: file.web, scopes: ["read", "command"] },
      ],
      apiPeerToken: file.peer,
    },
  };
}
