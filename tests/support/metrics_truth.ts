// Ground truth for the Metrics API method's minute peaks and hot partitions, counted from the
// workload's record plan (dev/workload): what the source must find, written independently of
// it from model.md's rules.
import { minuteTruth, topicTruth, type Window } from "../../dev/workload/ground_truth.ts";
import { HOUR_MS, planHour } from "../../dev/workload/plan.ts";
import type { TopicProfile, WorkloadProfile } from "../../dev/workload/profile.ts";

const MINUTE_MS = 60_000;

/**
 * model.md, Hot partitions: the hours of the window in which a partition received more than
 * twice the mean of the topic's partitions (topics of at least 3 partitions).
 */
export function hotPartitionHours(
  profile: WorkloadProfile,
  topic: TopicProfile,
  anchor: number,
  window: Window,
): number[] {
  const out: number[] = [];
  if (topic.partitions < 3) return out;
  for (let h = window.start; h < window.end; h += HOUR_MS) {
    const counts = new Array<number>(topic.partitions).fill(0);
    const plan = planHour(profile, topic, anchor, h);
    for (const r of plan) counts[r.partition]!++;
    const mean = plan.length / topic.partitions;
    if (plan.length > 0 && counts.some((c) => c > 2 * mean)) out.push(h);
  }
  return out;
}

/** The same rule per partition: each hour of the window with the partitions hot in it. */
export function hotPartitionsByHour(
  profile: WorkloadProfile,
  topic: TopicProfile,
  anchor: number,
  window: Window,
): Map<number, number[]> {
  const out = new Map<number, number[]>();
  if (topic.partitions < 3) return out;
  for (let h = window.start; h < window.end; h += HOUR_MS) {
    const counts = new Array<number>(topic.partitions).fill(0);
    const plan = planHour(profile, topic, anchor, h);
    for (const r of plan) counts[r.partition]!++;
    const mean = plan.length / topic.partitions;
    const hot = counts.flatMap((c, p) => plan.length > 0 && c > 2 * mean ? [p] : []);
    if (hot.length > 0) out.set(h, hot);
  }
  return out;
}

export interface ExpectedPeakMinute {
  minuteStart: number;
  records: number;
}

/**
 * The busiest minute (ties: the earlier) inside a topic's 3 busiest hours of the window (by
 * records; ties: the earlier hour) whose minute data is still held (hour start ≥ heldFrom), and
 * those hours; the minute is null when none is held or the topic has no records.
 */
export function expectedPeakMinute(
  profile: WorkloadProfile,
  topic: TopicProfile,
  anchor: number,
  window: Window,
  heldFrom: number,
): { minute: ExpectedPeakMinute | null; hours: number[] } {
  const top = topicTruth(profile, topic, anchor, window).hourly
    .filter((h) => h.records > 0)
    .sort((a, b) => b.records - a.records || a.hourStart - b.hourStart)
    .slice(0, 3)
    .map((h) => h.hourStart)
    .filter((h) => h >= heldFrom)
    .sort((a, b) => a - b);
  let minute: ExpectedPeakMinute | null = null;
  for (const h of top) {
    minuteTruth(profile, topic, anchor, h).records.forEach((n, m) => {
      if (n > 0 && (minute === null || n > minute.records)) {
        minute = { minuteStart: h + m * MINUTE_MS, records: n };
      }
    });
  }
  return { minute, hours: top };
}

/** The oldest hour whose minute data the client still asks for: 7 days less an hour before T0. */
export function minuteDataHeldFrom(analysisTime: number): number {
  return Math.ceil((analysisTime - 7 * 24 * HOUR_MS + HOUR_MS) / HOUR_MS) * HOUR_MS;
}
