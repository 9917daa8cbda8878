// A Fetch v11 response holding the record batches of a Produce body (versions 3 to 7), as
// a broker would answer a fetch from offset 0 of partitions that held nothing before: the
// wire benchmarks decode what the encoder wrote.

/** The response (after the correlation id) to a fetch of `topic`, every batch of `produceBody` in it. */
export function fetchResponseOf(produceBody: Buffer, topic: string): Buffer {
  // Produce body: transactional_id, acks, timeout, [topic, [partition, record_set]].
  let at = 0;
  const idLength = produceBody.readInt16BE(at);
  at += 2 + Math.max(0, idLength) + 2 + 4;
  const topics = produceBody.readInt32BE(at);
  at += 4;
  const parts: Buffer[] = [];
  const header = Buffer.alloc(14);
  header.writeInt32BE(0, 0);
  header.writeInt16BE(0, 4);
  header.writeInt32BE(0, 6);
  header.writeInt32BE(topics, 10);
  parts.push(header);
  for (let t = 0; t < topics; t += 1) {
    const nameLength = produceBody.readInt16BE(at);
    at += 2 + nameLength;
    const count = produceBody.readInt32BE(at);
    at += 4;
    const name = Buffer.alloc(2 + Buffer.byteLength(topic) + 4);
    name.writeInt16BE(Buffer.byteLength(topic), 0);
    name.write(topic, 2);
    name.writeInt32BE(count, 2 + Buffer.byteLength(topic));
    parts.push(name);
    let baseOffset = 0;
    for (let p = 0; p < count; p += 1) {
      const partition = produceBody.readInt32BE(at);
      const size = produceBody.readInt32BE(at + 4);
      const batch = Buffer.from(produceBody.subarray(at + 8, at + 8 + size));
      at += 8 + size;
      const last = baseOffset + batch.readInt32BE(23);
      batch.writeBigInt64BE(BigInt(baseOffset), 0);
      // partition, error_code, high_watermark, last_stable_offset, log_start_offset,
      // aborted_transactions (none), preferred_read_replica (-1), records size
      const partitionHeader = Buffer.alloc(4 + 2 + 8 + 8 + 8 + 4 + 4 + 4);
      partitionHeader.writeInt32BE(partition, 0);
      partitionHeader.writeInt16BE(0, 4);
      partitionHeader.writeBigInt64BE(BigInt(last + 1), 6);
      partitionHeader.writeBigInt64BE(BigInt(last + 1), 14);
      partitionHeader.writeBigInt64BE(0n, 22);
      partitionHeader.writeInt32BE(0, 30);
      partitionHeader.writeInt32BE(-1, 34);
      partitionHeader.writeInt32BE(size, 38);
      parts.push(partitionHeader, batch);
      baseOffset = last + 1;
    }
  }
  return Buffer.concat(parts);
}
