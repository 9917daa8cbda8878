// The broker's serving capacity, measured with a client that does almost nothing: Fetch
// requests in a loop, record batches counted from their headers, no record decoded. Its
// rate is what the broker (plus loopback TCP) can deliver to one consumer connection.
import { connect, type Socket } from "node:net";
import { Api } from "../src/broker/protocol/apis.js";
import { Reader } from "../src/broker/protocol/reader.js";
import { LOG_OVERHEAD, readBatchHeader } from "../src/broker/protocol/record-batch.js";
import { Writer } from "../src/broker/protocol/writer.js";

const FETCH_VERSION = 11;
const MAX_BYTES = 50 * 1024 * 1024;
const PARTITION_MAX_BYTES = 10 * 1024 * 1024;

class FrameReader {
  private buffered: Buffer[] = [];
  private length = 0;
  private waiter: ((frame: Buffer) => void) | null = null;

  constructor(socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.buffered.push(chunk);
      this.length += chunk.length;
      this.deliver();
    });
  }

  private deliver(): void {
    if (!this.waiter || this.length < 4) return;
    const head = this.buffered[0]!.length >= 4 ? this.buffered[0]! : Buffer.concat(this.buffered);
    const size = head.readInt32BE(0);
    // Concatenate once, when the whole frame is here (a 10 MB response arrives in many chunks).
    if (this.length < 4 + size) return;
    const all = this.buffered.length === 1 ? this.buffered[0]! : Buffer.concat(this.buffered, this.length);
    const frame = all.subarray(4, 4 + size);
    const rest = all.subarray(4 + size);
    this.buffered = rest.length > 0 ? [rest] : [];
    this.length = rest.length;
    const waiter = this.waiter;
    this.waiter = null;
    waiter(frame);
  }

  next(): Promise<Buffer> {
    return new Promise((resolve) => {
      this.waiter = resolve;
      this.deliver();
    });
  }
}

function fetchRequest(topic: string, offsets: number[], correlationId: number): Buffer[] {
  const writer = new Writer();
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
export async function consumeWithRawFetch(bootstrap: string, topic: string, partitions: number, records: number): Promise<number> {
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
      const response = Api.fetch.decodeResponse(FETCH_VERSION, new Reader(frame, 4));
      for (const partition of response.responses[0]?.partitions ?? []) {
        const bytes = partition.records;
        if (!bytes) continue;
        for (let at = 0; at + LOG_OVERHEAD + 49 <= bytes.length; ) {
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
