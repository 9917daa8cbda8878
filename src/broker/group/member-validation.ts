// The identity check every member request passes first (Kafka's validateCurrentMember): a
// static member is fenced when its group.instance.id now belongs to a newer member id.
import { ErrorCode } from "../protocol/error-codes.js";
import type { ConsumerGroup } from "./consumer-group.js";

/** FENCED_INSTANCE_ID / UNKNOWN_MEMBER_ID, or null when the member is current. */
export function validateMember(group: ConsumerGroup, memberId: string, groupInstanceId: string | null): number | null {
  if (groupInstanceId !== null) {
    const current = group.staticMembers.get(groupInstanceId);
    if (current === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (current !== memberId) return ErrorCode.FENCED_INSTANCE_ID;
  }
  return group.has(memberId) ? null : ErrorCode.UNKNOWN_MEMBER_ID;
}
