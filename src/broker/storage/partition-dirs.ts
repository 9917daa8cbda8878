// Which directories of a data directory are the broker's partitions, and removing them
// without touching anything else. A data directory may be an existing folder holding the
// user's own sub-folders (`photos-2023/`, `backup-1/`): a name of the form <topic>-<n> proves
// nothing. A partition directory is the broker's when its `partition.metadata` (Kafka's
// format: `version: 0`, `topic_id: <id>`) names a topic id the topics journal knows. Nothing
// else is ever deleted.
//
// Deleting a partition directory first renames it with Kafka's `.<uuid>-delete` suffix, then
// removes its files, `partition.metadata` last: a deletion cut short by a crash leaves a
// directory that still proves it is the broker's, and the next start finishes it.
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, rmdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomically } from "./atomic-file.js";

export const PARTITION_METADATA = "partition.metadata";
const PARTITION_DIR = /^(.+)-(\d+)$/;
const DELETE_MARKER = /^.+-\d+\.[0-9a-f]{32}-delete$/;
/** Ids this broker writes (UUIDs) and Kafka's (22 characters of URL-safe base64). */
const TOPIC_ID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[A-Za-z0-9_-]{22})$/;

export type PartitionMetadata =
  { state: "missing" } | { state: "invalid"; reason: string } | { state: "valid"; topicId: string };

export function partitionDirName(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

/** What `<dir>/partition.metadata` says. */
export function readPartitionMetadata(dir: string): PartitionMetadata {
  const file = join(dir, PARTITION_METADATA);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { state: "missing" };
    return { state: "invalid", reason: (error as Error).message };
  }
  const fields = new Map<string, string>();
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (trimmed.length === 0) continue;
    const colon = trimmed.indexOf(":");
    if (colon <= 0) return { state: "invalid", reason: `line "${trimmed.slice(0, 60)}" is not "key: value"` };
    fields.set(trimmed.slice(0, colon).trim(), trimmed.slice(colon + 1).trim());
  }
  if (fields.get("version") !== "0") return { state: "invalid", reason: 'it has no "version: 0" line' };
  const topicId = fields.get("topic_id");
  if (topicId === undefined || !TOPIC_ID.test(topicId)) {
    return { state: "invalid", reason: `"${topicId ?? ""}" is not a topic id` };
  }
  return { state: "valid", topicId };
}

export function writePartitionMetadata(dir: string, topicId: string): void {
  writeFileAtomically(join(dir, PARTITION_METADATA), `version: 0\ntopic_id: ${topicId}\n`);
}

export interface DirectoryEntry {
  name: string;
  path: string;
  /** <topic>-<n> by its name: a partition directory only if its metadata says so. */
  partition: { topic: string; index: number } | null;
  /** A partition directory whose deletion was cut short. */
  deleting: boolean;
}

/** The sub-directories of the data directory, by what their names suggest. */
export function listDirectories(root: string): DirectoryEntry[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => {
      const match = PARTITION_DIR.exec(entry.name);
      return {
        name: entry.name,
        path: join(root, entry.name),
        partition: match ? { topic: match[1]!, index: Number(match[2]) } : null,
        deleting: DELETE_MARKER.test(entry.name),
      };
    });
}

/**
 * Removes a partition directory the caller proved is the broker's: renamed with the
 * `-delete` suffix, then its files, `partition.metadata` last, then the directory.
 */
export function deletePartitionDir(dir: string): void {
  if (!existsSync(dir)) return;
  const marked = `${dir}.${randomUUID().replaceAll("-", "")}-delete`;
  renameSync(dir, marked);
  removeMarkedDir(marked);
}

/** Finishes the removal of a `-delete` directory: files first, `partition.metadata` last. */
export function removeMarkedDir(dir: string): void {
  for (const name of readdirSync(dir)) {
    if (name !== PARTITION_METADATA) rmSync(join(dir, name), { recursive: true, force: true });
  }
  rmSync(join(dir, PARTITION_METADATA), { force: true });
  rmdirSync(dir);
}

/** Whether a `-delete` directory is provably the broker's: its metadata is intact, or it is empty. */
export function isOwnDeletion(dir: string): boolean {
  if (readPartitionMetadata(dir).state === "valid") return true;
  return statSync(dir).isDirectory() && readdirSync(dir).length === 0;
}
