// Small files replaced whole (checkpoints, producer snapshots, partition metadata): written to
// a temporary name, fsynced, then renamed over the old one, so a crash leaves either the old
// or the new content, never a mix.
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from "node:fs";

export function writeFileAtomically(path: string, content: string | Buffer): void {
  const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
  const temporary = `${path}.tmp`;
  const fd = openSync(temporary, "w");
  try {
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written, written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}
