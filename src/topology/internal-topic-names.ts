// Topic names in a topology are logical. A source or sink marked `internal` (a
// repartition topic) lives on Kafka as `<applicationId>-<name>`, a store's changelog as
// `<applicationId>-<store>-changelog`, the dead-letter topic as `<applicationId>-dlq`:
// the application id is a runtime setting, so the topology does not know it.

export function repartitionTopicName(applicationId: string, name: string): string {
  return `${applicationId}-${name}`;
}

export function changelogTopicName(applicationId: string, store: string): string {
  return `${applicationId}-${store}-changelog`;
}

export function deadLetterTopicName(applicationId: string): string {
  return `${applicationId}-dlq`;
}

/** The topic a source or sink really uses, given the application id. */
export function physicalTopicName(applicationId: string, topic: string, internal: boolean): string {
  return internal ? repartitionTopicName(applicationId, topic) : topic;
}
