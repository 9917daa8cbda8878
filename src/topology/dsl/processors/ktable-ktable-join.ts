// Table-table joins: Kafka Streams' KTableKTableInnerJoin / LeftJoin / RightJoin /
// OuterJoin and KTableKTableJoinMerger. A change on either side is joined with the
// other side's current value (read through its value getter) and both sides feed one
// merge node, whose output is the joined table. Deletes come out as Change(null, ...).
import type { KeyValueStore } from "../../../stores/key-value-store.js";
import type { ProcessorContext, ProcessorSupplier } from "../../processor.js";
import type { StreamRecord } from "../../record.js";
import type { Change } from "./change.js";
import { ForwardingProcessor } from "./forwarding-processor.js";
import { TimestampedTupleForwarder } from "./timestamped-tuple-forwarder.js";
import { putOrDelete, timestamped } from "./store-writes.js";
import { NO_TIMESTAMP } from "../../../stores/value-and-timestamp.js";
import type { ValueAndTimestamp } from "../../../stores/value-and-timestamp.js";
import type { TableProcessorSupplier } from "./table-processor-supplier.js";
import { storeValueGetterSupplier } from "./value-getter.js";
import type { ValueGetter, ValueGetterSupplier } from "./value-getter.js";

export type TableJoinKind = "inner" | "left" | "outer";

/** The joiner as both sides call it: absent values are null (only left/outer joins pass them). */
type NullableJoiner<V1, V2, VR> = (left: V1 | null, right: V2 | null) => VR;

/**
 * How one side reacts to a change of its own table, given the other table's value.
 * "this" is the side whose change arrives; "other" is read through the getter.
 */
type SideRule = "inner" | "left" | "right" | "outer";

function sideSupplier<K, VThis, VOther, VR>(
  rule: SideRule,
  otherView: ValueGetterSupplier<K, VOther>,
  join: (self: VThis | null, other: VOther | null) => VR,
  sendOldValues: () => boolean,
): ProcessorSupplier<K, Change<VThis>, K, Change<VR>> {
  return () => {
    const getter: ValueGetter<K, VOther> = otherView.get();
    const withOld = sendOldValues();
    return new (class extends ForwardingProcessor<K, Change<VThis>, K, Change<VR>> {
      override init(context: ProcessorContext<K, Change<VR>>): void {
        super.init(context);
        getter.init(context as ProcessorContext<unknown, unknown>);
      }

      async process(record: StreamRecord<K, Change<VThis>>): Promise<void> {
        // Rows join on equal keys: a null key joins nothing.
        if (record.key === null) return;
        // An out-of-order update of a versioned table is history, not the row (KIP-914): it joins nothing.
        if (record.value.isLatest === false) {
          this.context.recordDropped("a table-table join skips an out-of-order update of a versioned table");
          return;
        }
        const { newValue, oldValue } = record.value;
        const otherEntry = await getter.get(record.key);
        const other = otherEntry === null ? null : otherEntry.value;
        let next: VR | null = null;
        let previous: VR | null = null;
        switch (rule) {
          case "inner":
            if (other === null) return;
            if (newValue !== null) next = join(newValue, other);
            if (withOld && oldValue !== null) previous = join(oldValue, other);
            break;
          case "left":
            if (other === null && newValue === null && oldValue === null) return;
            if (newValue !== null) next = join(newValue, other);
            if (withOld && oldValue !== null) previous = join(oldValue, other);
            break;
          case "right":
            // The right side of a left join: rows exist only where the left side has one.
            if (other === null) return;
            next = join(newValue, other);
            if (withOld) previous = join(oldValue, other);
            break;
          case "outer":
            if (other === null && newValue === null && oldValue === null) return;
            if (other !== null || newValue !== null) next = join(newValue, other);
            if (withOld && (other !== null || oldValue !== null)) previous = join(oldValue, other);
            break;
        }
        // A joined row is as recent as the later of its two sides (Kafka Streams' KTableKTable*Join).
        const timestamp = otherEntry === null ? record.timestamp : Math.max(record.timestamp, otherEntry.timestamp);
        await this.context.forward({ ...record, value: { newValue: next, oldValue: previous }, timestamp });
      }
    })();
  };
}

export class TableTableJoin<K, V1, V2, VR> implements TableProcessorSupplier<K, VR> {
  readonly #left: TableProcessorSupplier<K, V1>;
  readonly #right: TableProcessorSupplier<K, V2>;
  readonly #kind: TableJoinKind;
  readonly #joiner: NullableJoiner<V1, V2, VR>;
  readonly #storeName: string | undefined;
  readonly #leftView: ValueGetterSupplier<K, V1>;
  readonly #rightView: ValueGetterSupplier<K, V2>;
  #sendOldValues = false;
  /** The left side's join processor (KTABLE-JOINTHIS). */
  readonly thisSupplier: ProcessorSupplier<K, Change<V1>, K, Change<VR>>;
  /** The right side's join processor (KTABLE-JOINOTHER). */
  readonly otherSupplier: ProcessorSupplier<K, Change<V2>, K, Change<VR>>;

  constructor(
    left: TableProcessorSupplier<K, V1>,
    right: TableProcessorSupplier<K, V2>,
    kind: TableJoinKind,
    joiner: NullableJoiner<V1, V2, VR>,
    storeName: string | undefined,
  ) {
    this.#left = left;
    this.#right = right;
    this.#kind = kind;
    this.#joiner = joiner;
    this.#storeName = storeName;
    // Both sides are read through value getters: this materializes source tables.
    this.#leftView = left.view();
    this.#rightView = right.view();
    this.thisSupplier = sideSupplier<K, V1, V2, VR>(
      this.#kindRule("this"),
      this.#rightView,
      (self, other) => joiner(self, other),
      () => this.#sendOldValues,
    );
    this.otherSupplier = sideSupplier<K, V2, V1, VR>(
      this.#kindRule("other"),
      this.#leftView,
      (self, other) => joiner(other, self),
      () => this.#sendOldValues,
    );
  }

  /** Stores the left side's join processor reads (the right table's). */
  get thisStoreNames(): readonly string[] {
    return this.#rightView.storeNames;
  }

  /** Stores the right side's join processor reads (the left table's). */
  get otherStoreNames(): readonly string[] {
    return this.#leftView.storeNames;
  }

  #kindRule(side: "this" | "other"): SideRule {
    if (this.#kind === "inner") return "inner";
    if (this.#kind === "outer") return "outer";
    return side === "this" ? "left" : "right";
  }

  enableSendingOldValues(): boolean {
    // Table-table joins need old values from both sides (KTableKTableJoinMerger).
    this.#left.enableSendingOldValues(true);
    this.#right.enableSendingOldValues(true);
    this.#sendOldValues = true;
    return true;
  }

  view(): ValueGetterSupplier<K, VR> {
    if (this.#storeName !== undefined) return storeValueGetterSupplier(this.#storeName);
    const left = this.#leftView;
    const right = this.#rightView;
    const kind = this.#kind;
    const joiner = this.#joiner;
    return {
      storeNames: [...left.storeNames, ...right.storeNames],
      get(): ValueGetter<K, VR> {
        const leftGetter = left.get();
        const rightGetter = right.get();
        return {
          init(context) {
            leftGetter.init(context);
            rightGetter.init(context);
          },
          async get(key) {
            const a = await leftGetter.get(key);
            if (a === null && kind !== "outer") return null;
            const b = await rightGetter.get(key);
            if (b === null && kind === "inner") return null;
            if (a === null && b === null) return null;
            const value = joiner(a === null ? null : a.value, b === null ? null : b.value);
            if (value === null || value === undefined) return null;
            return { value, timestamp: Math.max(a?.timestamp ?? NO_TIMESTAMP, b?.timestamp ?? NO_TIMESTAMP) };
          },
        };
      },
    };
  }

  /** The merge node: the joined table. */
  readonly mergerSupplier: ProcessorSupplier<K, Change<VR>, K, Change<VR>> = () => {
    const storeName = this.#storeName;
    const sendOldValues = this.#sendOldValues;
    return new (class extends ForwardingProcessor<K, Change<VR>, K, Change<VR>> {
      #store: KeyValueStore<K, ValueAndTimestamp<VR>> | undefined;
      #forwarder: TimestampedTupleForwarder<K, VR> | undefined;

      override init(context: ProcessorContext<K, Change<VR>>): void {
        super.init(context);
        if (storeName === undefined) return;
        this.#store = context.getStateStore<K, ValueAndTimestamp<VR>>(storeName);
        this.#forwarder = new TimestampedTupleForwarder(this.#store, context, sendOldValues);
      }

      async process(record: StreamRecord<K, Change<VR>>): Promise<void> {
        if (this.#store === undefined) {
          await this.context.forward(
            sendOldValues ? record : { ...record, value: { newValue: record.value.newValue, oldValue: null } },
          );
          return;
        }
        await putOrDelete(this.#store, record.key, timestamped(record.value.newValue, record.timestamp));
        await this.#forwarder?.maybeForward(record);
      }
    })();
  };
}
