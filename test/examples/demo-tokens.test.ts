// The demo's tokens: made once, kept beside the state for this user only, shared by
// instances that start together; configured ones used as they are.
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { demoTokens } from "../../examples/demo/demo-tokens.js";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function stateDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "eddy-demo-tokens-"));
  dirs.push(dir);
  return join(dir, "state");
}

describe("the demo's tokens", () => {
  it("are made once, readable by this user only, and the same for every instance", async () => {
    const dir = await stateDir();
    const together = await Promise.all([demoTokens({}, dir), demoTokens({}, dir), demoTokens({}, dir)]);
    const [first] = together;
    for (const tokens of together) expect(tokens).toEqual(first);
    expect((await stat(join(dir, "api-tokens.json"))).mode & 0o777).toBe(0o600);
    expect(first?.shown).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(first?.config.apiTokens?.map((t) => [t.name, t.scopes])).toEqual([
      ["demo-user", ["admin"]],
      ["demo-web", ["read", "command"]],
    ]);
    expect(first?.client).toBe(first?.config.apiTokens?.[1]?.token);
    expect(first?.config.apiPeerToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await demoTokens({}, dir)).toEqual(first);
  });

  it("are the environment's when EDDY_API_TOKENS is set, with EDDY_API_TOKEN for the web routes", async () => {
    const dir = await stateDir();
    const configured = await demoTokens(
      { EDDY_API_TOKENS: "a:b-token-0123456789:admin", EDDY_API_TOKEN: "b-token-0123456789" },
      dir,
    );
    expect(configured).toEqual({ client: "b-token-0123456789", shown: undefined, config: {} });
    await expect(demoTokens({ EDDY_API_TOKENS: "a:b-token-0123456789:admin" }, dir)).rejects.toThrow(
      /set EDDY_API_TOKEN/,
    );
  });
});
