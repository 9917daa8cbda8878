// The subscription store's keys: Kafka Streams' CombinedKeySchema, the foreign key's
// bytes behind their length, then the primary key's bytes:
//   {4 bytes: foreign key length}{foreign key bytes}{primary key bytes}
// so that every subscription to one foreign key shares a prefix, and an update of the
// right table finds its subscribers with one prefix scan.
import type { Serde, SerdeContext } from "../../../../serdes/serde.js";

export class CombinedKeySchema<KO, K> {
  constructor(
    private readonly foreignKeySerde: Serde<KO>,
    private readonly primaryKeySerde: Serde<K>,
    private readonly foreignKeyContext: SerdeContext,
    private readonly primaryKeyContext: SerdeContext,
  ) {}

  toBytes(foreignKey: KO, primaryKey: K): Buffer {
    const foreign = this.foreignKeySerde.serialize(foreignKey, this.foreignKeyContext);
    const primary = this.primaryKeySerde.serialize(primaryKey, this.primaryKeyContext);
    const out = Buffer.allocUnsafe(4 + foreign.length + primary.length);
    out.writeInt32BE(foreign.length, 0);
    foreign.copy(out, 4);
    primary.copy(out, 4 + foreign.length);
    return out;
  }

  prefixBytes(foreignKey: KO): Buffer {
    const foreign = this.foreignKeySerde.serialize(foreignKey, this.foreignKeyContext);
    const out = Buffer.allocUnsafe(4 + foreign.length);
    out.writeInt32BE(foreign.length, 0);
    foreign.copy(out, 4);
    return out;
  }

  primaryKeyOf(bytes: Buffer): K {
    const foreignLength = bytes.readInt32BE(0);
    return this.primaryKeySerde.deserialize(bytes.subarray(4 + foreignLength), this.primaryKeyContext);
  }
}
