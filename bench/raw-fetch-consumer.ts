// The broker's serving capacity, measured with a client that does almost nothing: Fetch
// requests in a loop, record batches counted from their headers, no record decoded. Its
// rate is what the broker (plus loopback TCP) can deliver to one consumer connection.
import { connect, type Socket } from "node:net";
import { Api } from "../src/broker/protocol/apis.js";
import { ByteReader } from "../src/bytes/byte-reader.js";
import { LOG_OVERHEAD, readBatchHeader } from "../src/broker/protocol/record-batch.js";
import { ByteWriter } from "../src/bytes/byte-writer.js";

const FETCH_VERSION = 11;
const MAX_BYTES = 50 * 1024 * 1024;
const PARTITION_MAX_BYTES = 10 * 1024 * 1024;

/**
 * Collects response frames in one reused, pre-touched buffer: allocating fresh memory for
 * every 10 MB response would measure this machine's page faults, not the broker.
 */
class FrameReader {
  private buffer = Buffer.alloc(16 * 1024 * 1024);
  private filled = 0;
  private consumed = 0;
  private waiter: ((frame: Buffer) => void) | null = null;

  constructor(socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      if (this.filled + chunk.length > this.buffer.length) {
        const bigger = Buffer.alloc(Math.max(this.buffer.length * 2, this.filled + chunk.length));
        this.buffer.copy(bigger, 0, 0, this.filled);
        this.buffer = bigger;
      }
      chunk.copy(this.buffer, this.filled);
      this.filled += chunk.length;
      this.deliver();
    });
  }

  private deliver(): void {
    if (!this.waiter || this.filled < 4) return;
    const size = this.buffer.readInt32BE(0);
    if (this.filled < 4 + size) return;
    const waiter = this.waiter;
    this.waiter = null;
    this.consumed = 4 + size;
    waiter(this.buffer.subarray(4, 4 + size));
  }

  /** The next frame; the previous one's bytes are released (and may be overwritten). */
  next(): Promise<Buffer> {
    if (this.consumed > 0) {
      this.buffer.copy(this.buffer, 0, this.consumed, this.filled);
      this.filled -= this.consumed;
      this.consumed = 0;
    }
    return new Promise((resolve) => {
      this.waiter = resolve;
      this.deliver();
    });
  }
}

function fetchRequest(topic: string, offsets: number[], correlationId: number): Buffer[] {
  const writer = new ByteWriter();
  const size = writer.reserveInt32();
  writer.int16(Api.fetch.spec.apiKey);
  writer.int16(FETCH_VERSION);
  writer.int32(correlationId);
  writer.int16(-1);
  Api.fetch.encodeRequest(FETCH_VERSION, writer, {
    replicaId: -1,
    maxWaitMs: 500,
    minBytes: 1,
    maxBytes: MAX_BYTES,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic,
        partitions: offsets.map((fetchOffset, partition) => ({
          partition,
          currentLeaderEpoch: -1,
          fetchOffset,
          logStartOffset: -1,
          partitionMaxBytes: PARTITION_MAX_BYTES,
        })),
      },
    ],
    forgottenTopicsData: [],
    rackId: "",
  });
  const total = writer.length;
  const chunks = writer.finish();
  size.buffer.writeInt32BE(total - 4, size.offset);
  return chunks;
}

/** Reads `records` records from every partition of `topic`; resolves with how many it saw. */
export async function consumeWithRawFetch(
  bootstrap: string,
  topic: string,
  partitions: number,
  records: number,
): Promise<number> {
  const [host, port] = bootstrap.split(":");
  const socket = connect({ host: host!, port: Number(port) });
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  socket.setNoDelay(true);
  const frames = new FrameReader(socket);
  const offsets = new Array<number>(partitions).fill(0);
  let seen = 0;
  try {
    for (let correlationId = 1; seen < records; correlationId++) {
      for (const chunk of fetchRequest(topic, offsets, correlationId)) socket.write(chunk);
      const frame = await frames.next();
      const response = Api.fetch.decodeResponse(FETCH_VERSION, new ByteReader(frame, 4));
      for (const partition of response.responses[0]?.partitions ?? []) {
        const bytes = partition.records;
        if (!bytes) continue;
        for (let at = 0; at + LOG_OVERHEAD + 49 <= bytes.length;) {
          const header = readBatchHeader(bytes, at);
          if (at + header.size > bytes.length) break;
          seen += header.recordCount;
          offsets[partition.partitionIndex] = header.baseOffset + header.lastOffsetDelta + 1;
          at += header.size;
        }
      }
    }
  } finally {
    socket.destroy();
  }
  return seen;
}
