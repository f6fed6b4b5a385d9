// Exact ground truth of a seeded profile for any window: records per hour and per
// partition, straight from the record plan the seeder wrote. Tests compare the analyzer
// with this, never with the analyzer's own earlier output.
import { HOUR_MS, planHour, recordsInHour } from "./plan.ts";
import type { TopicProfile, WorkloadProfile } from "./profile.ts";

export interface HourTruth {
  hourStart: number;
  records: number;
}

export interface TopicTruth {
  topic: string;
  partitions: number;
  /** Every hour of the window, oldest first, zero hours included. */
  hourly: HourTruth[];
  /** Records in the window per partition. */
  perPartition: number[];
  records: number;
  /** The busiest hour of the window (the earliest on a tie); null when there is none. */
  peakHourStart: number | null;
  keyed: boolean;
}

export interface Window {
  /** Inclusive, a whole UTC hour. */
  start: number;
  /** Exclusive, a whole UTC hour. */
  end: number;
}

export function topicTruth(
  profile: WorkloadProfile,
  topic: TopicProfile,
  anchor: number,
  window: Window,
): TopicTruth {
  if (window.start % HOUR_MS !== 0 || window.end % HOUR_MS !== 0) {
    throw new RangeError("window bounds must be whole UTC hours");
  }
  const hourly: HourTruth[] = [];
  const perPartition = new Array<number>(topic.partitions).fill(0);
  let peak: HourTruth | null = null;
  for (let h = window.start; h < window.end; h += HOUR_MS) {
    const records = recordsInHour(profile, topic, anchor, h);
    const point = { hourStart: h, records };
    hourly.push(point);
    if (records > 0 && (peak === null || records > peak.records)) peak = point;
    if (records > 0) {
      for (const r of planHour(profile, topic, anchor, h)) {
        perPartition[r.partition] = (perPartition[r.partition] ?? 0) + 1;
      }
    }
  }
  return {
    topic: topic.name,
    partitions: topic.partitions,
    hourly,
    perPartition,
    records: hourly.reduce((sum, p) => sum + p.records, 0),
    peakHourStart: peak?.hourStart ?? null,
    keyed: (topic.traffic?.keys.kind ?? "none") !== "none",
  };
}

/** Ground truth of every topic of the profile over one window. */
export function groundTruth(
  profile: WorkloadProfile,
  anchor: number,
  window: Window,
): Map<string, TopicTruth> {
  return new Map(profile.topics.map((t) => [t.name, topicTruth(profile, t, anchor, window)]));
}
