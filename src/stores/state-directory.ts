// Where tasks keep their state on disk, laid out as Kafka Streams does:
// <state.dir>/<application.id>/<taskId>/. Each task directory holds one LevelDB.
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { StateStoreError } from "./errors.js";

// Application ids and task ids become directory names: keep them to characters that
// are safe on every file system and can never climb out of the state directory.
const PATH_SEGMENT = /^[A-Za-z0-9._-]{1,249}$/;

function checkSegment(kind: string, value: string): void {
  if (!PATH_SEGMENT.test(value) || value === "." || value === "..") {
    throw new StateStoreError(
      `Invalid ${kind} ${JSON.stringify(value)} for a state directory: use letters, digits, ".", "_" and "-"`,
    );
  }
}

export function applicationStateDirectory(stateDir: string, applicationId: string): string {
  checkSegment("application id", applicationId);
  return join(stateDir, applicationId);
}

export function taskStateDirectory(stateDir: string, applicationId: string, taskId: string): string {
  checkSegment("task id", taskId);
  return join(applicationStateDirectory(stateDir, applicationId), taskId);
}

/**
 * The ids of the tasks that have a state directory under this application: what an
 * instance reports to the group leader so that tasks go where their state already is.
 */
export async function listTaskDirectories(stateDir: string, applicationId: string): Promise<string[]> {
  const directory = applicationStateDirectory(stateDir, applicationId);
  try {
    const entries = await readdir(directory, { withFileTypes: true });
    return entries
      .filter((entry) => entry.isDirectory() && PATH_SEGMENT.test(entry.name))
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new StateStoreError(`Cannot list the state directory ${directory}`, directory, { cause: error });
  }
}
