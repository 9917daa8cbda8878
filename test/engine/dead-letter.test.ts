import { describe, expect, it } from "vitest";
import { DeserializationError } from "../../src/serdes/errors.js";
import { DeadLetterHeaders, deadLetterRecord } from "../../src/engine/dead-letter.js";
import { InvalidTimestampError } from "../../src/engine/processing-errors.js";

describe("deadLetterRecord", () => {
  const consumed = {
    topic: "orders",
    partition: 2,
    offset: 41,
    timestamp: 1700,
    key: Buffer.from("k"),
    value: Buffer.from([0xff]),
    headers: [{ key: "trace", value: Buffer.from("t-1") }],
  };

  it("keeps the original bytes and headers and adds what went wrong and where", () => {
    const error = new DeserializationError("not JSON", { topic: "orders", part: "value" });
    const record = deadLetterRecord("shop", "0_2", consumed, error, 9999);
    expect(record).toMatchObject({
      topic: "shop-dlq",
      partition: undefined,
      key: Buffer.from("k"),
      value: Buffer.from([0xff]),
      timestamp: 1700,
    });
    expect(record.headers.map((header) => [header.key, header.value?.toString()])).toEqual([
      ["trace", "t-1"],
      [DeadLetterHeaders.errorCode, "EDDY_ERR_DESERIALIZATION"],
      [DeadLetterHeaders.errorMessage, "not JSON"],
      [DeadLetterHeaders.topic, "orders"],
      [DeadLetterHeaders.partition, "2"],
      [DeadLetterHeaders.offset, "41"],
      [DeadLetterHeaders.taskId, "0_2"],
      [DeadLetterHeaders.part, "value"],
    ]);
  });

  it("stamps a record with an invalid timestamp with the current time", () => {
    const bad = { ...consumed, timestamp: -1 };
    const record = deadLetterRecord("shop", "0_2", bad, new InvalidTimestampError(-1, bad), 9999);
    expect(record.timestamp).toBe(9999);
    expect(record.headers.find((header) => header.key === DeadLetterHeaders.errorCode)?.value?.toString()).toBe(
      "EDDY_ERR_INVALID_TIMESTAMP",
    );
    expect(record.headers.some((header) => header.key === DeadLetterHeaders.part)).toBe(false);
  });
});
