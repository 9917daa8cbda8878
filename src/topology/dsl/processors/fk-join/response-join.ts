// Back on the left side, a response meets the left row's current value: Kafka Streams'
// ResponseJoinProcessorSupplier, and the hash check of KIP-213. A response whose hash is
// not the hash of the row's current value answers an older value of the row (the row
// changed, or moved to another foreign key, while the response travelled): it is dropped,
// so that a stale result never overwrites a newer one.
import type { ProcessorContext, ProcessorSupplier } from "../../../processor.js";
import type { StreamRecord } from "../../../record.js";
import type { Serde, SerdeContext } from "../../../../serdes/serde.js";
import { ForwardingProcessor } from "../forwarding-processor.js";
import type { ValueGetter, ValueGetterSupplier } from "../value-getter.js";
import { murmur3Hash128, sameHash } from "./murmur3.js";
import { pseudoTopicContext, runtimeSerde } from "./runtime-serde.js";
import { SUBSCRIPTION_RESPONSE_VERSION } from "./subscription-response-wrapper.js";
import type { SubscriptionResponseWrapper } from "./subscription-response-wrapper.js";

export interface ResponseJoinPlan<K, V, VO, VR> {
  readonly name: string;
  readonly primaryValues: ValueGetterSupplier<K, V>;
  readonly valueSerde: Serde<V>;
  readonly valueHashContext: SerdeContext;
  readonly joiner: (value: V | null, foreignValue: VO | null) => VR;
  readonly leftJoin: boolean;
}

export function responseJoinSupplier<K, V, VO, VR>(
  plan: ResponseJoinPlan<K, V, VO, VR>,
): ProcessorSupplier<K, SubscriptionResponseWrapper<VO>, K, VR | null> {
  return () =>
    new (class extends ForwardingProcessor<K, SubscriptionResponseWrapper<VO>, K, VR | null> {
      #values!: ValueGetter<K, V>;
      #valueSerde!: Serde<V>;
      #valueHashContext!: SerdeContext;

      override init(context: ProcessorContext<K, VR | null>): void {
        super.init(context);
        this.#values = plan.primaryValues.get();
        this.#values.init(context as ProcessorContext<unknown, unknown>);
        this.#valueSerde = runtimeSerde(plan.valueSerde, "value", context, plan.name);
        this.#valueHashContext = pseudoTopicContext(plan.valueHashContext, context.applicationId);
      }

      async process(record: StreamRecord<K, SubscriptionResponseWrapper<VO>>): Promise<void> {
        const response = record.value;
        if (response.version !== SUBSCRIPTION_RESPONSE_VERSION) {
          throw new RangeError(`A subscription response of version ${response.version} is not one this version reads`);
        }
        const current = await this.#values.get(record.key);
        const currentHash =
          current === null ? null : murmur3Hash128(this.#valueSerde.serialize(current.value, this.#valueHashContext));
        if (!sameHash(response.originalValueHash, currentHash)) {
          this.context.recordDropped("stale foreign-key join response (hash mismatch)");
          return;
        }
        const result =
          response.foreignValue === null && (!plan.leftJoin || current === null)
            ? null
            : plan.joiner(current === null ? null : current.value, response.foreignValue);
        await this.context.forward({ ...record, value: result });
      }
    })();
}
