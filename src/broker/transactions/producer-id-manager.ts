// Producer ids, unique for the life of the broker's data: handed out one by one from blocks
// of 1000 reserved in the transaction state store (Kafka's controller hands out blocks the
// same way), so a restart never reuses one and a reservation is written once per block.
import type { TransactionStateStore } from "./transaction-state-store.js";

const BLOCK_SIZE = 1000;

export class ProducerIdManager {
  private next: number;
  private blockEnd: number;

  constructor(
    private readonly store: TransactionStateStore,
    /** The first id not reserved by an earlier run (0 for a fresh broker). */
    firstFree = 0,
  ) {
    this.next = firstFree;
    this.blockEnd = firstFree;
  }

  generate(): number {
    if (this.next >= this.blockEnd) {
      this.blockEnd = this.next + BLOCK_SIZE;
      this.store.reserveProducerIds(this.blockEnd);
    }
    return this.next++;
  }
}
