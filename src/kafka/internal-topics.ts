// Internal topics are created by the application at start, named as Kafka Streams names
// them, and an existing one is checked rather than trusted: a changelog with the wrong
// partition count would restore one task's state into another, and one that is not
// compacted would grow without bound and restore slower every day.
import type { Logger } from "pino";
import type { KafkaAdmin } from "./admin-client.js";
import { InternalTopicError } from "./errors.js";

export type InternalTopicKind = "changelog" | "repartition" | "dead-letter";

export interface InternalTopicSpec {
  name: string;
  kind: InternalTopicKind;
  /** Required partition count; dead-letter topics accept whatever an existing one has. */
  partitions: number;
  configs: Record<string, string>;
}

export const CHANGELOG_CONFIGS: Record<string, string> = { "cleanup.policy": "compact" };

/** Kafka Streams' windowstore.changelog.additional.retention.ms default: a day. */
export const WINDOWED_CHANGELOG_ADDITIONAL_RETENTION_MS = 86_400_000;

/**
 * A window or session store's changelog (Kafka Streams' WindowedChangelogTopicConfig):
 * compacted, and deleted a day past the store's retention, since the store drops its
 * expired windows without a tombstone.
 */
export function windowedChangelogConfigs(retentionMs: number): Record<string, string> {
  return {
    "cleanup.policy": "compact,delete",
    "retention.ms": String(retentionMs + WINDOWED_CHANGELOG_ADDITIONAL_RETENTION_MS),
  };
}
export const REPARTITION_CONFIGS: Record<string, string> = { "cleanup.policy": "delete" };
export const DEAD_LETTER_CONFIGS: Record<string, string> = { "cleanup.policy": "delete" };

/** Creates the missing topics and validates all of them; returns the actual partition counts. */
export async function ensureInternalTopics(
  admin: KafkaAdmin,
  specs: readonly InternalTopicSpec[],
  options: { replicationFactor: number; logger: Logger },
): Promise<Map<string, number>> {
  const names = specs.map((s) => s.name);
  const before = await admin.partitionCounts(names);
  const missing = specs.filter((s) => !before.has(s.name));
  if (missing.length > 0) {
    await admin.createTopics(
      missing.map((s) => ({
        name: s.name,
        partitions: s.partitions,
        replicationFactor: options.replicationFactor,
        configs: s.configs,
      })),
    );
    for (const s of missing) {
      options.logger.info({ topic: s.name, partitions: s.partitions, kind: s.kind }, "created internal topic");
    }
  }
  // Read back what exists now: another instance may have created a topic at the same time.
  const counts = missing.length > 0 ? await admin.partitionCounts(names) : before;
  for (const spec of specs) {
    const actual = counts.get(spec.name);
    if (actual === undefined) {
      throw new InternalTopicError(
        spec.name,
        `Internal topic ${spec.name} could not be created; check the broker's logs and ACLs.`,
      );
    }
    if (spec.kind !== "dead-letter" && actual !== spec.partitions) {
      throw new InternalTopicError(
        spec.name,
        `Internal topic ${spec.name} has ${actual} partitions but the topology needs ${spec.partitions} ` +
          `(one per task of its sub-topology). Delete it (its data is derived) or fix the source topics' partition counts.`,
      );
    }
  }
  const changelogs = specs.filter((s) => s.kind === "changelog").map((s) => s.name);
  const policies = await admin.topicConfig(changelogs, "cleanup.policy");
  for (const topic of changelogs) {
    const policy = policies.get(topic);
    const wanted = specs.find((s) => s.name === topic)?.configs["cleanup.policy"] ?? "";
    if (policy !== undefined && wanted.includes("delete") && !policy.includes("delete")) {
      // Made before windowed changelogs were: it keeps every window ever written.
      options.logger.warn(
        { topic, policy },
        `Changelog topic ${topic} of a window or session store has cleanup.policy=${policy}: its expired windows ` +
          `are dropped without a tombstone, so set cleanup.policy=compact,delete and retention.ms on it as Kafka Streams does.`,
      );
    }
    if (
      policy !== undefined &&
      !policy
        .split(",")
        .map((p) => p.trim())
        .includes("compact")
    ) {
      throw new InternalTopicError(
        topic,
        `Changelog topic ${topic} has cleanup.policy=${policy}; a changelog must be compacted ` +
          `(set cleanup.policy=compact on it, or delete it and let the application recreate it).`,
      );
    }
  }
  return counts;
}
