// A topic's messages for kafkajs' sendBatch, whose grouping by partition comes for free.
//
// kafkajs 2.2.4 groups a send's messages per partition in groupMessagesPerPartition with
// `messages.reduce(...)`, copying the partition's list for every message: quadratic, the
// largest single cost of producing a few thousand records. Every runtime record carries its
// partition and the producers' explicitPartitioner returns exactly that, so this list answers
// that reduce with the same grouping, built in one pass. Any other reduce (one with a
// non-object seed) runs as Array's own. probe.ts checks that kafkajs still groups this way;
// with the fast paths off, the producers hand kafkajs plain arrays.
import type { Message } from "kafkajs";

export class PartitionedMessages extends Array<Message> {
  // Array methods that build a new array (map, filter, slice...) must not build this class.
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  override reduce(...args: unknown[]): never {
    const [callback, seed] = args;
    if (args.length !== 2 || typeof seed !== "object" || seed === null || Object.keys(seed).length > 0) {
      return (Array.prototype.reduce as (...a: unknown[]) => never).apply(this, [callback, ...args.slice(1)]);
    }
    const groups = seed as Record<number, Message[]>;
    for (let i = 0; i < this.length; i += 1) {
      const message = this[i] as Message;
      if (message.partition === undefined) throw new Error("Eddy sends every record with an explicit partition");
      const list = groups[message.partition];
      if (list === undefined) groups[message.partition] = [message];
      else list.push(message);
    }
    return groups as never;
  }
}
