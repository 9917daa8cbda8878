// The data directory never loses or deletes what it does not own: an existing folder's own
// sub-directories survive, a damaged journal or partition.metadata stops the start with an
// error naming the file (a missing metadata file is written again), a damaged batch in the
// middle of a log costs only that batch, and a partition that cannot be written fails the
// request with KAFKA_STORAGE_ERROR while shutdown still releases the lock. Each case is one
// a clumsy operator or a failing disk produced.
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pino, type Logger } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { DataDirCorruptError, startBroker, type RunningBroker } from "../../../src/broker/index.js";
import { Api } from "../../../src/broker/protocol/apis.js";
import { ErrorCode } from "../../../src/broker/protocol/error-codes.js";
import { decodeRecords, readBatchHeader } from "../../../src/broker/protocol/record-batch.js";
import { RawClient } from "../support/raw-client.js";
import { buildBatch } from "../support/record-batch-builder.js";

const SEGMENT = "00000000000000000000.log";

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

function recordingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino(
    { level: "info" },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as LogLine);
        done();
      },
    }),
  );
  return { logger, lines };
}

describe("the data directory keeps what it does not own", () => {
  const cleanups: (() => Promise<void> | void)[] = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function tempDir(): string {
    const dir = mkdtempSync(join(tmpdir(), "eddy-safety-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

  async function start(dataDir: string, logger = recordingLogger().logger): Promise<RunningBroker> {
    const broker = await startBroker({ dataDir, logger, autoCreateTopics: false });
    cleanups.push(() => broker.close());
    return broker;
  }

  async function connect(broker: RunningBroker): Promise<RawClient> {
    const client = await RawClient.connect(broker.bootstrap);
    cleanups.push(() => client.close());
    return client;
  }

  async function createTopic(client: RawClient, name: string, partitions = 1, configs: [string, string][] = []) {
    const answer = await client.request(Api.createTopics, 4, {
      topics: [
        {
          name,
          numPartitions: partitions,
          replicationFactor: 1,
          assignments: [],
          configs: configs.map(([n, value]) => ({ name: n, value })),
        },
      ],
      timeoutMs: 1000,
      validateOnly: false,
    });
    return answer.topics[0]!;
  }

  async function produce(client: RawClient, topic: string, value: string, partition = 0) {
    const answer = await client.request(Api.produce, 7, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 1000,
      topicData: [
        {
          name: topic,
          partitionData: [
            { index: partition, records: buildBatch([{ key: Buffer.from(value), value: Buffer.from(value) }]) },
          ],
        },
      ],
    });
    return answer.responses[0]!.partitionResponses[0]!;
  }

  /** Every record value of a partition, read with one Fetch from offset 0. */
  async function values(client: RawClient, topic: string, partition = 0): Promise<{ high: number; values: string[] }> {
    const answer = await client.request(Api.fetch, 11, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 1 << 20,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [
        {
          topic,
          partitions: [
            { partition, currentLeaderEpoch: -1, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes: 1 << 20 },
          ],
        },
      ],
      forgottenTopicsData: [],
      rackId: "",
    });
    const data = answer.responses[0]!.partitions[0]!;
    expect(data.errorCode).toBe(0);
    const out: string[] = [];
    const bytes = data.records ?? Buffer.alloc(0);
    for (let at = 0; at < bytes.length;) {
      const header = readBatchHeader(bytes, at);
      for (const record of decodeRecords(bytes.subarray(at, at + header.size))!) out.push(String(record.value));
      at += header.size;
    }
    return { high: data.highWatermark, values: out };
  }

  it("leaves an existing folder's own sub-directories alone, however they are named", async () => {
    const dataDir = tempDir();
    for (const [folder, file] of [
      ["photos-2023", "beach.jpg"],
      ["backup-1", "dump.sql"],
      ["notes-7", "todo.txt"],
    ] as const) {
      mkdirSync(join(dataDir, folder));
      writeFileSync(join(dataDir, folder, file), `the user's ${file}`);
    }
    const { logger, lines } = recordingLogger();
    const first = await start(dataDir, logger);
    const client = await connect(first);
    expect((await createTopic(client, "photos")).errorCode).toBe(ErrorCode.NONE);
    expect((await produce(client, "photos", "p0")).errorCode).toBe(ErrorCode.NONE);
    // "backup" with two partitions would need backup-1/, which is not the broker's.
    const refused = await createTopic(client, "backup", 2);
    expect(refused.errorCode).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    expect(refused.errorMessage).toContain("backup-1");
    expect(existsSync(join(dataDir, "backup-0"))).toBe(false);
    client.close();
    await first.close();

    const second = await start(dataDir, logger);
    const again = await connect(second);
    expect((await values(again, "photos")).values).toEqual(["p0"]);
    expect(readFileSync(join(dataDir, "photos-2023", "beach.jpg"), "utf8")).toBe("the user's beach.jpg");
    expect(readFileSync(join(dataDir, "backup-1", "dump.sql"), "utf8")).toBe("the user's dump.sql");
    expect(readFileSync(join(dataDir, "notes-7", "todo.txt"), "utf8")).toBe("the user's todo.txt");
    const warning = lines.find((line) => line.level === 40 && line.msg.includes("left untouched"));
    expect(warning?.directories).toEqual(expect.arrayContaining(["photos-2023", "backup-1", "notes-7"]));
  });

  it("refuses to start on a topics journal with a flipped bit, naming it, and deletes nothing", async () => {
    const dataDir = tempDir();
    const first = await start(dataDir);
    const client = await connect(first);
    for (const topic of ["orders", "payments"]) {
      expect((await createTopic(client, topic)).errorCode).toBe(ErrorCode.NONE);
      expect((await produce(client, topic, `${topic}-0`)).errorCode).toBe(ErrorCode.NONE);
    }
    client.close();
    await first.close();
    const journal = join(dataDir, "__eddy", "topics.journal");
    const intact = readFileSync(journal);
    for (const at of [12, intact.length - 3]) {
      const damaged = Buffer.from(intact);
      damaged[at]! ^= 0x01;
      writeFileSync(journal, damaged);
      const failure = await startBroker({ dataDir, logger: recordingLogger().logger }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(DataDirCorruptError);
      expect((failure as Error).message).toContain(journal);
      for (const topic of ["orders", "payments"]) {
        expect(readFileSync(join(dataDir, `${topic}-0`, SEGMENT)).length).toBeGreaterThan(0);
      }
      expect(existsSync(join(dataDir, ".lock"))).toBe(false);
    }
    writeFileSync(journal, intact);
    const restored = await start(dataDir);
    const reader = await connect(restored);
    expect((await values(reader, "payments")).values).toEqual(["payments-0"]);
  });

  it("writes a missing partition.metadata again and keeps the partition's records", async () => {
    const dataDir = tempDir();
    const { logger, lines } = recordingLogger();
    const first = await start(dataDir, logger);
    const client = await connect(first);
    expect((await createTopic(client, "kept")).errorCode).toBe(ErrorCode.NONE);
    for (const value of ["a", "b", "c"]) await produce(client, "kept", value);
    client.close();
    await first.close();
    const metadata = join(dataDir, "kept-0", "partition.metadata");
    const original = readFileSync(metadata, "utf8");
    unlinkSync(metadata);

    const second = await start(dataDir, logger);
    const reader = await connect(second);
    expect(await values(reader, "kept")).toEqual({ high: 3, values: ["a", "b", "c"] });
    expect(readFileSync(metadata, "utf8")).toBe(original);
    expect(lines.some((line) => line.level === 40 && line.msg.includes("partition.metadata is missing"))).toBe(true);
  });

  it("refuses to start on a damaged or foreign partition.metadata, naming it", async () => {
    const dataDir = tempDir();
    const first = await start(dataDir);
    const client = await connect(first);
    expect((await createTopic(client, "kept")).errorCode).toBe(ErrorCode.NONE);
    await produce(client, "kept", "a");
    client.close();
    await first.close();
    const metadata = join(dataDir, "kept-0", "partition.metadata");
    const original = readFileSync(metadata, "utf8");
    for (const content of [
      "version: 0\ntopic_id: \u0000\u0001garbage\n",
      "version: 0\ntopic_id: AAAAAAAAAAAAAAAAAAAAAA\n",
    ]) {
      writeFileSync(metadata, content);
      const failure = await startBroker({ dataDir, logger: recordingLogger().logger }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(DataDirCorruptError);
      expect((failure as Error).message).toContain(metadata);
      expect(readFileSync(join(dataDir, "kept-0", SEGMENT)).length).toBeGreaterThan(0);
    }
    writeFileSync(metadata, original);
    const reader = await connect(await start(dataDir));
    expect((await values(reader, "kept")).values).toEqual(["a"]);
  });

  it("reports a damaged batch in the middle of a cleanly stopped log at error and keeps the records around it", async () => {
    const dataDir = tempDir();
    const first = await start(dataDir);
    const client = await connect(first);
    expect((await createTopic(client, "log")).errorCode).toBe(ErrorCode.NONE);
    for (const value of ["r0", "r1", "r2", "r3", "r4"]) await produce(client, "log", value);
    client.close();
    await first.close();
    const segment = join(dataDir, "log-0", SEGMENT);
    const intact = readFileSync(segment);
    const positions: number[] = [];
    for (let at = 0; at < intact.length; at += readBatchHeader(intact, at).size) positions.push(at);

    const damages: [string, (bytes: Buffer) => void][] = [
      ["a wrong magic byte", (bytes) => (bytes[positions[2]! + 16] = 7)],
      ["a batch length past the end of the file", (bytes) => bytes.writeInt32BE(1 << 30, positions[2]! + 8)],
      ["a base offset far ahead", (bytes) => bytes.writeInt32BE(1, positions[2]! + 2)],
    ];
    for (const [what, damage] of damages) {
      const damaged = Buffer.from(intact);
      damage(damaged);
      writeFileSync(segment, damaged);
      const { logger, lines } = recordingLogger();
      const broker = await startBroker({ dataDir, logger, autoCreateTopics: false });
      const reader = await RawClient.connect(broker.bootstrap);
      const read = await values(reader, "log");
      reader.close();
      await broker.close();
      expect({ what, ...read }).toEqual({ what, high: 5, values: ["r0", "r1", "r3", "r4"] });
      const error = lines.find((line) => line.level === 50 && line.msg.includes("damaged batch in the middle"));
      expect({ what, position: error?.position, unreadableOffsets: error?.unreadableOffsets }).toEqual({
        what,
        position: positions[2],
        unreadableOffsets: "2-2",
      });
      // Nothing was cut from the file.
      expect(readFileSync(segment)).toEqual(damaged);
    }
  });

  it("answers KAFKA_STORAGE_ERROR when a partition cannot be written, and shuts down releasing the lock", async () => {
    const dataDir = tempDir();
    const { logger, lines } = recordingLogger();
    const first = await start(dataDir, logger);
    const client = await connect(first);
    expect((await createTopic(client, "stuck", 1, [["segment.bytes", "100"]])).errorCode).toBe(ErrorCode.NONE);
    expect((await produce(client, "stuck", "first")).errorCode).toBe(ErrorCode.NONE);
    // The next batch rolls a new segment, whose file cannot be created: something is in the way
    // (a directory, which even root cannot open as a file).
    const blocker = join(dataDir, "stuck-0", "00000000000000000001.log");
    mkdirSync(blocker);
    const refused = await produce(client, "stuck", "second");
    expect(refused).toMatchObject({ errorCode: ErrorCode.KAFKA_STORAGE_ERROR, baseOffset: -1 });
    expect(lines.some((line) => line.level === 50 && String(line.msg).includes("cannot write partition stuck-0"))).toBe(
      true,
    );
    rmSync(blocker, { recursive: true });
    expect(await produce(client, "stuck", "second")).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 1 });

    // At shutdown the producer snapshot cannot be written either.
    mkdirSync(join(dataDir, "stuck-0", "00000000000000000002.snapshot.tmp"));
    client.close();
    await expect(first.close()).resolves.toBeUndefined();
    expect(existsSync(join(dataDir, ".lock"))).toBe(false);
    expect(existsSync(join(dataDir, ".clean-shutdown"))).toBe(false);
    expect(lines.some((line) => line.level === 50 && String(line.msg).includes("could not close a partition"))).toBe(
      true,
    );
    rmSync(join(dataDir, "stuck-0", "00000000000000000002.snapshot.tmp"), { recursive: true });

    // The next start recovers the log, with everything acknowledged.
    const reader = await connect(await start(dataDir));
    expect((await values(reader, "stuck")).values).toEqual(["first", "second"]);
  });

  it("removes only the directories it can prove its own: a deleted topic's leftovers, not a copied-in stranger", async () => {
    const dataDir = tempDir();
    const other = tempDir();
    const { logger, lines } = recordingLogger();
    const first = await start(dataDir, logger);
    const client = await connect(first);
    expect((await createTopic(client, "gone", 2)).errorCode).toBe(ErrorCode.NONE);
    await produce(client, "gone", "x");
    // What a crash between the deletion's journal record and the removal would leave.
    cpSync(join(dataDir, "gone-1"), join(other, "gone-1"), { recursive: true });
    expect(
      (await client.request(Api.deleteTopics, 1, { topicNames: ["gone"], timeoutMs: 1000 })).responses[0]!.errorCode,
    ).toBe(0);
    expect(readdirSync(dataDir).filter((name) => name.startsWith("gone"))).toEqual([]);
    client.close();
    await first.close();
    cpSync(join(other, "gone-1"), join(dataDir, "gone-1"), { recursive: true });
    // A partition directory of some other broker's topic, copied in.
    const stranger = join(dataDir, "stranger-0");
    mkdirSync(stranger);
    writeFileSync(join(stranger, "partition.metadata"), "version: 0\ntopic_id: 9b1dd3b8-1c5a-4d1c-9a36-4a3f0c6a2f11\n");

    await start(dataDir, logger);
    expect(existsSync(join(dataDir, "gone-1"))).toBe(false);
    expect(existsSync(stranger)).toBe(true);
    expect(
      lines.some((line) => line.level === 30 && line.msg.includes("removing the directory of a deleted topic")),
    ).toBe(true);
  });
});
