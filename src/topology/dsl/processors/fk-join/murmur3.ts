// MurmurHash3 x64 128-bit, as Kafka Streams' org.apache.kafka.streams.state.internals.Murmur3
// (seed 104729), which the foreign-key join uses to tell a response made for the current
// value of a row from one made for an older value. The hash travels in the subscription
// and response topics, so it must be Kafka Streams' exactly: a Java application reading
// those topics (or one half of a rolling upgrade) computes the same two longs.
const MASK = (1n << 64n) - 1n;
const C1 = 0x87c37b91114253d5n;
const C2 = 0x4cf5ad432745937fn;
const DEFAULT_SEED = 104729;

const rotl = (x: bigint, r: bigint): bigint => ((x << r) | (x >> (64n - r))) & MASK;
const mul = (a: bigint, b: bigint): bigint => (a * b) & MASK;
const add = (a: bigint, b: bigint): bigint => (a + b) & MASK;

function fmix64(input: bigint): bigint {
  let h = input;
  h ^= h >> 33n;
  h = mul(h, 0xff51afd7ed558ccdn);
  h ^= h >> 33n;
  h = mul(h, 0xc4ceb9fe1a85ec53n);
  h ^= h >> 33n;
  return h;
}

/** The two 64-bit halves, as Java's signed longs (what Kafka Streams compares and writes). */
export type Hash128 = readonly [bigint, bigint];

export function murmur3Hash128(data: Uint8Array, seed: number = DEFAULT_SEED): Hash128 {
  // Java widens the int seed to a long: a negative seed fills the high bits.
  let h1 = BigInt.asUintN(64, BigInt(seed));
  let h2 = h1;
  const length = data.length;
  const blocks = length >> 4;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let i = 0; i < blocks; i += 1) {
    let k1 = view.getBigUint64(i * 16, true);
    let k2 = view.getBigUint64(i * 16 + 8, true);
    k1 = mul(rotl(mul(k1, C1), 31n), C2);
    h1 ^= k1;
    h1 = add(mul(add(rotl(h1, 27n), h2), 5n), 0x52dce729n);
    k2 = mul(rotl(mul(k2, C2), 33n), C1);
    h2 ^= k2;
    h2 = add(mul(add(rotl(h2, 31n), h1), 5n), 0x38495ab5n);
  }
  const tail = blocks << 4;
  const rest = length - tail;
  let k1 = 0n;
  let k2 = 0n;
  for (let i = Math.min(rest, 16) - 1; i >= 8; i -= 1) k2 ^= BigInt(data[tail + i] as number) << BigInt((i - 8) * 8);
  if (rest > 8) {
    k2 = mul(rotl(mul(k2, C2), 33n), C1);
    h2 ^= k2;
  }
  for (let i = Math.min(rest, 8) - 1; i >= 0; i -= 1) k1 ^= BigInt(data[tail + i] as number) << BigInt(i * 8);
  if (rest > 0) {
    k1 = mul(rotl(mul(k1, C1), 31n), C2);
    h1 ^= k1;
  }
  h1 ^= BigInt(length);
  h2 ^= BigInt(length);
  h1 = add(h1, h2);
  h2 = add(h2, h1);
  h1 = fmix64(h1);
  h2 = fmix64(h2);
  h1 = add(h1, h2);
  h2 = add(h2, h1);
  return [BigInt.asIntN(64, h1), BigInt.asIntN(64, h2)];
}

export function sameHash(a: Hash128 | null, b: Hash128 | null): boolean {
  if (a === null || b === null) return a === b;
  return a[0] === b[0] && a[1] === b[1];
}
