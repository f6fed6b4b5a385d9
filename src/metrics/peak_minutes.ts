// Which hours the Metrics API source asks for at PT1M to find each topic's busiest minute
// (model.md, Peak granularity: the busiest minute inside the busiest hours), and how the
// answers become a PeakMinute. Pure: no I/O, so the rules are unit-testable on their own.
//
// - A topic's busiest hours are its TOP_HOURS hours with the most records (ties: the
//   earlier), hours without records left out.
// - Hours the API no longer holds minute data for are not asked (minuteDataHeldFrom()).
// - One query per metric per distinct hour covers every topic that needs that hour; at most
//   MAX_MINUTE_HOURS distinct hours per cluster. Past the cap, every topic's busiest hour
//   is kept before any topic's second, then third; within a rank, hours more topics need
//   first, then the earlier. A topic whose hours were all left out has no peak minute.
// - The peak minute is the minute with the most records (ties: the earlier) among the
//   topic's hours that were answered at PT1M; its bytes are received_bytes of that minute.
import type { HourlyPoint, PeakMinute } from "../model/measurement.ts";
import { DAY_MS, HOUR_MS } from "../model/window.ts";

/** How many of a topic's busiest hours are searched for its busiest minute. */
export const TOP_HOURS = 3;
/** Distinct hours asked at PT1M per cluster at most (two requests each). */
export const MAX_MINUTE_HOURS = 24;
/** How long the API keeps minute data: the spec's "data is kept about 7 days". */
export const MINUTE_DATA_RETENTION_MS = 7 * DAY_MS;
/**
 * Hours this close to the retention edge are not asked: "about" 7 days, and the run takes
 * time, so such an hour could be partly gone by the time its query is answered.
 */
export const MINUTE_RETENTION_MARGIN_MS = HOUR_MS;

/** The start of the oldest hour whose minute data the API still holds in full at `now`. */
export function minuteDataHeldFrom(
  now: number,
  retentionMs = MINUTE_DATA_RETENTION_MS,
  marginMs = MINUTE_RETENTION_MARGIN_MS,
): number {
  return Math.ceil((now - retentionMs + marginMs) / HOUR_MS) * HOUR_MS;
}

/** The starts of a topic's `n` busiest hours by records, busiest first (ties: the earlier). */
export function topHours(hourly: readonly HourlyPoint[], n = TOP_HOURS): number[] {
  return hourly
    .filter((h) => h.records > 0)
    .sort((a, b) => b.records - a.records || a.hourStart - b.hourStart)
    .slice(0, n)
    .map((h) => h.hourStart);
}

export interface MinuteQueryPlan {
  /** The hours to ask at PT1M, oldest first, each with the topics that need it (sorted). */
  hours: { hourStart: number; topics: string[] }[];
  /** Per topic: its busiest hours whose minute data the API no longer holds. */
  expired: Map<string, number[]>;
  /** Per topic: its busiest hours left out by the cap of MAX_MINUTE_HOURS. */
  capped: Map<string, number[]>;
}

/**
 * The PT1M queries for a cluster: `top` maps each topic to its busiest hours (busiest first);
 * hours before `heldFrom` are expired; at most `cap` distinct hours are kept.
 */
export function planMinuteQueries(
  top: ReadonlyMap<string, readonly number[]>,
  heldFrom: number,
  cap = MAX_MINUTE_HOURS,
): MinuteQueryPlan {
  const expired = new Map<string, number[]>();
  const live = new Map<string, number[]>();
  for (const [topic, hours] of top) {
    const gone = hours.filter((h) => h < heldFrom);
    if (gone.length > 0) expired.set(topic, gone);
    live.set(topic, hours.filter((h) => h >= heldFrom));
  }
  const chosen = new Set<number>();
  const ranks = Math.max(0, ...[...live.values()].map((h) => h.length));
  for (let rank = 0; rank < ranks && chosen.size < cap; rank++) {
    const need = new Map<number, number>();
    for (const hours of live.values()) {
      const h = hours[rank];
      if (h !== undefined && !chosen.has(h)) need.set(h, (need.get(h) ?? 0) + 1);
    }
    const order = [...need].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    for (const [h] of order) {
      if (chosen.size >= cap) break;
      chosen.add(h);
    }
  }
  const byHour = new Map<number, string[]>();
  const capped = new Map<string, number[]>();
  for (const [topic, hours] of live) {
    for (const h of hours) {
      if (chosen.has(h)) {
        const list = byHour.get(h);
        if (list) list.push(topic);
        else byHour.set(h, [topic]);
      } else {
        const list = capped.get(topic);
        if (list) list.push(h);
        else capped.set(topic, [h]);
      }
    }
  }
  return {
    hours: [...byHour]
      .sort((a, b) => a[0] - b[0])
      .map(([hourStart, topics]) => ({ hourStart, topics: topics.sort() })),
    expired,
    capped,
  };
}

/**
 * The busiest minute (most records; ties: the earlier) among `minutes` (minute start →
 * records, over every hour answered for the topic), with the bytes of that minute; null when
 * no minute has records.
 */
export function busiestMinute(
  minutes: ReadonlyMap<number, number>,
  bytes: ReadonlyMap<number, number> | undefined,
): PeakMinute | null {
  let best: PeakMinute | null = null;
  for (const [minuteStart, records] of minutes) {
    if (!(records > 0)) continue;
    if (
      best === null || records > best.records ||
      (records === best.records && minuteStart < best.minuteStart)
    ) {
      best = { minuteStart, records, bytes: bytes?.get(minuteStart) ?? 0 };
    }
  }
  return best;
}
