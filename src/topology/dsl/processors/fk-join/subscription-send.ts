// The left table's side of a foreign-key join: Kafka Streams'
// SubscriptionSendProcessorSupplier. Each change of a left row becomes subscriptions,
// keyed by foreign key, to the right table's side: a subscription to the new foreign key
// (with the hash of the new value, and the row's partition for the way back), and when
// the foreign key changed, an unsubscription from the old one.
import type { ProcessorContext, ProcessorSupplier } from "../../../processor.js";
import type { StreamRecord } from "../../../record.js";
import type { Serde, SerdeContext } from "../../../../serdes/serde.js";
import type { Change } from "../change.js";
import { ForwardingProcessor } from "../forwarding-processor.js";
import { murmur3Hash128 } from "./murmur3.js";
import type { Hash128 } from "./murmur3.js";
import { pseudoTopicContext, runtimeSerde } from "./runtime-serde.js";
import { SUBSCRIPTION_WRAPPER_VERSION, SubscriptionInstruction } from "./subscription-wrapper.js";
import type { SubscriptionWrapper } from "./subscription-wrapper.js";

export interface SubscriptionSendPlan<K, V, KO> {
  readonly name: string;
  readonly foreignKeyExtractor: (value: V, key: K) => KO | null | undefined;
  readonly foreignKeySerde: Serde<KO>;
  readonly valueSerde: Serde<V>;
  /** Serde contexts as Kafka Streams' pseudo topics `<registration topic>-fk` / `-vh`. */
  readonly foreignKeyContext: SerdeContext;
  readonly valueHashContext: SerdeContext;
  readonly leftJoin: boolean;
}

export function subscriptionSendSupplier<K, V, KO>(
  plan: SubscriptionSendPlan<K, V, KO>,
): ProcessorSupplier<K, Change<V>, KO, SubscriptionWrapper<K>> {
  return () =>
    new (class extends ForwardingProcessor<K, Change<V>, KO, SubscriptionWrapper<K>> {
      #foreignKeySerde!: Serde<KO>;
      #valueSerde!: Serde<V>;
      #foreignKeyContext!: SerdeContext;
      #valueHashContext!: SerdeContext;

      override init(context: ProcessorContext<KO, SubscriptionWrapper<K>>): void {
        super.init(context);
        this.#foreignKeyContext = pseudoTopicContext(plan.foreignKeyContext, context.applicationId);
        this.#valueHashContext = pseudoTopicContext(plan.valueHashContext, context.applicationId);
        this.#foreignKeySerde = runtimeSerde(plan.foreignKeySerde, "key", context, plan.name);
        this.#valueSerde = runtimeSerde(plan.valueSerde, "value", context, plan.name);
      }

      async process(record: StreamRecord<K, Change<V>>): Promise<void> {
        const { newValue, oldValue } = record.value;
        const hash: Hash128 | null =
          newValue === null ? null : murmur3Hash128(this.#valueSerde.serialize(newValue, this.#valueHashContext));
        const foreignKeyOf = (value: V): KO | null => plan.foreignKeyExtractor(value, record.key) ?? null;
        if (plan.leftJoin) {
          if (oldValue !== null) {
            const oldForeignKey = foreignKeyOf(oldValue);
            const newForeignKey = newValue === null ? null : foreignKeyOf(newValue);
            if (oldForeignKey !== null && !this.#sameKey(newForeignKey, oldForeignKey)) {
              await this.#send(record, hash, oldForeignKey, SubscriptionInstruction.DELETE_KEY_AND_PROPAGATE);
            }
            await this.#send(
              record,
              hash,
              newForeignKey,
              SubscriptionInstruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE,
            );
          } else if (newValue !== null) {
            await this.#send(
              record,
              hash,
              foreignKeyOf(newValue),
              SubscriptionInstruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE,
            );
          }
          return;
        }
        if (oldValue !== null) {
          const oldForeignKey = foreignKeyOf(oldValue);
          if (oldForeignKey === null) return this.#skipNullForeignKey();
          if (newValue !== null) {
            const newForeignKey = foreignKeyOf(newValue);
            if (newForeignKey === null) return this.#skipNullForeignKey();
            if (!this.#sameKey(newForeignKey, oldForeignKey)) {
              // Another foreign key: leave the old one's subscribers, without a result.
              await this.#send(record, hash, oldForeignKey, SubscriptionInstruction.DELETE_KEY_NO_PROPAGATE);
            }
            // The previous result must be unset when the new foreign key has no row.
            await this.#send(
              record,
              hash,
              newForeignKey,
              SubscriptionInstruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE,
            );
          } else {
            await this.#send(record, hash, oldForeignKey, SubscriptionInstruction.DELETE_KEY_AND_PROPAGATE);
          }
        } else if (newValue !== null) {
          const newForeignKey = foreignKeyOf(newValue);
          if (newForeignKey === null) return this.#skipNullForeignKey();
          await this.#send(record, hash, newForeignKey, SubscriptionInstruction.PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE);
        }
      }

      /** Foreign keys compare by their bytes, as Kafka Streams compares them. */
      #sameKey(a: KO | null, b: KO | null): boolean {
        if (a === null || b === null) return a === b;
        return this.#foreignKeySerde
          .serialize(a, this.#foreignKeyContext)
          .equals(this.#foreignKeySerde.serialize(b, this.#foreignKeyContext));
      }

      #send(
        record: StreamRecord<K, Change<V>>,
        hash: Hash128 | null,
        foreignKey: KO | null,
        instruction: SubscriptionInstruction,
      ): Promise<void> {
        const wrapper: SubscriptionWrapper<K> = {
          hash,
          instruction,
          primaryKey: record.key,
          version: SUBSCRIPTION_WRAPPER_VERSION,
          primaryPartition: this.context.recordMetadata()?.partition ?? -1,
        };
        return this.context.forward({ ...record, key: foreignKey as KO, value: wrapper });
      }

      #skipNullForeignKey(): void {
        this.context.recordDropped("null foreign key");
      }
    })();
}
