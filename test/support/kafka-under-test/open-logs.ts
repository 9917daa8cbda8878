// The log files of the Apache Kafka brokers this test process holds, so that a failing test
// names them (setup-file.ts). Kept apart from kafka-under-test.ts so that the setup file,
// loaded by every test file, imports nothing heavy.
import { onTestFailed } from "vitest";

const openLogs = new Set<string>();

export function holdLogs(files: readonly string[]): void {
  for (const file of files) openLogs.add(file);
}

export function dropLogs(files: readonly string[]): void {
  for (const file of files) openLogs.delete(file);
}

/** Adds the Apache Kafka log files in use to a failing test's errors (call in a beforeEach). */
export function nameKafkaLogsOnFailure(): void {
  onTestFailed(({ task }) => {
    if (openLogs.size === 0) return;
    const note = `\nApache Kafka's log: ${[...openLogs].join(", ")}`;
    for (const error of task.result?.errors ?? []) {
      if (typeof error.message === "string" && !error.message.includes(note)) error.message += note;
    }
  });
}
