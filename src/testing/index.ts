// eddy-streams/testing: test a topology in process, without a broker.
export { TopologyTestDriver } from "./topology-test-driver.js";
export type { TopologyTestDriverOptions, InputTopicOptions } from "./topology-test-driver.js";
export { TestInputTopic } from "./test-input-topic.js";
export type { PipeOptions, PipeListOptions } from "./test-input-topic.js";
export { TestOutputTopic } from "./test-output-topic.js";
export type { TestRecord, TestRecordInit } from "./test-record.js";
export {
  UnknownTopicError,
  NoOutputRecordError,
  NullKeyInMapError,
  DriverClosedError,
  WrongStoreTypeError,
  SourceTopicNotPatternError,
} from "./errors.js";
