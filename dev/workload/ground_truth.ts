// Exact ground truth of a seeded profile for any window: records per hour and per
// partition, straight from the record plan the seeder wrote. Tests compare the analyzer
// with this, never with the analyzer's own earlier output.
//
// What the log holds is the plan minus what `deleteBefore` deleted: every record with a
// timestamp before the cut (plan.ts deletionCut()). model.md counts an hour only when it is
// complete in the log; an analyzer sees that from the log start alone, so the truth follows
// the same observable rule: on every partition whose log start moved, the hour holding its
// first retained record is dropped, and the window starts at the next hour with records
// (firstCompleteHourStart). With a fractional `hoursAgo` that is the hour the cut falls in,
// part of which was deleted (partialHourStart); with a whole one, nothing of it was deleted,
// but the log cannot show that, so it is dropped all the same.
//
// Bytes per record are not here: the codecs decide them. tests/support/broker_log.ts reads
// them from the broker's segment files.
import {
  BATCH_HEADER_BYTES,
  DEFAULT_CHUNK_BYTES,
  deletionCut,
  HOUR_MS,
  keyAndHeaderBytes,
  MINUTE_MS,
  planBatches,
  planHour,
  profileHours,
  recordsInHour,
} from "./plan.ts";
import type { TopicProfile, WorkloadProfile } from "./profile.ts";
import { plannedValueBytes } from "./values.ts";

export interface HourTruth {
  hourStart: number;
  /** Records of the hour in the log (those `deleteBefore` deleted are not). */
  records: number;
}

export interface TopicTruth {
  topic: string;
  partitions: number;
  /** Every hour of the window, oldest first, zero hours included; the partial hour with what is left of it. */
  hourly: HourTruth[];
  /** Records per partition in the hours model.md counts (from firstCompleteHourStart). */
  perPartition: number[];
  /** Records in the hours model.md counts: Σ hourly from firstCompleteHourStart. */
  records: number;
  /** Σ hourly: every record of the window in the log, the partial hour's included. */
  recordsInLog: number;
  /** Σ key + value + header bytes (uncompressed payload) of the counted records. */
  payloadBytes: number;
  /** The busiest counted hour (the earliest on a tie); null when there is none. */
  peakHourStart: number | null;
  /** model.md's effective start S' for this window: the first counted hour with records; null when none. */
  firstCompleteHourStart: number | null;
  /** The hour of the window `deleteBefore` cut into (some of its records deleted, some left); null when none. */
  partialHourStart: number | null;
  keyed: boolean;
}

export interface Window {
  /** Inclusive, a whole UTC hour. */
  start: number;
  /** Exclusive, a whole UTC hour. */
  end: number;
}

export interface DeletionTruth {
  /** Every record with an earlier timestamp was deleted (epoch ms). */
  cut: number;
  /** Per partition: its log start offset after the deletion, i.e. the records deleted from it. */
  logStartOffsets: number[];
  deletedRecords: number;
  /** Per partition: the timestamp of its first retained record; null when none is left. */
  firstRetainedTimestamps: (number | null)[];
  /** The hour the cut falls strictly inside when records of it were deleted; null otherwise. */
  partialHourStart: number | null;
  /**
   * The hours model.md drops, ascending: on every partition whose log start moved, the hour
   * of its first retained record. Normally just the hour of the cut; a later one only on a
   * partition with no record between the cut and that hour's end.
   */
  droppedHourStarts: number[];
  /** The first hour after the dropped ones with records in the log; null when none. */
  firstCompleteHourStart: number | null;
}

/** What `deleteBefore` removed from a topic and which hours that leaves incomplete; null without it. */
export function deletionTruth(
  profile: WorkloadProfile,
  topic: TopicProfile,
  anchor: number,
): DeletionTruth | null {
  const cut = deletionCut(topic, anchor);
  if (cut === null) return null;
  const logStartOffsets = new Array<number>(topic.partitions).fill(0);
  const firstRetained = new Array<number | null>(topic.partitions).fill(null);
  const cutHour = Math.floor(cut / HOUR_MS) * HOUR_MS;
  let deletedOfCutHour = 0;
  let keptOfCutHour = 0;
  for (const h of profileHours(profile, anchor)) {
    if (h >= cut && firstRetained.every((ts) => ts !== null)) break;
    for (const r of planHour(profile, topic, anchor, h)) {
      if (r.timestamp < cut) {
        logStartOffsets[r.partition]!++;
        if (h === cutHour) deletedOfCutHour++;
      } else {
        firstRetained[r.partition] ??= r.timestamp;
        if (h === cutHour) keptOfCutHour++;
      }
    }
  }
  const dropped = [
    ...new Set(
      firstRetained.flatMap((ts, p) =>
        ts !== null && logStartOffsets[p]! > 0 ? [Math.floor(ts / HOUR_MS) * HOUR_MS] : []
      ),
    ),
  ].sort((a, b) => a - b);
  const lastDropped = dropped.at(-1) ?? -Infinity;
  let firstComplete: number | null = null;
  for (const h of profileHours(profile, anchor)) {
    if (h > lastDropped && recordsInLog(profile, topic, anchor, h) > 0) {
      firstComplete = h;
      break;
    }
  }
  return {
    cut,
    logStartOffsets,
    deletedRecords: logStartOffsets.reduce((s, n) => s + n, 0),
    firstRetainedTimestamps: firstRetained,
    partialHourStart: deletedOfCutHour > 0 && keptOfCutHour > 0 ? cutHour : null,
    droppedHourStarts: dropped,
    firstCompleteHourStart: firstComplete,
  };
}

/** Records of the hour starting at `hourStart` that are in the log (recordsInHour() minus those deleted). */
export function recordsInLog(
  profile: WorkloadProfile,
  topic: TopicProfile,
  anchor: number,
  hourStart: number,
): number {
  const n = recordsInHour(profile, topic, anchor, hourStart);
  const cut = deletionCut(topic, anchor);
  if (n === 0 || cut === null || cut <= hourStart) return n;
  if (cut >= hourStart + HOUR_MS) return 0;
  return planHour(profile, topic, anchor, hourStart).filter((r) => r.timestamp >= cut).length;
}

/** Records in the log per partition and hour of the window: `[partition][hour index]`. */
export function partitionHourly(
  profile: WorkloadProfile,
  topic: TopicProfile,
  anchor: number,
  window: Window,
): number[][] {
  checkWindow(window);
  const cut = deletionCut(topic, anchor) ?? -Infinity;
  const hours = (window.end - window.start) / HOUR_MS;
  const out = Array.from({ length: topic.partitions }, () => new Array<number>(hours).fill(0));
  for (let j = 0; j < hours; j++) {
    const h = window.start + j * HOUR_MS;
    if (recordsInHour(profile, topic, anchor, h) === 0) continue;
    for (const r of planHour(profile, topic, anchor, h)) {
      if (r.timestamp >= cut) out[r.partition]![j]!++;
    }
  }
  return out;
}

export function topicTruth(
  profile: WorkloadProfile,
  topic: TopicProfile,
  anchor: number,
  window: Window,
): TopicTruth {
  checkWindow(window);
  const cut = deletionCut(topic, anchor) ?? -Infinity;
  const deletion = deletionTruth(profile, topic, anchor);
  // model.md: hours up to the last dropped one inside the window are not counted.
  const lastDropped = deletion?.droppedHourStarts.filter((h) => h >= window.start).at(-1) ??
    -Infinity;
  const headers = topic.traffic?.headers ?? 0;
  const hourly: HourTruth[] = [];
  const perPartition = new Array<number>(topic.partitions).fill(0);
  let peak: HourTruth | null = null;
  let firstComplete: number | null = null;
  let payloadBytes = 0;
  for (let h = window.start; h < window.end; h += HOUR_MS) {
    const records = recordsInLog(profile, topic, anchor, h);
    const point = { hourStart: h, records };
    hourly.push(point);
    if (records === 0 || h <= lastDropped) continue;
    firstComplete ??= h;
    if (peak === null || records > peak.records) peak = point;
    for (const r of planHour(profile, topic, anchor, h)) {
      if (r.timestamp < cut) continue;
      perPartition[r.partition] = (perPartition[r.partition] ?? 0) + 1;
      payloadBytes += plannedValueBytes(topic.traffic?.valueContent, r.valueBytes) +
        keyAndHeaderBytes(r, headers);
    }
  }
  const partial = deletion?.partialHourStart ?? null;
  return {
    topic: topic.name,
    partitions: topic.partitions,
    hourly,
    perPartition,
    records: perPartition.reduce((sum, n) => sum + n, 0),
    recordsInLog: hourly.reduce((sum, p) => sum + p.records, 0),
    payloadBytes,
    peakHourStart: peak?.hourStart ?? null,
    firstCompleteHourStart: firstComplete,
    partialHourStart: partial !== null && partial >= window.start && partial < window.end
      ? partial
      : null,
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

/** One hour of a topic minute by minute: what is in the log (deleted records are not). */
export interface MinuteTruth {
  hourStart: number;
  /** Records with a timestamp in each minute of the hour, `[minute]`, 60 of them. */
  records: number[];
  /** The same per partition: `[partition][minute]`. */
  perPartition: number[][];
}

/** Records in the log per minute of the hour starting at `hourStart`, in all and per partition. */
export function minuteTruth(
  profile: WorkloadProfile,
  topic: TopicProfile,
  anchor: number,
  hourStart: number,
): MinuteTruth {
  if (hourStart % HOUR_MS !== 0) throw new RangeError("hourStart must be a whole UTC hour");
  const cut = deletionCut(topic, anchor) ?? -Infinity;
  const records = new Array<number>(60).fill(0);
  const perPartition = Array.from(
    { length: topic.partitions },
    () => new Array<number>(60).fill(0),
  );
  if (recordsInHour(profile, topic, anchor, hourStart) > 0) {
    for (const r of planHour(profile, topic, anchor, hourStart)) {
      if (r.timestamp < cut) continue;
      const minute = Math.floor((r.timestamp - hourStart) / MINUTE_MS);
      records[minute]!++;
      perPartition[r.partition]![minute]!++;
    }
  }
  return { hourStart, records, perPartition };
}

/** The busiest minute of a topic over a window (see peakMinuteTruth()). */
export interface PeakMinuteTruth {
  /** Start of the minute, epoch milliseconds. */
  minuteStart: number;
  records: number;
  /** The hours searched, ascending: the top hours, or every counted hour with records. */
  hoursSearched: number[];
}

export interface PeakMinuteOptions {
  /**
   * Search only the `topHours` busiest counted hours (ties: the earlier hour), as model.md's
   * "busiest minute inside the busiest hours" does; absent: every counted hour of the window.
   */
  topHours?: number;
}

/**
 * The busiest minute of the window's counted hours (model.md: from firstCompleteHourStart;
 * deleted records are not counted), the earliest on a tie; null when the window has no
 * counted record. With `topHours`, only inside that many busiest hours.
 */
export function peakMinuteTruth(
  profile: WorkloadProfile,
  topic: TopicProfile,
  anchor: number,
  window: Window,
  options: PeakMinuteOptions = {},
): PeakMinuteTruth | null {
  const truth = topicTruth(profile, topic, anchor, window);
  if (truth.firstCompleteHourStart === null) return null;
  let hours = truth.hourly.filter((h) =>
    h.hourStart >= truth.firstCompleteHourStart! && h.records > 0
  );
  if (options.topHours !== undefined) {
    hours = [...hours].sort((a, b) => b.records - a.records || a.hourStart - b.hourStart)
      .slice(0, options.topHours);
  }
  const searched = hours.map((h) => h.hourStart).sort((a, b) => a - b);
  let best: PeakMinuteTruth | null = null;
  for (const h of searched) {
    minuteTruth(profile, topic, anchor, h).records.forEach((n, m) => {
      if (best === null || n > best.records) {
        best = { minuteStart: h + m * MINUTE_MS, records: n, hoursSearched: searched };
      }
    });
  }
  return best;
}

export interface BatchTruth {
  /** Per partition, the records of each batch in the log, in offset order (deleted ones left out). */
  perPartition: number[][];
  batches: number;
  records: number;
  oneRecordBatches: number;
  /** Records in one-record batches (= oneRecordBatches). */
  recordsInOneRecordBatches: number;
  largestBatchRecords: number;
  /**
   * Σ batch header bytes ÷ records: the part of log bytes per record that batching alone
   * decides (61 bytes per batch), whatever the codec.
   */
  headerBytesPerRecord: number;
}

/**
 * The record batches the seeder leaves in the log for a topic (plan.ts planBatches() over
 * every hour, minus those `deleteBefore` deleted; its batches end at the cut). `chunkBytes`
 * must be what the seeder was given.
 */
export function batchTruth(
  profile: WorkloadProfile,
  topic: TopicProfile,
  anchor: number,
  chunkBytes = DEFAULT_CHUNK_BYTES,
): BatchTruth {
  const cut = deletionCut(topic, anchor) ?? -Infinity;
  const perPartition = Array.from({ length: topic.partitions }, () => [] as number[]);
  for (const h of profileHours(profile, anchor)) {
    if (recordsInHour(profile, topic, anchor, h) === 0) continue;
    const plan = planHour(profile, topic, anchor, h);
    for (const b of planBatches(profile, topic, anchor, h, plan, chunkBytes)) {
      if (plan[b.records[0]!]!.timestamp >= cut) perPartition[b.partition]!.push(b.records.length);
    }
  }
  const all = perPartition.flat();
  const records = all.reduce((s, n) => s + n, 0);
  const ones = all.filter((n) => n === 1).length;
  return {
    perPartition,
    batches: all.length,
    records,
    oneRecordBatches: ones,
    recordsInOneRecordBatches: ones,
    largestBatchRecords: Math.max(0, ...all),
    headerBytesPerRecord: records === 0 ? 0 : (all.length * BATCH_HEADER_BYTES) / records,
  };
}

function checkWindow(window: Window): void {
  if (window.start % HOUR_MS !== 0 || window.end % HOUR_MS !== 0) {
    throw new RangeError("window bounds must be whole UTC hours");
  }
}
