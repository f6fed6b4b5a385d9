// The busiest minute of a topic (model.md, "Peak granularity"): searched inside its busiest
// hours only, since an hour's minutes cost 59 offset lookups each. Pure: which hours to
// search, and the busiest minute of what the search found.
import type { PeakMinute } from "../model/measurement.ts";

/** How many of a topic's busiest hours are searched minute by minute. */
export const PEAK_MINUTE_TOP_HOURS = 3;

export const MINUTE_MS = 60_000;

/**
 * Indices of the `k` busiest hours by records (ties: the earlier hour), ascending; hours
 * without records are never among them.
 */
export function topHours(records: readonly number[], k = PEAK_MINUTE_TOP_HOURS): number[] {
  return records.map((n, i) => ({ n, i }))
    .filter((h) => h.n > 0)
    .sort((a, b) => b.n - a.n || a.i - b.i)
    .slice(0, Math.max(0, k))
    .map((h) => h.i)
    .sort((a, b) => a - b);
}

/**
 * The busiest minute of the searched hours (the earliest on a tie): `hourStarts[j]` and its
 * records per minute `perMinute[j]` (60 each). Null when no minute holds a record.
 */
export function busiestMinute(
  hourStarts: readonly number[],
  perMinute: readonly (readonly number[])[],
  bytesPerRecord: number,
): PeakMinute | null {
  let best: { minuteStart: number; records: number } | null = null;
  const order = hourStarts.map((_, j) => j).sort((a, b) => hourStarts[a]! - hourStarts[b]!);
  for (const j of order) {
    perMinute[j]!.forEach((records, m) => {
      if (records > (best?.records ?? 0)) {
        best = { minuteStart: hourStarts[j]! + m * MINUTE_MS, records };
      }
    });
  }
  if (best === null) return null;
  const { minuteStart, records } = best;
  return { minuteStart, records, bytes: records * bytesPerRecord };
}
