// Errors of the topology layer: building and validating topologies.
import { EddyError } from "../errors/eddy-error.js";
import { DeserializationError } from "../serdes/errors.js";
import type { SerdeContext } from "../serdes/serde.js";

/** A topology that cannot run: unknown store, missing serde, co-partitioning conflict... */
export class TopologyError extends EddyError {
  constructor(message: string, options?: ErrorOptions, code = "EDDY_ERR_TOPOLOGY") {
    super(code, message, options);
  }
}

// The DSL's errors. Each names the node (or store, or topic) at fault and says what to
// change; build() gathers every problem it finds into one InvalidTopologyError.

/** Two nodes, or two stores, with one name; or a topic read by two source nodes. */
export class DuplicateNameError extends TopologyError {
  constructor(message: string) {
    super(message, undefined, "EDDY_ERR_DUPLICATE_NAME");
  }
}

/** A processor connected to a store that no one added. */
export class UnknownStoreError extends TopologyError {
  readonly store: string;
  readonly node: string;

  constructor(store: string, node: string) {
    super(
      `Processor ${node} uses state store "${store}", which is not in the topology: ` +
        `add it with builder.addStateStore({ name: "${store}", key, value }) or fix the name`,
      undefined,
      "EDDY_ERR_UNKNOWN_STORE",
    );
    this.store = store;
    this.node = node;
  }
}

/** A node that must write or read bytes (sink, repartition topic, store) without a serde for them. */
export class MissingSerdeError extends TopologyError {
  readonly node: string;
  readonly part: "key" | "value";

  constructor(node: string, part: "key" | "value", message: string) {
    super(message, undefined, "EDDY_ERR_MISSING_SERDE");
    this.node = node;
    this.part = part;
  }
}

/** A store whose processors cannot live in one sub-topology, or a store no processor uses. */
export class StorePlacementError extends TopologyError {
  readonly store: string;

  constructor(store: string, message: string) {
    super(message, undefined, "EDDY_ERR_STORE_PLACEMENT");
    this.store = store;
  }
}

/** Topics that must be co-partitioned (joined) but are declared with different partition counts. */
export class CopartitionError extends TopologyError {
  constructor(message: string) {
    super(message, undefined, "EDDY_ERR_COPARTITION");
  }
}

/** A DSL call that cannot be honoured (bad argument, builder already built, unknown parent). */
export class InvalidOperationError extends TopologyError {
  constructor(message: string) {
    super(message, undefined, "EDDY_ERR_INVALID_OPERATION");
  }
}

/**
 * A map() or flatMap() mapper returned null (or undefined) instead of a key-value pair or
 * an iterable of them: Kafka Streams' NullPointerException of KStreamMap / KStreamFlatMap.
 */
export class MapperReturnedNullError extends TopologyError {
  constructor(mapper: "KeyValueMapper", operation: string) {
    super(
      `The provided ${mapper} returned null which is not allowed (in ${operation}()): return ${
        operation === "flatMap"
          ? "an iterable of { key, value } pairs, empty to drop the record"
          : "a { key, value } pair"
      }, and drop records with filter() before ${operation}()`,
      undefined,
      "EDDY_ERR_MAPPER_RETURNED_NULL",
    );
  }
}

/** Everything build() found wrong, at once: `problems` holds one typed error per problem. */
export class InvalidTopologyError extends TopologyError {
  readonly problems: readonly TopologyError[];

  constructor(problems: readonly TopologyError[]) {
    const lines = problems.map((problem) => `  - [${problem.code}] ${problem.message}`);
    super(
      `The topology cannot be built (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${lines.join("\n")}`,
      undefined,
      "EDDY_ERR_INVALID_TOPOLOGY",
    );
    this.problems = problems;
  }
}

/**
 * Thrown by a command handler's decide() to reject a command: the same as returning
 * `{ reject: { code, message } }`, for domain code that prefers to throw.
 */
export class CommandRejectedError extends EddyError {
  readonly rejectionCode: string;

  constructor(rejectionCode: string, message: string) {
    super("EDDY_ERR_COMMAND_REJECTED", message);
    this.rejectionCode = rejectionCode;
  }
}

// Foreign-key joins: the records of their subscription topics are read as Kafka Streams
// writes them (SubscriptionWrapper, SubscriptionResponseWrapper). One that cannot be read
// is an undecodable record (dead-lettered, or the task fails), with a code of its own.

/** A subscription (or subscription response) of a wrapper version this Eddy does not read. */
export class UnsupportedSubscriptionVersionError extends DeserializationError {
  readonly version: number;

  constructor(what: string, version: number, supported: number, context: SerdeContext = {}) {
    super(
      `A foreign-key join ${what} of wrapper version ${version} is not one this version of Eddy reads ` +
        `(it reads versions up to ${supported}): an instance of a newer Eddy or Kafka Streams wrote it; ` +
        "upgrade this instance before the newer one writes to the application's topics",
      context,
      undefined,
      undefined,
      "EDDY_ERR_SUBSCRIPTION_VERSION",
    );
    this.version = version;
  }
}

/** A subscription (or subscription response) whose bytes are cut short or hold an unknown instruction. */
export class DamagedSubscriptionError extends DeserializationError {
  constructor(what: string, why: string, context: SerdeContext = {}) {
    super(
      `A foreign-key join ${what} cannot be read: ${why}; something other than a foreign-key join wrote to the ` +
        "subscription topic (only the application's own instances should)",
      context,
      undefined,
      undefined,
      "EDDY_ERR_SUBSCRIPTION_DAMAGED",
    );
  }
}

/**
 * A suppress() buffer configured to shut down when full (untilWindowCloses, or
 * shutDownWhenFull()) went over its bounds: the task stops rather than emit a result early.
 */
export class SuppressionBufferFullError extends EddyError {
  readonly node: string;

  constructor(node: string, records: number, maxRecords: number, bytes: number, maxBytes: number) {
    super(
      "EDDY_ERR_SUPPRESSION_BUFFER_FULL",
      `${node} buffer exceeded its max capacity. Currently [${records}/${maxRecords}] records and [${bytes}/${maxBytes}] bytes. Raise BufferConfig's maxRecords/maxBytes, use BufferConfig.unbounded(), or emitEarlyWhenFull() if results may come early`,
    );
    this.node = node;
  }
}
