// The client commands against an API that needs a token: --token, else EDDY_API_TOKEN;
// without one, a message that says how to give it.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { eddyHere } from "./support/eddy-here.js";
import { ACCOUNT_COMMANDS, VISIT_COUNTS, settled, startApiTestCluster } from "../api/support/cluster.js";
import type { ApiTestCluster, Instance } from "../api/support/cluster.js";

const READER = "cli-reader-token-0123456789";
const WRITER = "cli-writer-token-0123456789";

describe("eddy query, command and topology with tokens", () => {
  let env: ApiTestCluster;
  let a: Instance;

  beforeAll(async () => {
    env = await startApiTestCluster("cli-token");
    a = await env.start("a", {
      apiTokens: [
        { name: "reader", token: READER, scopes: ["read"] },
        { name: "writer", token: WRITER, scopes: ["command"] },
      ],
    });
    await settled([a], 8);
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await env?.close();
  });

  it("says how to give a token when the API wants one", async () => {
    vi.stubEnv("EDDY_API_TOKEN", "");
    const refused = await eddyHere("query", VISIT_COUNTS, "--url", a.url);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("401");
    expect(refused.stderr).toContain("--token or EDDY_API_TOKEN");
    expect((await eddyHere("topology", "--url", a.url)).code).toBe(1);
  });

  it("sends --token, else EDDY_API_TOKEN", async () => {
    vi.stubEnv("EDDY_API_TOKEN", "");
    expect((await eddyHere("query", VISIT_COUNTS, "--url", a.url, "--token", READER)).code).toBe(0);
    expect((await eddyHere("topology", "--url", a.url, "--token", READER)).code).toBe(0);
    vi.stubEnv("EDDY_API_TOKEN", READER);
    expect((await eddyHere("query", VISIT_COUNTS, "--url", a.url)).code).toBe(0);
    const scopeless = await eddyHere(
      "command",
      ACCOUNT_COMMANDS,
      '{"type":"open","owner":"Ada"}',
      "--key",
      "acc-9",
      "--url",
      a.url,
    );
    expect(scopeless.code).toBe(1);
    expect(scopeless.stderr).toContain('lacks the "command" scope');
    const sent = await eddyHere(
      "command",
      ACCOUNT_COMMANDS,
      '{"type":"open","owner":"Ada"}',
      "--key",
      "acc-9",
      "--url",
      a.url,
      "--token",
      WRITER,
    );
    expect(sent.code, sent.stderr).toBe(0);
  });
});
