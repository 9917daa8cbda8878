// Which store a TopologyTestDriver getter may hand out: the store must be in the topology
// and of the getter's type; otherwise the error names the getter that reads it.
import { StoreNotFoundError } from "../stores/errors.js";
import type { StoreDefinition, Topology } from "../topology/topology.js";
import { WrongStoreTypeError } from "./errors.js";

/** The definition of store `name`, of type `type`; `expected` says what the getter reads ("window store (getWindowStore())"). */
export function storeDefinitionOf(
  topology: Topology,
  name: string,
  type: StoreDefinition["type"],
  expected: string,
): StoreDefinition {
  const definition = topology.stores.get(name);
  if (definition === undefined) throw new StoreNotFoundError(name, "the topology");
  if (definition.type !== type) {
    throw new WrongStoreTypeError(name, `${definition.type} store`, expected, storeGetterFor(definition));
  }
  return definition;
}

/** The driver call that reads a store of this definition's type. */
function storeGetterFor(definition: StoreDefinition): string {
  switch (definition.type) {
    case "keyValue":
      return definition.timestamped ? "getTimestampedKeyValueStore()" : "getKeyValueStore()";
    case "window":
      return "getWindowStore()";
    case "session":
      return "getSessionStore()";
    case "buffer":
      return "nothing: suppress() buffers are internal";
    case "versioned":
      return "getVersionedKeyValueStore()";
  }
}
