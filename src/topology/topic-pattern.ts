// Regular-expression subscriptions (Consumed with a pattern, Topology.addSource(name,
// pattern)): Kafka matches a topic against the whole pattern, as Java's
// Matcher.matches(), not as a search inside the name.

/** Whether `pattern` matches the whole of `topic`. */
export function matchesWhole(pattern: RegExp, topic: string): boolean {
  return new RegExp(`^(?:${pattern.source})$`, pattern.flags.replace(/[gy]/g, "")).test(topic);
}
