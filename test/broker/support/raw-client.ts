// A bare Kafka protocol client for tests that need to send exact bytes: malformed frames,
// unknown API keys, acks=0, a Fetch that must wait. It encodes with the broker's own
// schemas, so it is only used where third-party clients cannot express the request.
import { connect, type Socket } from "node:net";
import type { ApiCodec } from "../../../src/broker/protocol/codec.js";
import { ByteReader } from "../../../src/bytes/byte-reader.js";
import type { ApiSpec, DecodedResponse, RequestInput } from "../../../src/broker/protocol/schema.js";
import { ByteWriter } from "../../../src/bytes/byte-writer.js";

interface Pending {
  resolve(frame: Buffer): void;
  reject(error: Error): void;
}

export class RawClient {
  private buffered = Buffer.alloc(0);
  private readonly pending = new Map<number, Pending>();
  private nextCorrelationId = 1;
  private closedError: Error | null = null;
  readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    this.closed = new Promise((resolve) => {
      socket.on("close", () => {
        this.closedError = new Error("connection closed by the broker");
        for (const p of this.pending.values()) p.reject(this.closedError);
        this.pending.clear();
        resolve();
      });
    });
    socket.on("error", () => undefined);
  }

  static async connect(bootstrap: string): Promise<RawClient> {
    const [host, port] = bootstrap.split(":");
    const socket = connect({ host: host!, port: Number(port) });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    return new RawClient(socket);
  }

  get isClosed(): boolean {
    return this.closedError !== null;
  }

  private onData(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= 4) {
      const size = this.buffered.readInt32BE(0);
      if (this.buffered.length < 4 + size) break;
      const frame = this.buffered.subarray(4, 4 + size);
      this.buffered = this.buffered.subarray(4 + size);
      const correlationId = frame.readInt32BE(0);
      const waiter = this.pending.get(correlationId);
      this.pending.delete(correlationId);
      waiter?.resolve(frame);
    }
  }

  /** Sends raw bytes as they are (no size prefix added). */
  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Waits for the frame answering `correlationId` (header and body, size prefix removed). */
  awaitFrame(correlationId: number): Promise<Buffer> {
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise((resolve, reject) => this.pending.set(correlationId, { resolve, reject }));
  }

  /** Encodes a request frame with header v1 (or v2 when flexible); returns it and its correlation id. */
  frame<A extends ApiSpec>(
    codec: ApiCodec<A>,
    version: number,
    body: RequestInput<A>,
    clientId = "raw-test",
  ): { bytes: Buffer; correlationId: number } {
    const correlationId = this.nextCorrelationId++;
    const writer = new ByteWriter();
    const size = writer.reserveInt32();
    writer.int16(codec.spec.apiKey);
    writer.int16(version);
    writer.int32(correlationId);
    writer.int16(Buffer.byteLength(clientId));
    writer.string(clientId, Buffer.byteLength(clientId));
    if (codec.isFlexible(version)) writer.unsignedVarint(0);
    codec.encodeRequest(version, writer, body);
    const total = writer.length;
    const chunks = writer.finish();
    size.buffer.writeInt32BE(total - 4, size.offset);
    return { bytes: Buffer.concat(chunks), correlationId };
  }

  /** Sends a request and decodes the response (header v0, or v1 for flexible non-ApiVersions). */
  async request<A extends ApiSpec>(
    codec: ApiCodec<A>,
    version: number,
    body: RequestInput<A>,
  ): Promise<DecodedResponse<A>> {
    const { bytes, correlationId } = this.frame(codec, version, body);
    const answer = this.awaitFrame(correlationId);
    this.writeRaw(bytes);
    const frame = await answer;
    const reader = new ByteReader(frame, 4);
    if (codec.isFlexible(version) && codec.spec.apiKey !== 18) reader.unsignedVarint();
    return codec.decodeResponse(version, reader);
  }

  nextId(): number {
    return this.nextCorrelationId++;
  }

  close(): void {
    this.socket.destroy();
  }
}
