// Record payloads for the seeder: stock-trade-like JSON padded to the planned size, so the
// codecs compress realistic text rather than noise or a run of one byte.
import { mulberry32 } from "./plan.ts";

const SYMBOLS = ["ZVV", "ZTEST", "ZJZZT", "ZXZZT", "ZWZZT", "ZVZZT", "ZBZX", "ZVZZC"];
const ACCOUNTS = ["ABC123", "LMN456", "XYZ789"];
const encoder = new TextEncoder();

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
