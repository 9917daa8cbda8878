// suppress()'s buffer is an internal store: the HTTP API leaves it out of its catalog (a
// lookup answers 404 as for an absent store) unless the config serves internal stores.
import { describe, expect, it } from "vitest";
import { StoreCatalog } from "../../src/api/store-catalog.js";
import { Serdes } from "../../src/serdes/serdes.js";
import { StreamsBuilder } from "../../src/topology/dsl/streams-builder.js";
import { BufferConfig, Suppressed } from "../../src/topology/dsl/suppressed.js";

function topology() {
  const builder = new StreamsBuilder();
  builder
    .stream("input", { key: Serdes.string(), value: Serdes.string() })
    .groupByKey()
    .count({ store: "counts" })
    .suppress(Suppressed.untilTimeLimit<string>(1_000, BufferConfig.unbounded()).withName("quiet"))
    .toStream()
    .to("output", { key: Serdes.string(), value: Serdes.long() });
  return builder.build();
}

describe("the suppression buffer in the HTTP API's store catalog", () => {
  it("is left out by default and served only with internal stores on", () => {
    expect(new StoreCatalog(topology()).names()).toEqual(["counts"]);
    expect(() => new StoreCatalog(topology()).get("quiet-store")).toThrow(/quiet-store/);
    const withInternal = new StoreCatalog(topology(), {}, { internalStores: true });
    expect(withInternal.names().sort()).toEqual(["counts", "quiet-store"]);
    expect(withInternal.get("quiet-store").internal).toBe(true);
  });
});
