// The test topics' argument checks: Kafka Streams' TestInputTopic and TestOutputTopic
// refuse a missing driver, topic name or serde when made (Objects.requireNonNull with
// "<what> cannot be null"), so a test that forgot one fails where it made the topic.

/** Throws TypeError("<what> cannot be null") when `value` is null or undefined. */
export function requireArgument(value: unknown, what: string): void {
  if (value === null || value === undefined) throw new TypeError(`${what} cannot be null`);
}
