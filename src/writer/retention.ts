// The results topic's retention.ms, from KAFKA_WRITER_TOPIC_DATA_RETENTION_IN_DAYS: 0 keeps
// the results forever (retention.ms=-1, Kafka's "infinite"), so a history of runs is never
// lost by default; any other number of days becomes milliseconds. Pure.
import { DAY_MS } from "../model/mod.ts";

/** retention.ms that Kafka reads as "never delete". */
export const RETAIN_FOREVER_MS = -1;

/** retention.ms for `days` days; 0 is forever. Fractions of a day are kept, to the millisecond. */
export function retentionMsFromDays(days: number): number {
  if (!Number.isFinite(days) || days < 0) {
    throw new RangeError(
      `KAFKA_WRITER_TOPIC_DATA_RETENTION_IN_DAYS must be 0 (keep forever) or a positive number of days, not ${days}`,
    );
  }
  if (days === 0) return RETAIN_FOREVER_MS;
  // A fraction so small that it rounds to 0 ms would read as "delete at once".
  return Math.max(1, Math.round(days * DAY_MS));
}

/** retention.ms as people read it in a log line: "forever", "30 days", "36 h", "500 ms". */
export function describeRetention(ms: number): string {
  if (ms < 0) return "forever";
  if (ms % DAY_MS === 0) return ms === DAY_MS ? "1 day" : `${ms / DAY_MS} days`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  return `${ms} ms`;
}
