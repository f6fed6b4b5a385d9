// The analysis window of model.md: which complete UTC hours a topic is measured over.
// Sources call measurementWindow() before measuring; the model calls effectiveStart() after.

import type { HourlyPoint } from "./measurement.ts";

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** The start of the UTC hour containing `ms` (UTC has no DST, so this is arithmetic). */
export function floorToHour(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

/** The first whole UTC hour at or after `ms`. */
export function ceilToHour(ms: number): number {
  return Math.ceil(ms / HOUR_MS) * HOUR_MS;
}

/** A half-open interval [start, end) of epoch milliseconds, both whole UTC hours. */
export interface Window {
  start: number;
  end: number;
}

/**
 * The window [S, E) to measure a topic over.
 *
 * E = floor_to_utc_hour(T0): only complete hours, so every source buckets alike.
 * S = E − min(samplingDays, retention), rounded up to a whole hour: rounding the start
 * later rather than earlier keeps out an hour that retention may already have half deleted.
 * A negative retention (Kafka's -1) is infinite, leaving samplingDays.
 */
export function measurementWindow(
  analysisTimeMs: number,
  samplingDays: number,
  retentionMs: number,
): Window {
  const end = floorToHour(analysisTimeMs);
  const sampling = samplingDays * DAY_MS;
  const span = retentionMs < 0 ? sampling : Math.min(sampling, retentionMs);
  return { start: ceilToHour(end - span), end };
}

/**
 * S′: the start of the first hour in [start, end) that has any traffic, or null when none
 * does. A topic created two days ago is then averaged over two days, not seven.
 * Bytes count as traffic too, for sources that know bytes but not records.
 */
export function effectiveStart(
  hourly: readonly HourlyPoint[],
  start: number,
  end: number,
): number | null {
  let first: number | null = null;
  for (const h of hourly) {
    if (h.hourStart < start || h.hourStart >= end) continue;
    if (h.records <= 0 && h.bytes <= 0) continue;
    if (first === null || h.hourStart < first) first = h.hourStart;
  }
  return first;
}
