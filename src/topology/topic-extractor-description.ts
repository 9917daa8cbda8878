// How describe() prints a dynamic sink's topic extractor. Kafka Streams prints the
// extractor object itself (its toString()), so an extractor that says what it does
// prints that; a plain function prints its name, as a Java class name would.
import type { TopicNameExtractor } from "./processor.js";

export function describeTopicExtractor(extractor: TopicNameExtractor<never, never>): string {
  // A toString of the function's own (or of a prototype other than Function's) is a description.
  if (extractor.toString !== Function.prototype.toString) return String(extractor);
  return extractor.name.length > 0 ? extractor.name : "anonymous function";
}
