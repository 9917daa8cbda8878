// Where the transaction coordinator persists what Kafka keeps in __transaction_state: each
// transactional id's metadata, written before the client is answered, and the producer ids
// handed out. In memory nothing is kept; a data directory keeps a journal (storage/).
import type { TransactionRecord } from "./transaction-metadata.js";

export interface TransactionStateStore {
  write(record: TransactionRecord): void;
  /** An expired transactional id is forgotten. */
  remove(transactionalId: string): void;
  /** Producer ids below `end` may have been handed out: a restarted broker continues from `end`. */
  reserveProducerIds(end: number): void;
}

export const memoryTransactionStateStore: TransactionStateStore = {
  write: () => undefined,
  remove: () => undefined,
  reserveProducerIds: () => undefined,
};
