// Which transaction protocol (KIP-890's transaction.version) Eddy's transactional producers
// must end up using on the Kafka under test: 2 where the cluster finalizes it (Apache Kafka
// 4.x by default, the embedded broker always) and the kafkajs fast paths write Produce v12;
// 1 on Apache Kafka 3.9, with the fast paths off, or with EDDY_KAFKA_TRANSACTIONS_V2=off.
import { fastPathsAllowedByEnvironment } from "../../../src/kafka/kafkajs/probe.js";
import { transactionsV2AllowedByEnvironment } from "../../../src/kafka/kafkajs/txn-v2.js";
import { kafkaSelection } from "./selection.js";

export function expectedTransactionVersion(): 1 | 2 {
  if (!fastPathsAllowedByEnvironment() || !transactionsV2AllowedByEnvironment()) return 1;
  const selection = kafkaSelection();
  return selection.kind === "apache" && selection.line === "3.9" ? 1 : 2;
}
