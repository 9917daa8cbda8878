import { describe, expect, it } from "vitest";
import {
  AssignmentCodecError,
  AssignmentErrorCode,
  decodeAssignmentInfo,
  decodeSubscriptionInfo,
  encodeAssignmentInfo,
  encodeSubscriptionInfo,
} from "../../src/runtime/assignment-codec.js";
import { RUNNING_ACTIVE_OFFSET_SUM } from "../../src/runtime/assignor.js";

describe("subscription info", () => {
  it("round-trips the server and task offsets, including running actives and large offsets", () => {
    const info = {
      applicationServer: "host-1:8080",
      taskOffsetSums: new Map([
        ["0_0", RUNNING_ACTIVE_OFFSET_SUM],
        ["1_12", 2 ** 40 + 3],
        ["2_3", 0],
      ]),
    };
    expect(decodeSubscriptionInfo(encodeSubscriptionInfo(info))).toEqual(info);
  });

  it("omits an absent application server", () => {
    const decoded = decodeSubscriptionInfo(encodeSubscriptionInfo({ taskOffsetSums: new Map() }));
    expect(decoded).toEqual({ taskOffsetSums: new Map() });
  });

  it("rejects truncated data and unknown versions", () => {
    const bytes = encodeSubscriptionInfo({ applicationServer: "h:1", taskOffsetSums: new Map([["0_0", 5]]) });
    expect(() => decodeSubscriptionInfo(bytes.subarray(0, bytes.length - 3))).toThrow(AssignmentCodecError);
    const future = Buffer.from(bytes);
    future.writeInt16BE(99, 0);
    expect(() => decodeSubscriptionInfo(future)).toThrow(/version 99/);
  });
});

describe("assignment info", () => {
  it("round-trips tasks, the host map and an error", () => {
    const info = {
      active: ["0_1", "1_1"],
      standby: ["0_2"],
      hostMap: new Map([
        ["a:1", { active: ["0_1", "1_1"], standby: ["0_2"] }],
        ["b:2", { active: ["0_2"], standby: [] }],
      ]),
      errorCode: AssignmentErrorCode.INCOMPLETE_SOURCE_TOPIC_METADATA,
      errorMessage: "topic t has 3 partitions, u has 4",
    };
    expect(decodeAssignmentInfo(encodeAssignmentInfo(info))).toEqual(info);
  });

  it("rejects unknown error codes", () => {
    const bytes = encodeAssignmentInfo({ active: [], standby: [], hostMap: new Map(), errorCode: 0, errorMessage: "" });
    bytes.writeInt16BE(77, 2);
    expect(() => decodeAssignmentInfo(bytes)).toThrow(/error code 77/);
  });
});
