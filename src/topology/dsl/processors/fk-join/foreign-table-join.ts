// An update of the right table reaches its subscribers: Kafka Streams'
// ForeignTableJoinProcessorSupplier. One prefix scan of the subscription store finds
// every left row subscribed to the updated foreign key; each gets a response with the new
// right value (null for a delete), the hash its subscription carried, and its partition.
import type { KeyValueStore } from "../../../../stores/key-value-store.js";
import type { ValueAndTimestamp } from "../../../../stores/value-and-timestamp.js";
import type { ProcessorContext, ProcessorSupplier } from "../../../processor.js";
import type { StreamRecord } from "../../../record.js";
import type { Change } from "../change.js";
import { ForwardingProcessor } from "../forwarding-processor.js";
import type { CombinedKeySchema } from "./combined-key.js";
import { combinedKeySchemaFor } from "./subscription-receive.js";
import type { SubscriptionStorePlan } from "./subscription-receive.js";
import { SUBSCRIPTION_RESPONSE_VERSION } from "./subscription-response-wrapper.js";
import type { SubscriptionResponseWrapper } from "./subscription-response-wrapper.js";
import type { SubscriptionWrapper } from "./subscription-wrapper.js";

export function foreignTableJoinSupplier<K, KO, VO>(
  plan: SubscriptionStorePlan<K, KO>,
): ProcessorSupplier<KO, Change<VO>, K, SubscriptionResponseWrapper<VO>> {
  return () =>
    new (class extends ForwardingProcessor<KO, Change<VO>, K, SubscriptionResponseWrapper<VO>> {
      #store!: KeyValueStore<Buffer, ValueAndTimestamp<SubscriptionWrapper<K>>>;
      #schema!: CombinedKeySchema<KO, K>;

      override init(context: ProcessorContext<K, SubscriptionResponseWrapper<VO>>): void {
        super.init(context);
        this.#store = context.getStateStore(plan.storeName);
        this.#schema = combinedKeySchemaFor(plan, context as ProcessorContext<unknown, unknown>);
      }

      async process(record: StreamRecord<KO, Change<VO>>): Promise<void> {
        if (record.key === null) {
          this.context.recordDropped("null key");
          return;
        }
        const prefix = this.#schema.prefixBytes(record.key);
        for await (const { key, value } of this.#store.prefixScan(prefix)) {
          await this.context.forward({
            ...record,
            key: this.#schema.primaryKeyOf(key),
            value: {
              originalValueHash: value.value.hash,
              foreignValue: record.value.newValue,
              version: SUBSCRIPTION_RESPONSE_VERSION,
              primaryPartition: value.value.primaryPartition,
            },
            headers: record.headers.clone(),
          });
        }
      }
    })();
}
