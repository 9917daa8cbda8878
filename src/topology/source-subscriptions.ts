// Which source node reads each topic and each pattern: a topic has one source node, so a
// second source for a topic, or a pattern matching a topic another source reads, is an error.
import { DuplicateNameError } from "./errors.js";
import { checkName } from "./legal-names.js";
import { matchesWhole } from "./topic-pattern.js";

export class SourceSubscriptions {
  readonly #topicReaders = new Map<string, string>();
  readonly #patternReaders = new Map<string, { pattern: RegExp; source: string }>();

  /** The source reading `topic`, if one does. */
  readerOf(topic: string): string | undefined {
    return this.#topicReaders.get(topic);
  }

  /** The source subscribed to exactly this pattern (the same regular expression), if one is. */
  readerOfPattern(pattern: RegExp): string | undefined {
    return this.#patternReaders.get(pattern.source)?.source;
  }

  /** Records that source `node` reads `topics` or `pattern`; throws when another source reads any of them. */
  add(node: string, topics: readonly string[], pattern: RegExp | undefined): void {
    for (const topic of topics) {
      checkName(topic, "Topic name");
      const reader = this.#topicReaders.get(topic);
      if (reader !== undefined) {
        throw new DuplicateNameError(
          `Topic "${topic}" is already read by source ${reader}; a topic has one source node: ` +
            "read it once and reuse the stream (or table)",
        );
      }
      for (const { pattern: other, source } of this.#patternReaders.values()) {
        if (matchesWhole(other, topic)) {
          throw new DuplicateNameError(
            `Topic "${topic}" matches pattern /${other.source}/ of source ${source}; a topic has one source node`,
          );
        }
      }
    }
    if (pattern !== undefined) {
      const existing = this.#patternReaders.get(pattern.source);
      if (existing !== undefined) {
        throw new DuplicateNameError(
          `Pattern /${pattern.source}/ is already read by source ${existing.source}; a topic has one source node`,
        );
      }
      const overlapping = [...this.#topicReaders].find(([topic]) => matchesWhole(pattern, topic));
      if (overlapping !== undefined) {
        throw new DuplicateNameError(
          `Pattern /${pattern.source}/ matches topic "${overlapping[0]}", already read by source ${overlapping[1]}; ` +
            "a topic has one source node",
        );
      }
      this.#patternReaders.set(pattern.source, { pattern, source: node });
    }
    for (const topic of topics) this.#topicReaders.set(topic, node);
  }
}
