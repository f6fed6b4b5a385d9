// Builders for the model's unit tests: a TopicMeasurement from a few declared hours, so each
// test states only the traffic that matters to the rule it pins.

import type { HourlyPoint, SampleStats, TopicMeasurement } from "../../src/model/measurement.ts";
import { DEFAULT_MODEL_PARAMS, type ModelParams } from "../../src/model/params.ts";
import { DAY_MS, HOUR_MS } from "../../src/model/window.ts";

export const MIB = 1_048_576;

/** The window end every fixture uses: a whole UTC hour. */
export const E = Date.UTC(2026, 0, 15, 12);

export function params(overrides: Partial<ModelParams> = {}): ModelParams {
  return { ...DEFAULT_MODEL_PARAMS, ...overrides };
}

/** The start of the hour `n` hours before E (n = 1 is the last complete hour). */
export function hoursAgo(n: number): number {
  return E - n * HOUR_MS;
}

/** An hour whose bytes make a steady `mibPerSecond` over the hour. */
export function hourAt(n: number, mibPerSecond: number, bytesPerRecord = 1024): HourlyPoint {
  const bytes = mibPerSecond * MIB * 3600;
  return { hourStart: hoursAgo(n), records: bytes / bytesPerRecord, bytes };
}

export function sample(overrides: Partial<SampleStats> = {}): SampleStats {
  return {
    records: 1000,
    batches: 10,
    logBytes: 1_024_000,
    batchRecords: 1000,
    payloadBytes: 900_000,
    keyedRecords: 0,
    ...overrides,
  };
}

/**
 * A measurement over the full 7-day window, zero hours included, with `points` laid over it.
 */
export function measurement(
  points: HourlyPoint[],
  overrides: Partial<TopicMeasurement> = {},
): TopicMeasurement {
  const windowStart = overrides.windowStart ?? E - 7 * DAY_MS;
  const windowEnd = overrides.windowEnd ?? E;
  const byHour = new Map(points.map((p) => [p.hourStart, p]));
  const hourly: HourlyPoint[] = [];
  for (let h = windowStart; h < windowEnd; h += HOUR_MS) {
    hourly.push(byHour.get(h) ?? { hourStart: h, records: 0, bytes: 0 });
  }
  return {
    topic: "orders",
    partitions: 6,
    isCompacted: false,
    retentionMs: 7 * DAY_MS,
    windowStart,
    windowEnd,
    hourly,
    partitionRecords: null,
    sample: null,
    error: null,
    ...overrides,
  };
}
