// The instance's process id, kept in its application state directory as Kafka Streams keeps
// it (StateDirectory, `kafka-streams-process-metadata`, JSON `{"processId":"<uuid>"}`), so that
// an instance restarting on the same state directory is the same process: its exactly-once v2
// transactional ids (`<applicationId>-<processId>-<thread>`) are the ones it used before, and
// its first InitProducerId fences its previous incarnation's producer and aborts that one's
// open transaction at once, instead of every task waiting for it to time out.
//
// Written atomically (a temporary file, fsync, rename): a crash leaves the old file or the new
// one. A file that cannot be read or parsed is never fatal: a fresh id replaces it, with a
// warning for the caller to log, as Kafka Streams does.
import { randomUUID } from "node:crypto";
import { mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { applicationStateDirectory } from "./state-directory.js";

export const PROCESS_FILE_NAME = "kafka-streams-process-metadata";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface LoadedProcessId {
  readonly processId: string;
  /** Whether the id was read from the state directory (false: made now). */
  readonly persisted: boolean;
  /** Why a file that was there could not be used, or the new id not kept: for the caller's log. */
  readonly warning?: string;
}

/** The process id kept under `<stateDir>/<applicationId>/`, made and written there on first use. */
export async function loadProcessId(stateDir: string, applicationId: string): Promise<LoadedProcessId> {
  const directory = applicationStateDirectory(stateDir, applicationId);
  const file = join(directory, PROCESS_FILE_NAME);
  let problem: string | undefined;
  try {
    const found = parseProcessFile(await readFile(file, "utf8"));
    if (found !== undefined) return { processId: found, persisted: true };
    problem = `${file} holds no valid process id`;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") problem = `cannot read ${file}: ${String(error)}`;
  }
  const processId = randomUUID();
  try {
    await mkdir(directory, { recursive: true });
    await writeAtomically(file, `${JSON.stringify({ processId })}\n`);
  } catch (error) {
    const kept = `the new process id ${processId} cannot be kept in ${file}: ${String(error)}`;
    return { processId, persisted: false, warning: problem === undefined ? kept : `${problem}; ${kept}` };
  }
  return problem === undefined
    ? { processId, persisted: false }
    : { processId, persisted: false, warning: `${problem}; it now holds a new process id, ${processId}` };
}

/** The id in Kafka Streams' JSON (unknown fields ignored, as Kafka Streams does), or undefined. */
function parseProcessFile(text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const id = (parsed as { processId?: unknown }).processId;
  return typeof id === "string" && UUID.test(id) ? id.toLowerCase() : undefined;
}

async function writeAtomically(file: string, content: string): Promise<void> {
  const temporary = `${file}.${process.pid}.${randomUUID()}.tmp`;
  try {
    const handle = await open(temporary, "w", 0o644);
    try {
      await handle.writeFile(content, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
}
