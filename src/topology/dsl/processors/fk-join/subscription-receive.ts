// The right table's side receives subscriptions: Kafka Streams'
// SubscriptionReceiveProcessorSupplier. Each is kept in (or removed from) the
// subscription store under (foreign key, primary key), where updates of the right table
// find their subscribers, and passes on to the join with the right table's row.
import type { KeyValueStore } from "../../../../stores/key-value-store.js";
import type { ValueAndTimestamp } from "../../../../stores/value-and-timestamp.js";
import type { Serde, SerdeContext } from "../../../../serdes/serde.js";
import type { ProcessorContext, ProcessorSupplier } from "../../../processor.js";
import type { StreamRecord } from "../../../record.js";
import type { Change } from "../change.js";
import { ForwardingProcessor } from "../forwarding-processor.js";
import { CombinedKeySchema } from "./combined-key.js";
import { pseudoTopicContext, runtimeSerde } from "./runtime-serde.js";
import { SUBSCRIPTION_WRAPPER_VERSION, SubscriptionInstruction } from "./subscription-wrapper.js";
import type { SubscriptionWrapper } from "./subscription-wrapper.js";

export interface CombinedKey<KO, K> {
  readonly foreignKey: KO | null;
  readonly primaryKey: K;
}

export interface SubscriptionStorePlan<K, KO> {
  readonly name: string;
  readonly storeName: string;
  readonly foreignKeySerde: Serde<KO>;
  readonly primaryKeySerde: Serde<K>;
  /** Kafka Streams' pseudo topics `<registration topic>-fk` and `-pk`. */
  readonly foreignKeyContext: SerdeContext;
  readonly primaryKeyContext: SerdeContext;
}

export function combinedKeySchemaFor<K, KO>(
  plan: SubscriptionStorePlan<K, KO>,
  context: ProcessorContext<unknown, unknown>,
): CombinedKeySchema<KO, K> {
  return new CombinedKeySchema(
    runtimeSerde(plan.foreignKeySerde, "key", context, plan.name),
    runtimeSerde(plan.primaryKeySerde, "key", context, plan.name),
    pseudoTopicContext(plan.foreignKeyContext, context.applicationId),
    pseudoTopicContext(plan.primaryKeyContext, context.applicationId),
  );
}

export function subscriptionReceiveSupplier<K, KO>(
  plan: SubscriptionStorePlan<K, KO>,
): ProcessorSupplier<
  KO | null,
  SubscriptionWrapper<K>,
  CombinedKey<KO, K>,
  Change<ValueAndTimestamp<SubscriptionWrapper<K>>>
> {
  return () =>
    new (class extends ForwardingProcessor<
      KO | null,
      SubscriptionWrapper<K>,
      CombinedKey<KO, K>,
      Change<ValueAndTimestamp<SubscriptionWrapper<K>>>
    > {
      #store!: KeyValueStore<Buffer, ValueAndTimestamp<SubscriptionWrapper<K>>>;
      #schema!: CombinedKeySchema<KO, K>;

      override init(
        context: ProcessorContext<CombinedKey<KO, K>, Change<ValueAndTimestamp<SubscriptionWrapper<K>>>>,
      ): void {
        super.init(context);
        this.#store = context.getStateStore(plan.storeName);
        this.#schema = combinedKeySchemaFor(plan, context as ProcessorContext<unknown, unknown>);
      }

      async process(record: StreamRecord<KO | null, SubscriptionWrapper<K>>): Promise<void> {
        const wrapper = record.value;
        if (
          record.key === null &&
          wrapper.instruction !== SubscriptionInstruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE
        ) {
          this.context.recordDropped("null foreign key");
          return;
        }
        if (wrapper.version > SUBSCRIPTION_WRAPPER_VERSION) {
          throw new RangeError(`A subscription of version ${wrapper.version} is newer than this version reads`);
        }
        const newValue = { value: wrapper, timestamp: record.timestamp };
        let oldValue: ValueAndTimestamp<SubscriptionWrapper<K>> | null = null;
        if (record.key !== null) {
          const key = this.#schema.toBytes(record.key, wrapper.primaryKey);
          oldValue = (await this.#store.get(key)) ?? null;
          if (
            wrapper.instruction === SubscriptionInstruction.DELETE_KEY_AND_PROPAGATE ||
            wrapper.instruction === SubscriptionInstruction.DELETE_KEY_NO_PROPAGATE
          ) {
            await this.#store.delete(key);
          } else {
            await this.#store.put(key, newValue);
          }
        }
        await this.context.forward({
          ...record,
          key: { foreignKey: record.key, primaryKey: wrapper.primaryKey },
          value: { newValue, oldValue },
        });
      }
    })();
}
