// KStream.print(): Kafka Streams' KStreamPrint with PrintForeachAction, one line per
// record, "[<label>]: <key>, <value>" (or what the mapper makes of key and value). The
// label defaults to the name of the node printed, as in Kafka Streams.
import { appendFileSync } from "node:fs";
import type { ProcessorSupplier } from "../../processor.js";
import type { StreamRecord } from "../../record.js";

/** Where print() writes: the process's stdout or stderr, a file (appended), or any function of one line. */
export type PrintTarget = "stdout" | "stderr" | { readonly file: string } | ((line: string) => void);

/** How a value prints by default: as Java's String.valueOf would print the same value. */
export function printable(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return value;
  if (Buffer.isBuffer(value)) return value.toString("utf8");
  if (Array.isArray(value)) return JSON.stringify(value);
  if (typeof value === "object") {
    const text = String(value);
    // A plain object has no toString of its own: print its JSON rather than "[object Object]".
    return text === "[object Object]" ? JSON.stringify(value) : text;
  }
  return String(value);
}

export function printSupplier<K, V>(
  label: string,
  mapper: (key: K, value: V) => string,
  target: PrintTarget,
): ProcessorSupplier<K, V> {
  const write = writerFor(target);
  return () => ({
    process(record: StreamRecord<K, V>): void {
      write(`[${label}]: ${mapper(record.key, record.value)}`);
    },
  });
}

function writerFor(target: PrintTarget): (line: string) => void {
  if (typeof target === "function") return target;
  if (target === "stdout") return (line) => process.stdout.write(`${line}\n`);
  if (target === "stderr") return (line) => process.stderr.write(`${line}\n`);
  const { file } = target;
  return (line) => appendFileSync(file, `${line}\n`, "utf8");
}
