// The embedded broker, for development and tests: a single-node Kafka-protocol broker that
// unmodified Kafka clients talk to. Production runs on Apache Kafka.
export { startBroker, type RunningBroker } from "./broker.js";
export type { BrokerOptions } from "./options.js";
export {
  BrokerError,
  BrokerListenError,
  DataDirCorruptError,
  DataDirInvalidError,
  DataDirLockedError,
  InvalidBrokerOptionError,
} from "./errors.js";
