// A subscription meets the right table's current row: Kafka Streams'
// SubscriptionJoinProcessorSupplier. The response, keyed by primary key, carries the
// right value (or none) and the subscription's hash back to the left side, stamped with
// the later of the subscription's and the right row's timestamps.
import type { ValueAndTimestamp } from "../../../../stores/value-and-timestamp.js";
import type { ProcessorContext, ProcessorSupplier } from "../../../processor.js";
import type { StreamRecord } from "../../../record.js";
import type { Change } from "../change.js";
import { ForwardingProcessor } from "../forwarding-processor.js";
import type { ValueGetter, ValueGetterSupplier } from "../value-getter.js";
import type { CombinedKey } from "./subscription-receive.js";
import { SUBSCRIPTION_RESPONSE_VERSION } from "./subscription-response-wrapper.js";
import type { SubscriptionResponseWrapper } from "./subscription-response-wrapper.js";
import { SUBSCRIPTION_WRAPPER_VERSION, SubscriptionInstruction } from "./subscription-wrapper.js";
import type { SubscriptionWrapper } from "./subscription-wrapper.js";

export function subscriptionJoinSupplier<K, KO, VO>(
  foreignValues: ValueGetterSupplier<KO, VO>,
): ProcessorSupplier<
  CombinedKey<KO, K>,
  Change<ValueAndTimestamp<SubscriptionWrapper<K>>>,
  K,
  SubscriptionResponseWrapper<VO>
> {
  return () =>
    new (class extends ForwardingProcessor<
      CombinedKey<KO, K>,
      Change<ValueAndTimestamp<SubscriptionWrapper<K>>>,
      K,
      SubscriptionResponseWrapper<VO>
    > {
      #foreign!: ValueGetter<KO, VO>;

      override init(context: ProcessorContext<K, SubscriptionResponseWrapper<VO>>): void {
        super.init(context);
        this.#foreign = foreignValues.get();
        this.#foreign.init(context as ProcessorContext<unknown, unknown>);
      }

      async process(
        record: StreamRecord<CombinedKey<KO, K>, Change<ValueAndTimestamp<SubscriptionWrapper<K>>>>,
      ): Promise<void> {
        const subscription = record.value.newValue;
        if (subscription === null) throw new RangeError("A subscription reached the join without a value");
        const wrapper = subscription.value;
        if (wrapper.version > SUBSCRIPTION_WRAPPER_VERSION) {
          throw new RangeError(`A subscription of version ${wrapper.version} is newer than this version reads`);
        }
        const foreign = record.key.foreignKey === null ? null : await this.#foreign.get(record.key.foreignKey);
        const timestamp =
          foreign === null ? subscription.timestamp : Math.max(subscription.timestamp, foreign.timestamp);
        const respond = (foreignValue: VO | null): Promise<void> =>
          this.context.forward({
            ...record,
            key: record.key.primaryKey,
            value: {
              originalValueHash: wrapper.hash,
              foreignValue,
              version: SUBSCRIPTION_RESPONSE_VERSION,
              primaryPartition: wrapper.primaryPartition,
            },
            timestamp,
          });
        switch (wrapper.instruction) {
          case SubscriptionInstruction.DELETE_KEY_AND_PROPAGATE:
            return respond(null);
          case SubscriptionInstruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE:
            // Inner and left joins alike: a changed foreign key without a row must unset the old result.
            return respond(foreign === null ? null : foreign.value);
          case SubscriptionInstruction.PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE:
            if (foreign !== null) return respond(foreign.value);
            return undefined;
          case SubscriptionInstruction.DELETE_KEY_NO_PROPAGATE:
            return undefined;
        }
      }
    })();
}
