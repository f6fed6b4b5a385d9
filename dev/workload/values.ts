// Record payloads for the seeder, of exactly the planned size, in one of three contents
// (`traffic.valueContent`):
// - "trade" (the default, and all there was before): stock-trade-like JSON padded with
//   "note-123 " words, so the codecs compress realistic text (a batch of it ~5× with gzip);
// - "random": random bytes, which no codec compresses (a compressed batch comes out a little
//   larger than its records);
// - "compressible": one short word repeated, which every codec compresses tens of times.
import { mulberry32, type PlannedRecord } from "./plan.ts";
import type { TrafficProfile, WorkloadProfile } from "./profile.ts";

export type ValueContent = NonNullable<TrafficProfile["valueContent"]>;

const SYMBOLS = ["ZVV", "ZTEST", "ZJZZT", "ZXZZT", "ZWZZT", "ZVZZT", "ZBZX", "ZVZZC"];
const ACCOUNTS = ["ABC123", "LMN456", "XYZ789"];
const encoder = new TextEncoder();

/**
 * The value the seeder writes for the `index`-th record of an hour. "trade" values depend on
 * the record's timestamp and index only (as they always did); the other contents also on the
 * profile's seed.
 */
export function plannedValue(
  profile: Pick<WorkloadProfile, "seed">,
  traffic: Pick<TrafficProfile, "valueContent">,
  r: PlannedRecord,
  index: number,
): Uint8Array {
  const seed = r.timestamp ^ (index * 2654435761);
  switch (traffic.valueContent ?? "trade") {
    case "trade":
      return recordValue(seed, r.valueBytes);
    case "random":
      return randomValue(seed ^ Math.imul(profile.seed, 0x9e3779b1), r.valueBytes);
    case "compressible":
      return compressibleValue(seed ^ Math.imul(profile.seed, 0x9e3779b1), r.valueBytes);
  }
}

/** Bytes of the value plannedValue() writes for a planned size (a trade value is at least 8). */
export function plannedValueBytes(content: ValueContent | undefined, size: number): number {
  return (content ?? "trade") === "trade" ? Math.max(8, size) : size;
}

/** Random bytes: incompressible. */
export function randomValue(seed: number, size: number): Uint8Array {
  const rng = mulberry32(seed);
  const out = new Uint8Array(size);
  const words = new Uint32Array(out.buffer, 0, size >>> 2);
  for (let i = 0; i < words.length; i++) words[i] = Math.floor(rng() * 4_294_967_296);
  for (let i = words.length * 4; i < size; i++) out[i] = Math.floor(rng() * 256);
  return out;
}

/** One short word (a ticker symbol and a space) repeated to `size` bytes: highly compressible. */
export function compressibleValue(seed: number, size: number): Uint8Array {
  const word = encoder.encode(`${SYMBOLS[mulberry32(seed)() * SYMBOLS.length | 0]} `);
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i += word.length) out.set(word.subarray(0, size - i), i);
  return out;
}

/** A JSON value of exactly `size` bytes (at least the size of the bare object). */
export function recordValue(seed: number, size: number): Uint8Array {
  const rng = mulberry32(seed);
  const trade = JSON.stringify({
    side: rng() < 0.5 ? "BUY" : "SELL",
    quantity: 1 + Math.floor(rng() * 5000),
    symbol: SYMBOLS[Math.floor(rng() * SYMBOLS.length)],
    price: 1 + Math.floor(rng() * 100_000) / 100,
    account: ACCOUNTS[Math.floor(rng() * ACCOUNTS.length)],
    userid: `User_${1 + Math.floor(rng() * 9)}`,
  });
  const padding = size - trade.length - `,"memo":""`.length;
  if (padding >= 0) {
    return encoder.encode(`${trade.slice(0, -1)},"memo":"${filler(rng, padding)}"}`);
  }
  // Too small for a trade: still JSON, still exactly `size` bytes.
  return encoder.encode(`{"m":"${filler(rng, Math.max(0, size - 8))}"}`);
}

function filler(rng: () => number, length: number): string {
  let text = "";
  while (text.length < length) text += `note-${Math.floor(rng() * 1000)} `;
  return text.slice(0, length);
}
