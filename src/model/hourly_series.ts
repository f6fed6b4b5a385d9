// A topic's hours as its result keeps them: every hour of its window, oldest first, as two
// columns of numbers. A result is held until its cluster's reports are written, and 10,000
// topics of a week's hours as one object per hour took about 140 MB of the main thread's heap
// (an object and two boxed numbers per hour); as columns they take a fifth of that.
import type { HourlyPoint } from "./measurement.ts";
import { HOUR_MS } from "./window.ts";

export interface HourlySeries {
  /** Start of the first hour, epoch milliseconds, a whole UTC hour; hour i starts i hours later. */
  start: number;
  /** Records in each hour. */
  records: Float64Array;
  /** Log bytes in each hour. */
  bytes: Float64Array;
}

/** No hour at all. */
export const noHours = (): HourlySeries => ({
  start: 0,
  records: new Float64Array(0),
  bytes: new Float64Array(0),
});

/**
 * Every hour of [start, end), taking the source's points and filling the hours it left out
 * with zeros: a metrics API may return no point at all for an hour without traffic.
 */
export function hourlySeries(
  points: readonly HourlyPoint[],
  start: number,
  end: number,
): HourlySeries {
  const hours = Math.max(0, Math.ceil((end - start) / HOUR_MS));
  const series = { start, records: new Float64Array(hours), bytes: new Float64Array(hours) };
  for (const p of points) {
    const i = (p.hourStart - start) / HOUR_MS;
    // A point outside the window, or not on an hour of it, is none of its hours.
    if (!Number.isInteger(i) || i < 0 || i >= hours) continue;
    series.records[i] = p.records;
    series.bytes[i] = p.bytes;
  }
  return series;
}

/** Start of hour `i` of the series. */
export const hourStartAt = (s: HourlySeries, i: number): number => s.start + i * HOUR_MS;

/** The hours as points, for a report that lists them. */
export function hourlyPoints(s: HourlySeries): HourlyPoint[] {
  return Array.from(s.records, (records, i) => ({
    hourStart: hourStartAt(s, i),
    records,
    bytes: s.bytes[i]!,
  }));
}
