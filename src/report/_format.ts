// Value formatting shared by the report renderers: times, MB, the method's printed name,
// yes/no flags, and the topic order, so every format agrees on them.

import type { Method, TopicResult } from "../model/mod.ts";

/** 1 MB in the reports' "MB" columns, as the reference tool counted it. */
export const MIB = 1_048_576;

/** ISO-8601 UTC with milliseconds, e.g. 2026-09-08T00:00:00.000Z. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** The reference tool's name for each method, used by its `method` CSV column. */
export const METHOD_LABELS: Readonly<Record<Method, string>> = Object.freeze({
  sampling: "sampling_records",
  metrics_api: "metrics_api",
  prometheus: "prometheus",
  replay: "replay",
});

export function methodLabel(method: Method): string {
  return METHOD_LABELS[method];
}

/**
 * Topics by name (code units, not locale), so a report does not depend on the order in
 * which workers finished.
 */
export function topicsByName(topics: readonly TopicResult[]): TopicResult[] {
  return [...topics].sort((a, b) =>
    a.topicName < b.topicName ? -1 : a.topicName > b.topicName ? 1 : 0
  );
}

/** A hot-partition flag as the reports print it: "yes", "no", or null when unknown (n/a). */
export function yesNo(flag: boolean | null): "yes" | "no" | null {
  return flag === null ? null : flag ? "yes" : "no";
}

/**
 * " (8–12)": the recommendation at the two ends of the bytes-per-record interval, only where
 * they differ, so a topic measured exactly or precisely enough shows a single number.
 */
export function partitionRange(t: TopicResult): string {
  const { recommendedPartitionsLow: low, recommendedPartitionsHigh: high } = t;
  return low === null || high === null || low === high ? "" : ` (${low}–${high})`;
}

/**
 * `n` with exactly `digits` decimals and never exponent notation (toFixed switches to it
 * from 1e21 on). Non-finite values have no printable form and come back as "".
 */
export function fixed(n: number, digits: number): string {
  if (!Number.isFinite(n)) return "";
  if (Math.abs(n) < 1e21) return n.toFixed(digits);
  const whole = BigInt(Math.round(n)).toString();
  return digits > 0 ? `${whole}.${"0".repeat(digits)}` : whole;
}

/** Integers as integers, other numbers to at most `maxDigits` decimals without trailing zeros. */
export function plainNumber(n: number, maxDigits = 6): string {
  if (Number.isInteger(n)) return fixed(n, 0);
  const s = fixed(n, maxDigits);
  return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
}
