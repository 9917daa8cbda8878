// One client connection: cuts the byte stream into size-prefixed frames, answers requests
// strictly one after another and in order (as Kafka does by muting a channel while a
// request is in flight), and writes each response as one writev. A frame that is
// malformed, oversized, of an unknown API or of an unsupported version closes this
// connection with a log line (ApiVersions excepted, which answers UNSUPPORTED_VERSION);
// it never reaches other connections.
//
// Memory per connection is bounded by socket.request.max.bytes: a frame larger than that
// closes the connection as soon as its size prefix arrives; socket reads stop while the
// frames waiting here (and the one being assembled) reach it, and resume as they are
// answered; nothing of a frame is kept once it is answered (the codec copies the byte fields
// a group keeps, Produce copies small batches). A connection with nothing in progress for
// connections.max.idle.ms is closed, as Kafka closes idle connections: a client that sent half
// a request and went silent costs its bytes for at most that long.
import type { Socket } from "node:net";
import type { Logger } from "pino";
import { CLOSE_CONNECTION, NO_RESPONSE, type Handler, type RequestContext } from "./handlers/handler.js";
import { Api } from "./protocol/apis.js";
import { ErrorCode } from "./protocol/error-codes.js";
import { API_VERSIONS_KEY, readRequestHeader, writeResponseHeader } from "./protocol/header.js";
import { ByteReader } from "../bytes/byte-reader.js";
import { ByteWriter } from "../bytes/byte-writer.js";

/** Frames waiting beyond this many stop reading from the socket until the backlog clears. */
const MAX_QUEUED_FRAMES = 64;

export interface ConnectionOptions {
  id: number;
  socket: Socket;
  handlers: ReadonlyMap<number, Handler>;
  /** socket.request.max.bytes */
  maxRequestBytes: number;
  /** connections.max.idle.ms */
  idleTimeoutMs: number;
  logger: Logger;
}

export class Connection {
  private readonly socket: Socket;
  private readonly log: Logger;
  private readonly chunks: Buffer[] = [];
  private buffered = 0;
  /** Size of the frame being assembled, or -1 while its size prefix is still incomplete. */
  private expected = -1;
  private readonly queue: Buffer[] = [];
  /** Bytes of the frames in `queue`. */
  private queuedBytes = 0;
  /** A request is being answered (a handler's promise, or a response waiting for the socket to drain). */
  private busy = false;
  /** A handler's answer is pending (a long-polling Fetch, a JoinGroup): the connection is not idle. */
  private handling = false;
  private closed = false;
  private readonly clientHost: string;

  constructor(private readonly options: ConnectionOptions) {
    this.socket = options.socket;
    this.clientHost = `/${options.socket.remoteAddress ?? "unknown"}`;
    this.log = options.logger.child({
      connectionId: options.id,
      client: `${options.socket.remoteAddress}:${options.socket.remotePort}`,
    });
    this.socket.setNoDelay(true);
    this.socket.setTimeout(options.idleTimeoutMs);
    this.socket.on("timeout", () => this.onIdle());
    this.socket.on("data", (chunk: Buffer) => this.onData(chunk));
    this.socket.on("error", (error) => this.log.debug({ err: error }, "connection error"));
    this.socket.on("close", () => {
      this.closed = true;
      this.queue.length = 0;
      this.queuedBytes = 0;
      this.chunks.length = 0;
      this.buffered = 0;
    });
  }

  /** No byte read or written for connections.max.idle.ms (Node's socket timeout). */
  private onIdle(): void {
    if (this.closed || this.handling) return;
    this.log.info(
      { idleMs: this.options.idleTimeoutMs, bufferedBytes: this.buffered + this.queuedBytes },
      "closing idle connection (connections.max.idle.ms)",
    );
    this.close();
  }

  /** Bytes this connection holds of requests not yet answered (frames waiting, the one being assembled). */
  get heldBytes(): number {
    return this.buffered + this.queuedBytes;
  }

  close(reason?: string): void {
    if (this.closed) return;
    this.closed = true;
    if (reason) this.log.warn(`closing connection: ${reason}`);
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.expected < 0) {
        if (this.buffered < 4) break;
        const size = this.take(4).readInt32BE(0);
        if (size < 8 || size > this.options.maxRequestBytes) {
          this.close(`invalid request size ${size} (allowed 8..${this.options.maxRequestBytes} bytes)`);
          return;
        }
        this.expected = size;
      }
      if (this.buffered < this.expected) break;
      const frame = this.take(this.expected);
      this.expected = -1;
      this.queue.push(frame);
      this.queuedBytes += frame.length;
    }
    if (this.queue.length > MAX_QUEUED_FRAMES || this.heldBytes >= this.options.maxRequestBytes) this.socket.pause();
    this.processQueue();
  }

  /** Removes the next `bytes` bytes, copying only when they span chunks. */
  private take(bytes: number): Buffer {
    this.buffered -= bytes;
    const first = this.chunks[0]!;
    if (first.length >= bytes) {
      const out = first.subarray(0, bytes);
      if (first.length === bytes) this.chunks.shift();
      else this.chunks[0] = first.subarray(bytes);
      return out;
    }
    const out = Buffer.allocUnsafe(bytes);
    let filled = 0;
    while (filled < bytes) {
      const head = this.chunks[0]!;
      const n = Math.min(head.length, bytes - filled);
      head.copy(out, filled, 0, n);
      filled += n;
      if (n === head.length) this.chunks.shift();
      else this.chunks[0] = head.subarray(n);
    }
    return out;
  }

  private processQueue(): void {
    while (!this.busy && !this.closed && this.queue.length > 0) {
      const frame = this.queue.shift()!;
      this.queuedBytes -= frame.length;
      const pending = this.handleFrame(frame);
      if (pending) {
        this.busy = true;
        this.handling = true;
        void pending.then(() => {
          this.handling = false;
          this.afterAsync();
        });
      } else if (this.socket.writableNeedDrain) {
        // The client reads slower than we answer: stop until its socket drains.
        this.busy = true;
        this.socket.once("drain", () => this.afterAsync());
      }
    }
    const drained = this.queue.length <= MAX_QUEUED_FRAMES / 2 && this.heldBytes < this.options.maxRequestBytes;
    if (drained && this.socket.isPaused() && !this.closed) this.socket.resume();
  }

  private afterAsync(): void {
    this.busy = false;
    if (!this.closed && this.socket.writableNeedDrain) {
      this.busy = true;
      this.socket.once("drain", () => this.afterAsync());
      return;
    }
    this.processQueue();
  }

  /** Handles one frame; returns a promise when the answer comes later. */
  private handleFrame(frame: Buffer): Promise<void> | undefined {
    const apiKey = frame.readInt16BE(0);
    const apiVersion = frame.readInt16BE(2);
    const correlationId = frame.readInt32BE(4);
    const handler = this.options.handlers.get(apiKey);
    if (!handler) {
      this.close(`unknown API key ${apiKey} (version ${apiVersion})`);
      return undefined;
    }
    const { codec } = handler;
    if (!codec.supports(apiVersion)) {
      if (apiKey === API_VERSIONS_KEY) {
        this.answerUnsupportedApiVersions(correlationId, apiVersion);
        return undefined;
      }
      this.close(
        `unsupported version ${apiVersion} of ${codec.spec.name} (supported ${codec.spec.minVersion}-${codec.spec.maxVersion})`,
      );
      return undefined;
    }
    let context: RequestContext;
    let request: unknown;
    try {
      const reader = new ByteReader(frame);
      const header = readRequestHeader(reader, codec.isFlexible(apiVersion));
      request = codec.decodeRequest(apiVersion, reader);
      context = { header, clientHost: this.clientHost, connectionId: this.options.id };
      if (this.log.isLevelEnabled("debug")) {
        this.log.debug({ api: codec.spec.name, apiVersion, correlationId, clientId: header.clientId }, "request");
      }
    } catch (error) {
      this.close(`malformed ${codec.spec.name} v${apiVersion} request: ${(error as Error).message}`);
      return undefined;
    }
    let result: ReturnType<Handler["handle"]>;
    try {
      result = handler.handle(request as never, context);
    } catch (error) {
      this.failed(codec.spec.name, error);
      return undefined;
    }
    if (result instanceof Promise) {
      return result.then(
        (value) => this.respond(handler, context, value),
        (error: unknown) => this.failed(codec.spec.name, error),
      );
    }
    this.respond(handler, context, result);
    return undefined;
  }

  private failed(api: string, error: unknown): void {
    this.log.error({ err: error }, `${api} handler failed`);
    this.close();
  }

  private respond(handler: Handler, context: RequestContext, result: Awaited<ReturnType<Handler["handle"]>>): void {
    if (result === NO_RESPONSE) return;
    if (result === CLOSE_CONNECTION) {
      this.close(`${handler.codec.spec.name} failed and the client expects no answer`);
      return;
    }
    const { apiKey, apiVersion, correlationId } = context.header;
    const writer = new ByteWriter();
    const size = writer.reserveInt32();
    writeResponseHeader(writer, correlationId, apiKey, handler.codec.isFlexible(apiVersion));
    try {
      handler.codec.encodeResponse(apiVersion, writer, result);
    } catch (error) {
      this.failed(handler.codec.spec.name, error);
      return;
    }
    this.send(writer, size);
  }

  /** KIP-511: a v0 body with UNSUPPORTED_VERSION and our ApiVersions range; the client retries lower. */
  private answerUnsupportedApiVersions(correlationId: number, requestedVersion: number): void {
    this.log.info({ requestedVersion }, "ApiVersions version not supported, answering with v0");
    const spec = Api.apiVersions.spec;
    const writer = new ByteWriter();
    const size = writer.reserveInt32();
    writeResponseHeader(writer, correlationId, API_VERSIONS_KEY, false);
    Api.apiVersions.encodeResponse(0, writer, {
      errorCode: ErrorCode.UNSUPPORTED_VERSION,
      apiKeys: [{ apiKey: spec.apiKey, minVersion: spec.minVersion, maxVersion: spec.maxVersion }],
    });
    this.send(writer, size);
  }

  private send(writer: ByteWriter, size: { buffer: Buffer; offset: number }): void {
    const total = writer.length;
    const chunks = writer.finish();
    size.buffer.writeInt32BE(total - 4, size.offset);
    if (this.closed) return;
    if (chunks.length === 1) {
      this.socket.write(chunks[0]!);
      return;
    }
    this.socket.cork();
    for (const chunk of chunks) this.socket.write(chunk);
    this.socket.uncork();
  }
}
