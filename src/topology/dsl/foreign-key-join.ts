// Foreign-key table joins (KIP-213), as Kafka Streams' KTableImpl.doJoinOnForeignKey
// builds them: the left table subscribes each row to the right row its foreign key
// names, through the subscription-registration topic (partitioned like the right table);
// the right side keeps the subscriptions in a store, answers each, and answers again
// every subscriber when its row changes, through the subscription-response topic (back
// to the left row's partition); the left side joins the answer with the row's current
// value, unless the answer was made for an older value (its hash differs). Node, store
// and topic names, the order the name index is spent in, and the bytes on the internal
// topics are Kafka Streams'.
import type { Serde } from "../../serdes/serde.js";
import { Serdes } from "../../serdes/serdes.js";
import { defaultSerde, derivedSerde } from "../default-serdes.js";
import type { InternalTopologyBuilder } from "../internal-topology-builder.js";
import { NodePrefix } from "../node-names.js";
import type { ProcessorSupplier, StreamPartitioner } from "../processor.js";
import type { ForeignKeyJoinOptions } from "./dsl-options.js";
import { anySerde } from "./dsl-state.js";
import type { TableState } from "./dsl-state.js";
import { foreignTableJoinSupplier } from "./processors/fk-join/foreign-table-join.js";
import { responseJoinSupplier } from "./processors/fk-join/response-join.js";
import { subscriptionJoinSupplier } from "./processors/fk-join/subscription-join.js";
import { subscriptionReceiveSupplier } from "./processors/fk-join/subscription-receive.js";
import type { SubscriptionStorePlan } from "./processors/fk-join/subscription-receive.js";
import { subscriptionResponseWrapperSerde } from "./processors/fk-join/subscription-response-wrapper.js";
import type { SubscriptionResponseWrapper } from "./processors/fk-join/subscription-response-wrapper.js";
import { subscriptionSendSupplier } from "./processors/fk-join/subscription-send.js";
import { subscriptionWrapperSerde } from "./processors/fk-join/subscription-wrapper.js";
import { TableSourceSupplier } from "./processors/ktable-source.js";

type AnySupplier = ProcessorSupplier<unknown, unknown, unknown, unknown>;

export interface ForeignKeyJoinResult<K, VR> {
  readonly name: string;
  readonly sourceNodes: ReadonlySet<string>;
  readonly supplier: TableSourceSupplier<K, VR>;
  readonly queryableStoreName: string | undefined;
}

export function foreignKeyJoin<K, V, KO, VO, VR>(
  left: TableState<K, V>,
  right: TableState<KO, VO>,
  foreignKeyExtractor: (value: V, key: K) => KO | null | undefined,
  joiner: (value: V | null, foreignValue: VO | null) => VR,
  leftJoin: boolean,
  options: ForeignKeyJoinOptions<K, KO, VR> | undefined,
): ForeignKeyJoinResult<K, VR> {
  const builder = left.builder;
  // Old values let the right side skip identical updates and the left side unsubscribe
  // from a foreign key it left (Kafka Streams enables both, materializing if it must).
  right.supplier.enableSendingOldValues(true);
  left.supplier.enableSendingOldValues(true);
  const user = options?.name;
  const name = (suffix: string, prefix: string): string => builder.suffixedOr(user, suffix, prefix);
  // The name index is spent in Kafka Streams' order.
  const registrationTopic = `${name("-subscription-registration", NodePrefix.FK_SUBSCRIPTION_REGISTRATION)}-topic`;
  const registrationProcessor = name("-subscription-registration-processor", NodePrefix.FK_SUBSCRIPTION_REGISTRATION);
  const registrationSink = name("-subscription-registration-sink", NodePrefix.TABLE_SINK);
  const registrationSource = name("-subscription-registration-source", NodePrefix.TABLE_SOURCE_NODE);
  const storeName = name("-subscription-store", NodePrefix.FK_SUBSCRIPTION_STORE);
  const receive = name("-subscription-receive", NodePrefix.FK_SUBSCRIPTION_PROCESSOR);
  const joinForeign = name("-subscription-join-foreign", NodePrefix.FK_SUBSCRIPTION_PROCESSOR);
  const foreignJoin = name("-foreign-join-subscription", NodePrefix.FK_SUBSCRIPTION_PROCESSOR);
  const responseTopic = `${name("-subscription-response", NodePrefix.FK_SUBSCRIPTION_RESPONSE)}-topic`;
  const responseSink = name("-subscription-response-sink", NodePrefix.TABLE_SINK);
  const responseSource = name("-subscription-response-source", NodePrefix.TABLE_SOURCE_NODE);
  const resolver = name("-subscription-response-resolver", NodePrefix.FK_RESPONSE_RESOLVER);
  const result = name("-result", NodePrefix.FK_OUTPUT);
  const resultStore = options?.store ?? builder.newStoreName(NodePrefix.FK_OUTPUT);

  const primaryKeySerde: Serde<K> = left.keySerde ?? defaultSerde<K>("key");
  const valueSerde: Serde<V> = left.valueSerde ?? defaultSerde<V>("value");
  const foreignKeySerde: Serde<KO> = right.keySerde ?? defaultSerde<KO>("key");
  const subscriptions = derivedSerde(left.keySerde, "key", (primaryKeys: Serde<K>) =>
    subscriptionWrapperSerde(primaryKeys, registrationTopic),
  );
  const responses = derivedSerde(right.valueSerde, "value", subscriptionResponseWrapperSerde);
  // Kafka Streams serializes these with pseudo topics named after the registration topic.
  const foreignKeyContext = { topic: `${registrationTopic}-fk`, part: "key" } as const;
  const primaryKeyContext = { topic: `${registrationTopic}-pk`, part: "key" } as const;
  const valueHashContext = { topic: `${registrationTopic}-vh`, part: "value" } as const;
  const storePlan: SubscriptionStorePlan<K, KO> = {
    name: receive,
    storeName,
    foreignKeySerde,
    primaryKeySerde,
    foreignKeyContext,
    primaryKeyContext,
  };

  builder.addProcessor({
    name: registrationProcessor,
    operation: leftJoin ? "foreignKeyLeftJoin" : "foreignKeyJoin",
    supplier: subscriptionSendSupplier({
      name: registrationProcessor,
      foreignKeyExtractor,
      foreignKeySerde,
      valueSerde,
      foreignKeyContext,
      valueHashContext,
      leftJoin,
    }) as AnySupplier,
    parents: [left.name],
  });
  addInternalTopic(builder, {
    topic: registrationTopic,
    sink: registrationSink,
    source: registrationSource,
    parents: [registrationProcessor],
    keySerde: right.keySerde,
    valueSerde: subscriptions,
    partitioner: options?.otherPartitioner as StreamPartitioner<unknown, unknown> | undefined,
  });
  // The subscriptions must land where the right table's rows are.
  builder.addCopartitionGroup(receive, [...right.sourceNodes, registrationSource]);
  builder.addStore({
    name: storeName,
    timestamped: true,
    keySerde: Serdes.bytes() as Serde<unknown>,
    valueSerde: anySerde(subscriptions),
    serdeHint: "give the left table a {part} serde, or set a default serde",
  });
  builder.addProcessor({
    name: receive,
    operation: "foreignKeySubscription",
    supplier: subscriptionReceiveSupplier(storePlan) as AnySupplier,
    parents: [registrationSource],
    stores: [storeName],
  });
  const foreignValues = right.supplier.view();
  builder.addProcessor({
    name: joinForeign,
    operation: "foreignKeySubscriptionJoin",
    supplier: subscriptionJoinSupplier<K, KO, VO>(foreignValues) as AnySupplier,
    parents: [receive],
    stores: foreignValues.storeNames,
  });
  builder.addProcessor({
    name: foreignJoin,
    operation: "foreignKeyTableJoin",
    supplier: foreignTableJoinSupplier<K, KO, VO>(storePlan) as AnySupplier,
    parents: [right.name],
    stores: [storeName],
  });
  const backToTheRow: StreamPartitioner<K, SubscriptionResponseWrapper<VO>> = options?.partitioner === undefined
    ? (_topic, _key, response) =>
        response.primaryPartition === null || response.primaryPartition < 0 ? undefined : response.primaryPartition
    : (topic, key, _response, partitions) => options.partitioner?.(topic, key, null, partitions);
  addInternalTopic(builder, {
    topic: responseTopic,
    sink: responseSink,
    source: responseSource,
    parents: [joinForeign, foreignJoin],
    keySerde: left.keySerde,
    valueSerde: responses,
    partitioner: backToTheRow as StreamPartitioner<unknown, unknown>,
  });
  // The responses must land where the left table's rows are.
  builder.addCopartitionGroup(resolver, [...left.sourceNodes, responseSource]);
  const primaryValues = left.supplier.view();
  builder.addProcessor({
    name: resolver,
    operation: leftJoin ? "foreignKeyLeftJoin" : "foreignKeyJoin",
    supplier: responseJoinSupplier<K, V, VO, VR>({
      name: resolver,
      primaryValues,
      valueSerde,
      valueHashContext,
      joiner,
      leftJoin,
    }) as AnySupplier,
    parents: [responseSource],
    stores: primaryValues.storeNames,
  });
  builder.addStore({
    name: resultStore,
    timestamped: true,
    keySerde: anySerde(left.keySerde),
    valueSerde: anySerde(options?.value),
    ...(options?.persistent !== undefined ? { persistent: options.persistent } : {}),
    ...(options?.logging !== undefined ? { logging: options.logging } : {}),
    serdeHint: `pass { {part}: <serde> } to ${leftJoin ? "leftJoin" : "join"}()`,
  });
  const supplier = new TableSourceSupplier<K, VR>(resultStore, false, () =>
    builder.connectStores(result, [resultStore]),
  );
  builder.addProcessor({
    name: result,
    operation: "foreignKeyJoinResult",
    supplier: supplier.supplier as AnySupplier,
    parents: [resolver],
  });
  if (options?.store !== undefined) supplier.materialize();
  return {
    name: result,
    sourceNodes: new Set([...left.sourceNodes, responseSource]),
    supplier,
    queryableStoreName: options?.store,
  };
}

interface InternalTopicSpec {
  topic: string;
  sink: string;
  source: string;
  parents: readonly string[];
  keySerde: Serde<unknown> | Serde<never> | undefined;
  valueSerde: Serde<unknown> | Serde<never>;
  partitioner: StreamPartitioner<unknown, unknown> | undefined;
}

/** A sink to one of the join's internal topics and the source reading it back (Kafka Streams' internal topics). */
function addInternalTopic(builder: InternalTopologyBuilder, spec: InternalTopicSpec): void {
  builder.addSink({
    name: spec.sink,
    parents: spec.parents,
    topic: spec.topic,
    internal: true,
    keySerde: spec.keySerde as Serde<unknown> | undefined,
    valueSerde: spec.valueSerde as Serde<unknown>,
    partitioner: spec.partitioner,
    serdeHint: "give the joined tables {part} serdes, or set a default serde",
  });
  builder.addSource({
    name: spec.source,
    topics: [spec.topic],
    internal: true,
    keySerde: spec.keySerde as Serde<unknown> | undefined,
    valueSerde: spec.valueSerde as Serde<unknown>,
  });
  builder.addRepartitionTopic(spec.topic, undefined, spec.sink, spec.source);
}
