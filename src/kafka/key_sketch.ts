// A HyperLogLog sketch of the distinct record keys a sample read (model.md: `few_keys`), in
// at most 16 KiB whatever the sample's size. Written here: the npm packages for it are unmaintained
// ports (hyperloglog, hyperloglog32) or pull in lodash and a buffer library (hyperlolo), for
// what is forty lines of the published algorithm (Flajolet et al. 2007, with the
// linear-counting correction for small counts that Heule et al. 2013 keep in HLL++).
// Keys are hashed with a 53-bit hash (cyrb53): 12 bits pick a register, the other 41 give
// the rank, which is exact far beyond any sample this tool reads. Up to SPARSE_LIMIT
// distinct keys the sketch keeps their hashes (HLL++'s sparse idea): the count is then exact
// where it matters most, next to a partition count.

/** Registers: 2^PRECISION. 4,096 give a standard error of 1.04 / √4096 ≈ 1.6 %. */
const PRECISION = 12;
const REGISTERS = 1 << PRECISION;
const RANK_BITS = 53 - PRECISION;
const ALPHA = 0.7213 / (1 + 1.079 / REGISTERS);
/** Distinct hashes kept exactly before the registers take over (8 bytes each: 16 KiB). */
const SPARSE_LIMIT = 2_048;

export class KeySketch {
  /**
   * The hashes seen while there are few; null once the registers count alone. The registers
   * are made only then: a chunk holds a sketch per partition it reads whole, most of them of
   * a few hundred keys, and 4 KiB each of them would be most of a worker's memory.
   */
  #exact: Set<number> | null = new Set();
  #registers: Uint8Array | null = null;

  /** Adds a key (its bytes); the same bytes always count once. */
  add(key: Uint8Array): void {
    this.addHash(keyHash(key));
  }

  /** Adds a key by its keyHash(), taken earlier so that its bytes need not be kept. */
  addHash(h: number): void {
    if (this.#exact === null) registerHash(this.#registers!, h);
    else {
      this.#exact.add(h);
      this.#spill();
    }
  }

  /** Adds every key `other` has seen. */
  merge(other: KeySketch): void {
    if (this.#exact !== null && other.#exact !== null) {
      for (const h of other.#exact) this.#exact.add(h);
      this.#spill();
      return;
    }
    const mine = this.#registersNow();
    const theirs = other.#registersNow();
    for (let i = 0; i < REGISTERS; i++) {
      if (theirs[i]! > mine[i]!) mine[i] = theirs[i]!;
    }
    this.#exact = null;
  }

  /** The registers once there are more than SPARSE_LIMIT hashes. */
  #spill(): void {
    if (this.#exact !== null && this.#exact.size > SPARSE_LIMIT) {
      this.#registersNow();
      this.#exact = null;
    }
  }

  /** The registers, made from the exact hashes if not yet made. */
  #registersNow(): Uint8Array {
    if (this.#registers === null) {
      this.#registers = new Uint8Array(REGISTERS);
      for (const h of this.#exact ?? []) registerHash(this.#registers, h);
    }
    return this.#registers;
  }

  /** The estimated number of distinct keys added (0 when none). */
  estimate(): number {
    if (this.#exact !== null) return this.#exact.size;
    let sum = 0;
    let zeros = 0;
    for (const r of this.#registers!) {
      sum += 2 ** -r;
      if (r === 0) zeros++;
    }
    const raw = (ALPHA * REGISTERS * REGISTERS) / sum;
    // Small counts: linear counting over the empty registers is the better estimate.
    if (raw <= 2.5 * REGISTERS && zeros > 0) {
      return Math.round(REGISTERS * Math.log(REGISTERS / zeros));
    }
    return Math.round(raw);
  }
}

function registerHash(registers: Uint8Array, h: number): void {
  const index = Math.floor(h / 2 ** RANK_BITS);
  const rest = h % 2 ** RANK_BITS;
  // Rank: position of the first 1 bit of the remaining RANK_BITS, from the top (1-based).
  const rank = RANK_BITS - highestBit(rest);
  if (rank > registers[index]!) registers[index] = rank;
}

/** The index of the highest 1 bit of `n` (0 ≤ n < 2^53), −1 for 0; exact, unlike Math.log2. */
function highestBit(n: number): number {
  const high = Math.floor(n / 2 ** 32);
  if (high > 0) return 63 - Math.clz32(high);
  return 31 - Math.clz32(n >>> 0);
}

/** A key's 53-bit hash, what the sketch counts: a whole number from 0 to 2^53 − 1. */
export const keyHash = (key: Uint8Array): number => cyrb53(key, 0, key.length);

/** keyHash() of the key at bytes[start, end), read where it lies. */
export const keyHashOf = (bytes: Uint8Array, start: number, end: number): number =>
  cyrb53(bytes, start, end);

/** cyrb53: a fast 53-bit string hash (public domain, bryc), over bytes[start, end). */
function cyrb53(bytes: Uint8Array, start: number, end: number, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
