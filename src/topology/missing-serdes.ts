// The serdes a graph lacks, each kept as the MissingSerdeError to report should the
// configuration have no default for it either (default-serdes.ts fills the others).
import { MissingSerdeError } from "./errors.js";
import type { SerdeHint } from "./builder-specs.js";
import { isUnresolvedSerde } from "./default-serdes.js";
import type { PendingNode, PendingStore } from "./pending-graph.js";

function hintFor(hint: SerdeHint, part: "key" | "value"): string {
  return typeof hint === "string" ? hint.replaceAll("{part}", part) : hint[part];
}

/**
 * What each missing serde is reported as, should the configuration have no default
 * for it either: keyed "<node or store>/<part>". Repartition sources are left out:
 * they share their serdes with the sink that writes the topic, which reports them.
 */
export function missingSerdes(
  nodes: readonly PendingNode[],
  stores: readonly PendingStore[],
  storeUsers: ReadonlyMap<string, string[]>,
): Map<string, MissingSerdeError> {
  const problems = new Map<string, MissingSerdeError>();
  const orDefault = (part: "key" | "value"): string =>
    `, or set default${part === "key" ? "Key" : "Value"}Serde in the configuration`;
  for (const node of nodes) {
    if (node.kind === "processor" || (node.kind === "source" && node.internal)) continue;
    const where =
      node.kind === "source"
        ? `Source ${node.name} (${node.pattern === undefined ? `topics: [${node.topics.join(", ")}]` : `pattern: /${node.pattern.source}/`})`
        : `Sink ${node.name} (topic: ${node.topic ?? node.extractorDescription ?? "dynamic"})`;
    const hint: SerdeHint =
      node.kind === "sink" ? node.serdeHint : "give { key, value } serdes where the stream is created";
    for (const part of ["key", "value"] as const) {
      const serde = part === "key" ? node.keySerde : node.valueSerde;
      if (serde !== undefined && !isUnresolvedSerde(serde)) continue;
      const why = node.kind === "sink" ? ` (the ${part} type changed upstream, so no serde could be kept)` : "";
      problems.set(
        `${node.name}/${part}`,
        new MissingSerdeError(
          node.name,
          part,
          `${where} has no ${part} serde${why}: ${hintFor(hint, part)}${orDefault(part)}`,
        ),
      );
    }
  }
  for (const store of stores) {
    for (const part of ["key", "value"] as const) {
      const serde = part === "key" ? store.keySerde : store.valueSerde;
      if (serde !== undefined && !isUnresolvedSerde(serde)) continue;
      const users = storeUsers.get(store.name) ?? [];
      problems.set(
        `${store.name}/${part}`,
        new MissingSerdeError(
          users[0] ?? store.name,
          part,
          `State store "${store.name}" (used by ${users.join(", ")}) has no ${part} serde: ${hintFor(store.serdeHint, part)}${orDefault(part)}`,
        ),
      );
    }
  }
  return problems;
}
