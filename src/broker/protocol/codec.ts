// One interpreter for every message schema: compiles a schema, for one version, into a
// decoder and an encoder (closures over the fields that version carries), cached per
// version. Compact strings/arrays/bytes and tagged-field sections are used exactly in the
// schema's flexible versions. Tagged fields the schema declares are read, and written when
// they differ from their default (as Kafka's generated code does); unknown ones are skipped.
import { MalformedFrameError, ProtocolEncodeError } from "../errors.js";
import type { ByteReader } from "../../bytes/byte-reader.js";
import {
  inVersions,
  type ApiSpec,
  type DecodedResponse,
  type FieldSpec,
  type RequestInput,
  type RequestOf,
  type ResponseOf,
} from "./schema.js";
import { ByteWriter } from "../../bytes/byte-writer.js";

type Read = (reader: ByteReader) => unknown;
type Write = (writer: ByteWriter, value: unknown) => void;

interface CompiledStruct {
  read: (reader: ByteReader) => Record<string, unknown>;
  write: (writer: ByteWriter, value: Record<string, unknown> | undefined) => void;
  defaults: () => Record<string, unknown>;
}

const EMPTY = Buffer.alloc(0);
const ZERO_UUID = Buffer.alloc(16);

function readLength(reader: ByteReader, flexible: boolean, wide: boolean): number {
  if (flexible) return reader.unsignedVarint() - 1;
  return wide ? reader.int32() : reader.int16();
}

function writeLength(writer: ByteWriter, length: number, flexible: boolean, wide: boolean): void {
  if (flexible) writer.unsignedVarint(length + 1);
  else if (wide) writer.int32(length);
  else writer.int16(length);
}

function nullCheck(field: FieldSpec, nullable: boolean): null {
  if (!nullable) throw new MalformedFrameError(`field ${field.name} is null but not nullable in this version`);
  return null;
}

function primitiveReader(field: FieldSpec, type: string, flexible: boolean, nullable: boolean): Read {
  switch (type) {
    case "bool":
      return (r) => r.bool();
    case "int8":
      return (r) => r.int8();
    case "int16":
      return (r) => r.int16();
    case "uint16":
      return (r) => r.uint16();
    case "int32":
      return (r) => r.int32();
    case "int64":
      return (r) => r.int64();
    case "float64":
      return (r) => r.float64();
    case "uuid":
      return (r) => r.uuid();
    case "string":
      return (r) => {
        const length = readLength(r, flexible, false);
        return length < 0 ? nullCheck(field, nullable) : r.string(length);
      };
    case "bytes":
      // Copied: a group keeps a member's metadata and assignment, and a slice would keep the
      // whole request frame (up to socket.request.max.bytes) alive with it.
      return (r) => {
        const length = readLength(r, flexible, true);
        return length < 0 ? nullCheck(field, nullable) : Buffer.from(r.bytes(length));
      };
    case "records":
      // Not copied: Produce decides per batch whether the log may keep the bytes by reference.
      return (r) => {
        const length = readLength(r, flexible, true);
        return length < 0 ? nullCheck(field, nullable) : r.bytes(length);
      };
    default:
      throw new ProtocolEncodeError(`unknown field type ${type} for ${field.name}`);
  }
}

function primitiveWriter(field: FieldSpec, type: string, flexible: boolean, nullable: boolean): Write {
  const refuseNull = (): never => {
    throw new ProtocolEncodeError(`field ${field.name} is null but not nullable in this version`);
  };
  switch (type) {
    case "bool":
      return (w, v) => w.bool(v as boolean);
    case "int8":
      return (w, v) => w.int8(v as number);
    case "int16":
      return (w, v) => w.int16(v as number);
    case "uint16":
      return (w, v) => w.uint16(v as number);
    case "int32":
      return (w, v) => w.int32(v as number);
    case "int64":
      return (w, v) => w.int64(v as number);
    case "float64":
      return (w, v) => w.float64(v as number);
    case "uuid":
      return (w, v) => w.bytes(v as Buffer);
    case "string":
      return (w, v) => {
        if (v === null) {
          if (!nullable) refuseNull();
          writeLength(w, -1, flexible, false);
          return;
        }
        const text = v as string;
        const length = Buffer.byteLength(text);
        if (!flexible && length > 0x7fff)
          throw new ProtocolEncodeError(`field ${field.name} is longer than 32767 bytes`);
        writeLength(w, length, flexible, false);
        w.string(text, length);
      };
    case "bytes":
      return (w, v) => {
        if (v === null) {
          if (!nullable) refuseNull();
          writeLength(w, -1, flexible, true);
          return;
        }
        const bytes = v as Buffer;
        writeLength(w, bytes.length, flexible, true);
        w.bytes(bytes);
      };
    case "records":
      return (w, v) => {
        if (v === null) {
          if (!nullable) refuseNull();
          writeLength(w, -1, flexible, true);
          return;
        }
        if (Buffer.isBuffer(v)) {
          writeLength(w, v.length, flexible, true);
          w.bytes(v);
          return;
        }
        const parts = v as readonly Buffer[];
        let total = 0;
        for (const part of parts) total += part.length;
        writeLength(w, total, flexible, true);
        for (const part of parts) w.bytes(part);
      };
    default:
      throw new ProtocolEncodeError(`unknown field type ${type} for ${field.name}`);
  }
}

function defaultOf(field: FieldSpec, version: number, flexible: boolean): () => unknown {
  const { type } = field;
  if (type.startsWith("[]")) {
    return field.default === null ? () => null : () => [];
  }
  if (type === "struct") {
    const nested = compileStruct(field.fields ?? [], version, flexible);
    return nested.defaults;
  }
  if (field.default !== undefined) {
    const value = field.default;
    if (value === null) return () => null;
    return () => value;
  }
  switch (type) {
    case "bool":
      return () => false;
    case "string":
      return () => "";
    case "bytes":
      return () => EMPTY;
    case "records":
      return () => null;
    case "uuid":
      return () => ZERO_UUID;
    default:
      return () => 0;
  }
}

function compileField(field: FieldSpec, version: number, flexible: boolean): { read: Read; write: Write } {
  const nullable = inVersions(field.nullableVersions, version);
  const { type } = field;
  if (type === "struct") {
    const nested = compileStruct(field.fields ?? [], version, flexible);
    return { read: nested.read, write: (w, v) => nested.write(w, v as Record<string, unknown>) };
  }
  if (type.startsWith("[]")) {
    let readElement: Read;
    let writeElement: Write;
    if (type === "[]struct") {
      const nested = compileStruct(field.fields ?? [], version, flexible);
      readElement = nested.read;
      writeElement = (w, v) => nested.write(w, v as Record<string, unknown>);
    } else {
      const elementType = type.slice(2);
      readElement = primitiveReader(field, elementType, flexible, false);
      writeElement = primitiveWriter(field, elementType, flexible, false);
    }
    return {
      read: (r) => {
        const count = readLength(r, flexible, true);
        if (count < 0) return nullCheck(field, nullable);
        // Each element takes at least one byte: a count beyond the frame is a lie, not an allocation.
        if (count > r.remaining) throw new MalformedFrameError(`array ${field.name} claims ${count} elements`);
        const items = new Array<unknown>(count);
        for (let i = 0; i < count; i++) items[i] = readElement(r);
        return items;
      },
      write: (w, v) => {
        if (v === null) {
          if (!nullable) throw new ProtocolEncodeError(`array ${field.name} is null but not nullable in this version`);
          writeLength(w, -1, flexible, true);
          return;
        }
        const items = v as readonly unknown[];
        writeLength(w, items.length, flexible, true);
        for (const item of items) writeElement(w, item);
      },
    };
  }
  return {
    read: primitiveReader(field, type, flexible, nullable),
    write: primitiveWriter(field, type, flexible, nullable),
  };
}

interface TaggedField {
  readonly tag: number;
  readonly name: string;
  readonly read: Read;
  readonly write: Write;
  readonly isDefault: (value: unknown) => boolean;
}

/** Reads a tagged-field section into `out`: declared tags by their field, others skipped. */
function readTaggedFields(
  reader: ByteReader,
  tagged: ReadonlyMap<number, TaggedField>,
  out: Record<string, unknown>,
): void {
  const count = reader.unsignedVarint();
  for (let i = 0; i < count; i++) {
    const tag = reader.unsignedVarint();
    const size = reader.unsignedVarint();
    const field = tagged.get(tag);
    if (field === undefined) {
      reader.skip(size);
      continue;
    }
    const end = reader.offset + size;
    out[field.name] = field.read(reader);
    if (reader.offset !== end) throw new MalformedFrameError(`tagged field ${field.name} is not ${size} bytes long`);
  }
}

/** Writes the tagged fields whose values differ from their defaults, in tag order. */
function writeTaggedFields(
  writer: ByteWriter,
  tagged: readonly TaggedField[],
  value: Record<string, unknown> | undefined,
): void {
  const written: Array<[number, Buffer]> = [];
  for (const field of tagged) {
    const given = value?.[field.name];
    if (given === undefined || field.isDefault(given)) continue;
    const bytes = new ByteWriter();
    field.write(bytes, given);
    written.push([field.tag, bytes.toBuffer()]);
  }
  writer.unsignedVarint(written.length);
  for (const [tag, bytes] of written) {
    writer.unsignedVarint(tag);
    writer.unsignedVarint(bytes.length);
    writer.bytes(bytes);
  }
}

function isDefaultValue(field: FieldSpec, defaults: () => unknown): (value: unknown) => boolean {
  if (field.type.startsWith("[]")) return (value) => Array.isArray(value) && value.length === 0;
  const fallback = defaults();
  return (value) => value === fallback;
}

function compileStruct(fields: readonly FieldSpec[], version: number, flexible: boolean): CompiledStruct {
  const names: string[] = [];
  const present: boolean[] = [];
  const reads: Read[] = [];
  const writes: Write[] = [];
  const defaults: (() => unknown)[] = [];
  const tagged: TaggedField[] = [];
  for (const field of fields) {
    names.push(field.name);
    const inVersion = inVersions(field.versions, version);
    const isTagged = flexible && field.tag !== undefined && inVersions(field.taggedVersions, version);
    present.push(inVersion && !isTagged);
    const fieldDefault = defaultOf(field, version, flexible);
    defaults.push(fieldDefault);
    const compiled = inVersion ? compileField(field, version, flexible) : null;
    if (compiled && isTagged) {
      tagged.push({ tag: field.tag!, name: field.name, ...compiled, isDefault: isDefaultValue(field, fieldDefault) });
    }
    reads.push(compiled && !isTagged ? compiled.read : () => undefined);
    writes.push(compiled && !isTagged ? compiled.write : () => undefined);
  }
  tagged.sort((a, b) => a.tag - b.tag);
  const taggedByTag = new Map(tagged.map((field) => [field.tag, field]));
  const count = names.length;
  return {
    read(reader) {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < count; i++) {
        out[names[i]!] = present[i] ? reads[i]!(reader) : defaults[i]!();
      }
      if (flexible) readTaggedFields(reader, taggedByTag, out);
      return out;
    },
    write(writer, value) {
      for (let i = 0; i < count; i++) {
        if (!present[i]) continue;
        const given = value?.[names[i]!];
        writes[i]!(writer, given === undefined ? defaults[i]!() : given);
      }
      if (flexible) writeTaggedFields(writer, tagged, value);
    },
    defaults() {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < count; i++) out[names[i]!] = defaults[i]!();
      return out;
    },
  };
}

interface VersionCodec {
  request: CompiledStruct;
  response: CompiledStruct;
}

export class ApiCodec<A extends ApiSpec> {
  private readonly versions: (VersionCodec | undefined)[] = [];

  constructor(readonly spec: A) {}

  supports(version: number): boolean {
    return version >= this.spec.minVersion && version <= this.spec.maxVersion;
  }

  isFlexible(version: number): boolean {
    return inVersions(this.spec.flexibleVersions, version);
  }

  private forVersion(version: number): VersionCodec {
    let codec = this.versions[version];
    if (!codec) {
      if (!this.supports(version)) {
        throw new ProtocolEncodeError(`${this.spec.name} v${version} is not supported`);
      }
      const flexible = this.isFlexible(version);
      codec = {
        request: compileStruct(this.spec.request, version, flexible),
        response: compileStruct(this.spec.response, version, flexible),
      };
      this.versions[version] = codec;
    }
    return codec;
  }

  decodeRequest(version: number, reader: ByteReader): RequestOf<A> {
    return this.forVersion(version).request.read(reader) as RequestOf<A>;
  }

  encodeResponse(version: number, writer: ByteWriter, value: ResponseOf<A>): void {
    this.forVersion(version).response.write(writer, value as Record<string, unknown>);
  }

  encodeRequest(version: number, writer: ByteWriter, value: RequestInput<A>): void {
    this.forVersion(version).request.write(writer, value as Record<string, unknown>);
  }

  decodeResponse(version: number, reader: ByteReader): DecodedResponse<A> {
    return this.forVersion(version).response.read(reader) as DecodedResponse<A>;
  }
}
