// A store position as it travels over HTTP: the `position` a command's answer carries
// (body field and x-eddy-position header) and a lookup may pass back (?position= or the
// same header) to read its own writes. Kafka Streams' Position, as text:
// `topic:partition:offset`, comma-separated; the offset is that of the input record the
// lookup must see reflected. Topic names cannot hold ':' or ',', so no escaping.
import { z } from "zod";
import type { TopicPartitionOffset } from "../kafka/types.js";

export const POSITION_HEADER = "x-eddy-position";

const ENTRY = /^([A-Za-z0-9._-]{1,249}):(\d{1,9}):(\d{1,16})$/;

export const positionText = z
  .string()
  .max(8192)
  .transform((text, context): TopicPartitionOffset[] => {
    const entries: TopicPartitionOffset[] = [];
    for (const part of text.split(",")) {
      const match = ENTRY.exec(part.trim());
      if (match === null) {
        context.addIssue({
          code: "custom",
          message: `"${part}" is not topic:partition:offset (the position a command's answer carries)`,
        });
        return z.NEVER;
      }
      entries.push({ topic: match[1] as string, partition: Number(match[2]), offset: Number(match[3]) });
    }
    return entries;
  })
  .meta({
    description:
      "A store position, topic:partition:offset (comma-separated for several): the `position` a command's answer carries. " +
      "The lookup waits until the store reflects those records (read-your-writes), or answers 503.",
  });

export function formatPosition(position: readonly TopicPartitionOffset[]): string {
  return position.map((p) => `${p.topic}:${p.partition}:${p.offset}`).join(",");
}
