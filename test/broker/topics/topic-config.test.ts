import { describe, expect, it } from "vitest";
import { InvalidTopicConfig, normalizeConfigValue, toLogConfig } from "../../../src/broker/topics/topic-config.js";

describe("topic configs", () => {
  it("accepts Kafka's values and normalizes them", () => {
    expect(normalizeConfigValue("cleanup.policy", "compact, delete")).toBe("compact,delete");
    expect(normalizeConfigValue("retention.ms", "-1")).toBe("-1");
    expect(normalizeConfigValue("retention.bytes", "9223372036854775807")).toBe("9223372036854775807");
    expect(normalizeConfigValue("preallocate", "TRUE")).toBe("true");
    expect(normalizeConfigValue("min.cleanable.dirty.ratio", "0.25")).toBe("0.25");
    expect(normalizeConfigValue("message.timestamp.type", "LogAppendTime")).toBe("LogAppendTime");
  });

  it("accepts Kafka 3.9's compression levels, throttles, local retention and message format, as Kafka does", () => {
    expect(normalizeConfigValue("compression.gzip.level", "-1")).toBe("-1");
    expect(normalizeConfigValue("compression.gzip.level", "9")).toBe("9");
    expect(normalizeConfigValue("compression.zstd.level", "-5")).toBe("-5");
    expect(normalizeConfigValue("compression.lz4.level", "17")).toBe("17");
    expect(normalizeConfigValue("leader.replication.throttled.replicas", "*")).toBe("*");
    expect(normalizeConfigValue("follower.replication.throttled.replicas", "0:1, 1:1")).toBe("0:1,1:1");
    expect(normalizeConfigValue("follower.replication.throttled.replicas", "")).toBe("");
    expect(normalizeConfigValue("local.retention.ms", "-2")).toBe("-2");
    expect(normalizeConfigValue("message.format.version", "2.8-IV1")).toBe("2.8-IV1");
    expect(normalizeConfigValue("remote.storage.enable", "false")).toBe("false");
  });

  it.each([
    ["no.such.config", "1", /Unknown topic config name: no.such.config/],
    ["cleanup.policy", "forever", /valid values are delete, compact/],
    ["retention.ms", "-2", /at least -1/],
    ["retention.ms", "soon", /Not a number/],
    ["segment.bytes", "2147483648", /Not a number of type INT/],
    ["segment.bytes", "10", /at least 14/],
    ["max.message.bytes", "1.5", /Not a number/],
    ["min.insync.replicas", "0", /at least 1/],
    ["message.timestamp.type", "createtime", /one of: CreateTime, LogAppendTime/],
    ["compression.type", "brotli", /one of:/],
    ["min.cleanable.dirty.ratio", "1.5", /no more than 1/],
    ["delete.retention.ms", "-1", /at least 0/],
    ["compression.gzip.level", "0", /at least 1/],
    ["compression.gzip.level", "10", /no more than 9/],
    ["compression.lz4.level", "18", /no more than 17/],
    ["leader.replication.throttled.replicas", "0-1", /\[partitionId\]:\[brokerId\]/],
    ["local.retention.bytes", "-3", /at least -2/],
    ["message.format.version", "latest", /Invalid value/],
    // No tiered storage here, as on a Kafka broker without it.
    ["remote.storage.enable", "true", /Tiered Storage functionality is disabled in the broker/],
  ])("refuses %s=%s", (name, value, message) => {
    expect(() => normalizeConfigValue(name, value)).toThrow(InvalidTopicConfig);
    expect(() => normalizeConfigValue(name, value)).toThrow(message);
  });

  it("refuses null values", () => {
    expect(() => normalizeConfigValue("retention.ms", null)).toThrow(/Null value not supported/);
  });

  it("parses overrides over Kafka's defaults", () => {
    const defaults = toLogConfig(new Map());
    expect(defaults).toMatchObject({
      cleanupPolicy: { delete: true, compact: false },
      retentionMs: 604800000,
      segmentBytes: 1073741824,
      maxMessageBytes: 1048588,
      messageTimestampType: "CreateTime",
    });
    const compacted = toLogConfig(
      new Map([
        ["cleanup.policy", "compact"],
        ["segment.ms", "100"],
      ]),
    );
    expect(compacted.cleanupPolicy).toEqual({ delete: false, compact: true });
    expect(compacted.segmentMs).toBe(100);
  });
});
