// Kafka message schemas as TypeScript data. Each file in messages/ transcribes one API
// from apache/kafka's JSON message definitions (clients/src/main/resources/common/message),
// limited to the versions this broker advertises. codec.ts turns a schema into
// version-specific decoders and encoders; the types below turn it into TypeScript types,
// so a handler sees exactly the fields the schema declares.

export type PrimitiveType =
  "bool" | "int8" | "int16" | "int32" | "int64" | "uint16" | "float64" | "string" | "bytes" | "records" | "uuid";

export type FieldType = PrimitiveType | `[]${PrimitiveType}` | "[]struct" | "struct";

export interface FieldSpec {
  readonly name: string;
  readonly type: FieldType;
  /** Versions that carry the field, in Kafka's notation: "0+", "3-7", "5". */
  readonly versions: string;
  readonly nullableVersions?: string;
  /** Value when the field is absent from a version (Kafka's "default"). */
  readonly default?: boolean | number | string | null;
  readonly fields?: readonly FieldSpec[];
  /** A tagged field (flexible versions only): its tag, and the versions that carry it so. */
  readonly tag?: number;
  readonly taggedVersions?: string;
}

export interface ApiSpec {
  readonly name: string;
  readonly apiKey: number;
  /** The version range this broker advertises in ApiVersions. */
  readonly minVersion: number;
  readonly maxVersion: number;
  /** Versions using compact encodings and tagged fields ("none" if no version does). */
  readonly flexibleVersions: string;
  readonly request: readonly FieldSpec[];
  readonly response: readonly FieldSpec[];
}

export function defineApi<const T extends ApiSpec>(spec: T): T {
  return spec;
}

export interface VersionRange {
  readonly min: number;
  readonly max: number;
}

export function parseVersions(text: string): VersionRange | null {
  if (text === "none") return null;
  if (text.endsWith("+")) return { min: Number(text.slice(0, -1)), max: Number.MAX_SAFE_INTEGER };
  const dash = text.indexOf("-");
  if (dash > 0) return { min: Number(text.slice(0, dash)), max: Number(text.slice(dash + 1)) };
  const only = Number(text);
  return { min: only, max: only };
}

export function inVersions(text: string | undefined, version: number): boolean {
  if (text === undefined) return false;
  const range = parseVersions(text);
  return range !== null && version >= range.min && version <= range.max;
}

// ---- types derived from schemas ----

interface DecodedPrimitives {
  bool: boolean;
  int8: number;
  int16: number;
  int32: number;
  int64: number;
  uint16: number;
  float64: number;
  string: string;
  bytes: Buffer;
  records: Buffer;
  uuid: Buffer;
}

interface EncodablePrimitives extends Omit<DecodedPrimitives, "records"> {
  /** Record batches to send: one buffer or several, written back to back without copying. */
  records: Buffer | readonly Buffer[];
}

type Fields<F extends FieldSpec> = F["fields"] extends readonly FieldSpec[] ? F["fields"] : readonly [];

type DecodedValue<F extends FieldSpec> = F["type"] extends "[]struct"
  ? DecodedStruct<Fields<F>>[]
  : F["type"] extends "struct"
    ? DecodedStruct<Fields<F>>
    : F["type"] extends `[]${infer P extends PrimitiveType}`
      ? DecodedPrimitives[P][]
      : F["type"] extends PrimitiveType
        ? DecodedPrimitives[F["type"]]
        : never;

type EncodableValue<F extends FieldSpec> = F["type"] extends "[]struct"
  ? readonly EncodableStruct<Fields<F>>[]
  : F["type"] extends "struct"
    ? EncodableStruct<Fields<F>>
    : F["type"] extends `[]${infer P extends PrimitiveType}`
      ? readonly EncodablePrimitives[P][]
      : F["type"] extends PrimitiveType
        ? EncodablePrimitives[F["type"]]
        : never;

type Nullable<F extends FieldSpec, V> = F extends { readonly nullableVersions: string } ? V | null : V;

/** A decoded struct: every field is present (absent ones hold their default). */
export type DecodedStruct<Fs extends readonly FieldSpec[]> = {
  -readonly [F in Fs[number] as F["name"]]: Nullable<F, DecodedValue<F>>;
};

/** A struct to encode: omitted fields are written with their default, as Kafka's generated code does. */
export type EncodableStruct<Fs extends readonly FieldSpec[]> = {
  readonly [F in Fs[number] as F["name"]]?: Nullable<F, EncodableValue<F>>;
};

export type RequestOf<A extends ApiSpec> = DecodedStruct<A["request"]>;
export type ResponseOf<A extends ApiSpec> = EncodableStruct<A["response"]>;
/** For tests and tools that act as a client. */
export type RequestInput<A extends ApiSpec> = EncodableStruct<A["request"]>;
export type DecodedResponse<A extends ApiSpec> = DecodedStruct<A["response"]>;
