// Fresh state directories for tests, removed afterwards.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export async function withTempStateDir(): Promise<{ stateDir: string; remove(): Promise<void> }> {
  const stateDir = await mkdtemp(join(tmpdir(), "eddy-state-"));
  return { stateDir, remove: () => rm(stateDir, { recursive: true, force: true }) };
}
