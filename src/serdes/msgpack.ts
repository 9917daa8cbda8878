// MessagePack through msgpackr, restricted to standard MessagePack: maps, arrays,
// strings, numbers, binary, nil, booleans, timestamps (Date) and 64-bit integers
// (bigint). msgpackr's record extension is off: it encodes object shapes as
// structure ids known only to the Packr that wrote them, so bytes written by one
// process would not decode in another one (or after a restart).
import { C1, Packr } from "msgpackr";
import type { Serde, SerdeContext } from "./serde.js";
import { deserializationError, errorMessage, serializationError } from "./failures.js";

// One shared instance: packing allocates from a growing slab and never rewrites bytes
// it has returned, so results stay valid after later calls. variableMapSize picks the
// smallest map header (fixmap for small objects, as other encoders do) and lifts the
// 65535-key limit of the fixed map16 header.
const packr = new Packr({
  useRecords: false,
  mapsAsObjects: true,
  variableMapSize: true,
  moreTypes: false,
  structuredClone: false,
});

export const msgpackSerde: Serde<unknown> = {
  name: "msgpack",
  serialize(value: unknown, context?: SerdeContext): Buffer {
    try {
      return packr.pack(value);
    } catch (error) {
      throw serializationError("msgpack", errorMessage(error), context, undefined, error);
    }
  },
  deserialize(bytes: Buffer, context?: SerdeContext): unknown {
    let value: unknown;
    try {
      value = packr.unpack(bytes);
    } catch (error) {
      throw deserializationError("msgpack", `invalid MessagePack (${errorMessage(error)})`, context, undefined, error);
    }
    // 0xc1 is the one byte MessagePack never uses; msgpackr returns a marker for it.
    if (value === C1) throw deserializationError("msgpack", "invalid MessagePack (byte 0xc1)", context);
    return value;
  },
};
