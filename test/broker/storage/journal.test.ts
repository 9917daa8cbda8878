// A journal tells a write torn by a crash (cut, the start goes on) from damage (the start
// stops with an error naming the file): appends are sequential, so only the last frame can be
// torn, and only when the shutdown was not clean.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DataDirCorruptError } from "../../../src/broker/errors.js";
import { Journal } from "../../../src/broker/storage/journal.js";

describe("journal", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** A journal file holding records 1..count, written and closed. */
  function written(count: number): string {
    const dir = mkdtempSync(join(tmpdir(), "eddy-journal-"));
    dirs.push(dir);
    const path = join(dir, "test.journal");
    const { journal } = Journal.open<{ n: number }>(path, () => [], { cleanShutdown: true });
    for (let n = 1; n <= count; n++) journal.append({ n });
    journal.close();
    return path;
  }

  const open = (path: string, cleanShutdown: boolean) => Journal.open<{ n: number }>(path, () => [], { cleanShutdown });

  it("replays every record in order", () => {
    const opened = open(written(3), true);
    expect(opened.records).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(opened.truncatedBytes).toBe(0);
    opened.journal.close();
  });

  it("cuts a torn last frame after a crash: cut short, zero-filled, or failing its CRC", () => {
    const path = written(3);
    const intact = readFileSync(path);
    const lastFrame = intact.length - (8 + JSON.stringify({ n: 3 }).length);
    const damages: [string, Buffer][] = [
      ["cut short", intact.subarray(0, intact.length - 4)],
      ["zero-filled", Buffer.concat([intact.subarray(0, lastFrame), Buffer.alloc(intact.length - lastFrame)])],
      ["failing its CRC", Buffer.concat([intact.subarray(0, intact.length - 1), Buffer.from("x")])],
    ];
    for (const [what, bytes] of damages) {
      writeFileSync(path, bytes);
      const opened = open(path, false);
      expect({ what, records: opened.records }).toEqual({ what, records: [{ n: 1 }, { n: 2 }] });
      expect(readFileSync(path)).toEqual(intact.subarray(0, lastFrame));
      opened.journal.append({ n: 4 });
      opened.journal.close();
      expect(open(path, true).records).toEqual([{ n: 1 }, { n: 2 }, { n: 4 }]);
      writeFileSync(path, intact);
    }
  });

  it("refuses a damaged frame followed by valid ones, even after a crash, naming the file and the byte", () => {
    const path = written(3);
    const damaged = readFileSync(path);
    damaged[10]! ^= 0x01; // inside the first record's payload
    writeFileSync(path, damaged);
    for (const cleanShutdown of [false, true]) {
      expect(() => open(path, cleanShutdown)).toThrow(DataDirCorruptError);
      expect(() => open(path, cleanShutdown)).toThrow(
        new RegExp(`${path}.*record 1 at byte 0 .*fails its CRC.*valid record follows`),
      );
    }
    // The file is left as it was.
    expect(readFileSync(path)).toEqual(damaged);
  });

  it("refuses any damaged frame after a clean shutdown, which had flushed the journal", () => {
    const path = written(2);
    appendFileSync(path, Buffer.from([0, 0, 0, 9, 1, 2]));
    expect(() => open(path, true)).toThrow(/after a clean shutdown/);
  });
});
