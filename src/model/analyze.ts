// Turns one TopicMeasurement into one TopicResult: every per-topic quantity model.md
// defines (effective window, totals, average and peak rates, the peak minute, every term of
// the recommendation and its reason, its range over the bytes-per-record interval, what the
// change costs in moved keys, consumer groups, hot partitions, warnings).
// Pure: the window end and all inputs arrive in the measurement and the arguments.

import type { ConsumerGroupLag, RecordBytesInterval, TopicMeasurement } from "./measurement.ts";
import type { ModelParams, PeakWindow } from "./params.ts";
import { type Action, actionFor, keysKeptPct, recommend, type TermName } from "./recommend.ts";
import { DAY_MS, effectiveStart, HOUR_MS } from "./window.ts";
import { type HourlySeries, hourlySeries, hourStartAt, noHours } from "./hourly_series.ts";

/** active: traffic in the window; empty: none; error: the topic could not be measured. */
export type TopicStatus = "active" | "empty" | "error";

/** Warning codes in the fixed order they are reported in. */
export const WARNING_CODES = [
  "keyed_topic",
  "compacted",
  "skewed",
  "window_capped",
  "low_sample",
  "uncertain",
  "idle_consumers",
  "few_keys",
] as const;
export type WarningCode = typeof WARNING_CODES[number];

/** The busiest partition must exceed this multiple of the mean to be `skewed`. */
export const SKEW_THRESHOLD = 2;

/** In an hour, a partition with more than this multiple of the mean records is hot. */
export const HOT_PARTITION_THRESHOLD = 2;
/** Topics with fewer partitions have no hot partitions: one busy partition of two is half. */
export const HOT_PARTITION_MIN_PARTITIONS = 3;

/**
 * One topic's analysis; fields map 1:1 to the JSON report's topic fields (snake_case there).
 * Times are epoch milliseconds, sizes bytes, rates bytes per second. Values the status
 * makes meaningless are null rather than 0, so a report never shows an invented number.
 */
export interface TopicResult {
  topicName: string;
  status: TopicStatus;
  /** Why the topic could not be measured; null unless status is "error". */
  error: string | null;
  /** Current partition count. */
  partitions: number;
  isCompacted: boolean;
  /** retention.ms; -1 is infinite. */
  retentionMs: number;
  /** S′ for an active topic; the measured start S otherwise. */
  windowStart: number;
  /** E, the end of the last complete UTC hour. */
  windowEnd: number;
  /** (windowEnd − windowStart) / 1 day; null for an error. */
  windowDays: number | null;
  recordsInWindow: number | null;
  bytesInWindow: number | null;
  /** Log bytes per record: bytesInWindow / recordsInWindow. */
  avgRecordBytes: number | null;
  /**
   * The ends of avgRecordBytes' 95 % interval (sampling source); both equal avgRecordBytes
   * when the source measured bytes exactly. Null when avgRecordBytes is.
   */
  avgRecordBytesLow: number | null;
  avgRecordBytesHigh: number | null;
  /** Mean key + value + header bytes of the sampled records; null without a sample. */
  avgPayloadBytes: number | null;
  avgBytesPerSecond: number | null;
  /** The busiest hour's bytes / 3600. */
  peakBytesPerSecond: number | null;
  /** Start of that hour; the earliest of equally busy hours. */
  peakHourStart: number | null;
  /** The busiest hour's records / 3600 (by records: the earliest of equally busy hours). */
  peakRecordsPerSecond: number | null;
  /** The busiest minute inside the busiest hours: its start, records / 60 and bytes / 60. */
  peakMinuteStart: number | null;
  peakMinuteRecordsPerSecond: number | null;
  peakMinuteBytesPerSecond: number | null;
  /** The peak R and Rr were computed from: PEAK_WINDOW, or "hour" when no minute was measured. */
  peakWindow: PeakWindow | null;
  /** R: the peak bytes per second (of peakWindow) × REQUIRED_CONSUMPTION_THROUGHPUT_FACTOR. */
  requiredBytesPerSecond: number | null;
  /** Rr: the peak records per second (of peakWindow) × the factor. */
  requiredRecordsPerSecond: number | null;
  recommendedPartitions: number | null;
  /** The term that set recommendedPartitions, `+rounding` when rounding raised it. */
  reason: string | null;
  /** Every term's value (null where unset or not applicable). */
  terms: Record<TermName, number | null> | null;
  /** For an increase: the share of keys, in percent, that keep their partition. */
  keysKeptPct: number | null;
  /** Distinct keys among the sampled records (an estimate); null without keyed samples. */
  distinctKeys: number | null;
  /** The consumer groups with committed offsets on the topic; null when unknown. */
  consumerGroups: ConsumerGroupLag[] | null;
  /** Members of the largest of those groups; null when unknown or none. */
  largestGroupMembers: number | null;
  /** Σ lag over those groups; null when unknown. */
  consumerLag: number | null;
  /** Hours of the window in which some partition was hot; null when unknown. */
  hotPartitionHours: number | null;
  /** Whether any partition was hot in the window; null when unknown. */
  hotPartitionIngress: boolean | null;
  /**
   * Whether the cluster flagged a partition hot for reads in the window (the Metrics API's
   * `hot_partition_egress`); null when unknown. Kept for an empty topic too: consumers may
   * read records older than the window.
   */
  hotPartitionEgress: boolean | null;
  /**
   * The recommendation with every hour's bytes scaled to avgRecordBytesLow / High (same
   * terms and rounding); both equal recommendedPartitions without an interval. `uncertain`
   * when they differ. Null when recommendedPartitions is.
   */
  recommendedPartitionsLow: number | null;
  recommendedPartitionsHigh: number | null;
  action: Action | null;
  /** Busiest partition's records / mean records per partition; null when unknown. */
  skew: number | null;
  /** Bytes consumed ÷ bytes produced (all consumer groups); informational; null when unknown. */
  consumerFanOut: number | null;
  warnings: WarningCode[];
  /** Every hour of [windowStart, windowEnd), oldest first, quiet hours as zeros. */
  hourly: HourlySeries;
}

export interface AnalyzeContext {
  /** Brokers in the topic's cluster, for broker-multiple rounding. */
  brokerCount: number;
}

/**
 * Applies model.md to one measurement. A failed or malformed measurement becomes an "error"
 * result rather than an exception, so one bad topic never stops a cluster's report.
 */
export function analyzeTopic(
  m: TopicMeasurement,
  params: ModelParams,
  ctx: AnalyzeContext,
): TopicResult {
  const groups = m.consumerGroups ?? null;
  const base = {
    topicName: m.topic,
    partitions: m.partitions,
    isCompacted: m.isCompacted,
    retentionMs: m.retentionMs,
    windowEnd: m.windowEnd,
    consumerFanOut: m.fanOut ?? null,
    consumerGroups: groups,
    largestGroupMembers: groups && groups.length > 0
      ? Math.max(...groups.map((g) => g.members))
      : null,
    consumerLag: groups && groups.every((g) => g.lag !== null)
      ? groups.reduce((sum, g) => sum + g.lag!, 0)
      : null,
  };
  const idle = groups !== null && groups.some((g) => g.members > m.partitions);
  const problem = m.error ?? invalidMeasurement(m);
  if (problem !== null) {
    return {
      ...base,
      ...nothingMeasured(),
      status: "error",
      error: problem,
      windowStart: m.windowStart,
      windowDays: null,
    };
  }

  const avgPayloadBytes = m.sample !== null && m.sample.records > 0
    ? m.sample.payloadBytes / m.sample.records
    : null;
  const skew = partitionSkew(m.partitionRecords, m.partitions);
  const start = effectiveStart(m.hourly, m.windowStart, m.windowEnd);
  if (start === null) {
    return {
      ...base,
      ...nothingMeasured(),
      status: "empty",
      error: null,
      windowStart: m.windowStart,
      windowDays: (m.windowEnd - m.windowStart) / DAY_MS,
      recordsInWindow: 0,
      bytesInWindow: 0,
      avgPayloadBytes,
      distinctKeys: m.distinctKeys ?? null,
      hotPartitionEgress: m.hotPartitionEgress ?? null,
      warnings: idle ? ["idle_consumers"] : [],
      hourly: hourlySeries(m.hourly, m.windowStart, m.windowEnd),
    };
  }

  const hourly = hourlySeries(m.hourly, start, m.windowEnd);
  let records = 0;
  let bytes = 0;
  // The busiest hour by bytes, and by records: the earliest of equals.
  let peak = 0;
  let peakByRecords = 0;
  for (let i = 0; i < hourly.records.length; i++) {
    records += hourly.records[i]!;
    bytes += hourly.bytes[i]!;
    if (hourly.bytes[i]! > hourly.bytes[peak]!) peak = i;
    if (hourly.records[i]! > hourly.records[peakByRecords]!) peakByRecords = i;
  }
  const avgRecordBytes = records > 0 ? bytes / records : null;
  const peakBytesPerSecond = hourly.bytes[peak]! / 3600;
  const peakRecordsPerSecond = hourly.records[peakByRecords]! / 3600;
  const minute = m.peakMinute ?? null;
  const peakWindow: PeakWindow = params.peakWindow === "minute" && minute !== null
    ? "minute"
    : "hour";
  const factor = params.requiredThroughputFactor;
  const required = (peakWindow === "minute" ? minute!.bytes / 60 : peakBytesPerSecond) * factor;
  const requiredRecords = (peakWindow === "minute" ? minute!.records / 60 : peakRecordsPerSecond) *
    factor;
  const demand = {
    bytesPerSecond: required,
    recordsPerSecond: requiredRecords,
    largestGroup: base.largestGroupMembers,
    brokerCount: ctx.brokerCount,
    current: m.partitions,
  };
  const recommendation = recommend(demand, params);
  const recommended = recommendation.partitions;
  const action = actionFor(recommended, m.partitions);
  const ends = intervalEnds(m.recordBytes ?? null, avgRecordBytes);
  // Scaling every hour (and minute) by one factor keeps the same peaks, so scaling the
  // required rate is scaling the peak's bytes; an end equal to the estimate gives the
  // recommendation itself. Records are counted, not estimated: Rr does not move.
  const recommendedAt = (perRecord: number | null) =>
    perRecord === null || avgRecordBytes === null || perRecord === avgRecordBytes
      ? recommended
      : recommend({ ...demand, bytesPerSecond: required * (perRecord / avgRecordBytes) }, params)
        .partitions;
  const recommendedLow = recommendedAt(ends.low);
  const recommendedHigh = recommendedAt(ends.high);
  const distinctKeys = m.distinctKeys ?? null;
  const keyed = m.sample !== null && m.sample.keyedRecords > 0;
  const hotHours = hotPartitionHours(m, start);
  const hotIngress = hotHours !== null && hotHours > 0
    ? true
    : m.hotPartitionIngress ?? (hotHours === null ? null : false);

  const warnings: WarningCode[] = [];
  if (action === "increase" && m.sample !== null && m.sample.keyedRecords > 0) {
    warnings.push("keyed_topic");
  }
  if (m.isCompacted) warnings.push("compacted");
  if (skew !== null && skew > SKEW_THRESHOLD) warnings.push("skewed");
  // Compared in whole milliseconds, so a full window never fails on float division.
  if (m.windowEnd - start < params.samplingDays * DAY_MS) warnings.push("window_capped");
  if (m.sample !== null && m.sample.records < Math.min(params.minSampleRecords, records)) {
    warnings.push("low_sample");
  }
  if (recommendedLow !== recommendedHigh) warnings.push("uncertain");
  if (idle) warnings.push("idle_consumers");
  if (keyed && distinctKeys !== null && recommended > distinctKeys) warnings.push("few_keys");

  return {
    ...base,
    status: "active",
    error: null,
    windowStart: start,
    windowDays: (m.windowEnd - start) / DAY_MS,
    recordsInWindow: records,
    bytesInWindow: bytes,
    avgRecordBytes,
    avgRecordBytesLow: ends.low,
    avgRecordBytesHigh: ends.high,
    avgPayloadBytes,
    avgBytesPerSecond: bytes / ((m.windowEnd - start) / 1000),
    peakBytesPerSecond,
    peakHourStart: hourStartAt(hourly, peak),
    peakRecordsPerSecond,
    peakMinuteStart: minute?.minuteStart ?? null,
    peakMinuteRecordsPerSecond: minute ? minute.records / 60 : null,
    peakMinuteBytesPerSecond: minute ? minute.bytes / 60 : null,
    peakWindow,
    requiredBytesPerSecond: required,
    requiredRecordsPerSecond: requiredRecords,
    recommendedPartitions: recommended,
    reason: recommendation.reason,
    terms: recommendation.terms,
    keysKeptPct: action === "increase" ? keysKeptPct(m.partitions, recommended) : null,
    distinctKeys,
    hotPartitionHours: hotHours,
    hotPartitionIngress: hotIngress,
    hotPartitionEgress: m.hotPartitionEgress ?? null,
    recommendedPartitionsLow: recommendedLow,
    recommendedPartitionsHigh: recommendedHigh,
    action,
    skew,
    warnings,
    hourly,
  };
}

// A function, not a constant, so no two results share (and can mutate) the same arrays.
function nothingMeasured() {
  return {
    recordsInWindow: null,
    bytesInWindow: null,
    avgRecordBytes: null,
    avgRecordBytesLow: null,
    avgRecordBytesHigh: null,
    avgPayloadBytes: null,
    avgBytesPerSecond: null,
    peakBytesPerSecond: null,
    peakHourStart: null,
    peakRecordsPerSecond: null,
    peakMinuteStart: null,
    peakMinuteRecordsPerSecond: null,
    peakMinuteBytesPerSecond: null,
    peakWindow: null,
    requiredBytesPerSecond: null,
    requiredRecordsPerSecond: null,
    recommendedPartitions: null,
    reason: null,
    terms: null,
    keysKeptPct: null,
    distinctKeys: null,
    hotPartitionHours: null,
    hotPartitionIngress: null,
    hotPartitionEgress: null,
    recommendedPartitionsLow: null,
    recommendedPartitionsHigh: null,
    action: null,
    skew: null,
    warnings: [] as WarningCode[],
    hourly: noHours(),
  } satisfies Partial<TopicResult>;
}

/**
 * Bytes per record at the interval's ends: the source's interval when it sampled, the
 * estimate itself at both ends when it measured bytes exactly. An interval needs a positive
 * estimate to scale from; a source that sends one without records has nothing to scale.
 */
function intervalEnds(
  interval: RecordBytesInterval | null,
  estimate: number | null,
): { low: number | null; high: number | null } {
  if (interval === null || estimate === null || !(estimate > 0)) {
    return { low: estimate, high: estimate };
  }
  return { low: interval.low, high: interval.high };
}

/**
 * Hours of [start, windowEnd) in which a partition's records exceed HOT_PARTITION_THRESHOLD ×
 * the mean of the topic's partitions that hour (topics of at least
 * HOT_PARTITION_MIN_PARTITIONS partitions). Null when the source has no per-partition hours.
 */
function hotPartitionHours(m: TopicMeasurement, start: number): number | null {
  const perPartition = m.partitionHourly ?? null;
  if (perPartition === null) return null;
  if (m.partitions < HOT_PARTITION_MIN_PARTITIONS) return 0;
  let hot = 0;
  m.hourly.forEach((h, i) => {
    if (h.hourStart < start || h.hourStart >= m.windowEnd) return;
    const counts = perPartition.map((p) => p[i] ?? 0);
    const total = counts.reduce((a, b) => a + b, 0);
    if (total <= 0) return;
    const mean = total / Math.max(m.partitions, counts.length);
    if (counts.some((c) => c > HOT_PARTITION_THRESHOLD * mean)) hot++;
  });
  return hot;
}

/** max / mean of the per-partition counts; partitions the source left out count as zero. */
function partitionSkew(counts: readonly number[] | null, partitions: number): number | null {
  if (counts === null || counts.length === 0) return null;
  const total = counts.reduce((a, b) => a + b, 0);
  if (total <= 0) return null;
  const mean = total / Math.max(counts.length, partitions);
  return counts.reduce((a, b) => Math.max(a, b), 0) / mean;
}

/**
 * A source bug shows up as an error on its topic rather than as a plausible wrong number.
 */
function invalidMeasurement(m: TopicMeasurement): string | null {
  const { windowStart: s, windowEnd: e } = m;
  if (s % HOUR_MS !== 0 || e % HOUR_MS !== 0 || s > e) {
    return `invalid measurement: window [${s}, ${e}) is not whole UTC hours in order`;
  }
  const seen = new Set<number>();
  let records = 0;
  let bytes = 0;
  for (const h of m.hourly) {
    if (h.hourStart % HOUR_MS !== 0 || h.hourStart < s || h.hourStart >= e) {
      return `invalid measurement: hour ${h.hourStart} is not a whole UTC hour inside the window`;
    }
    if (seen.has(h.hourStart)) return `invalid measurement: hour ${h.hourStart} appears twice`;
    seen.add(h.hourStart);
    if (!(h.records >= 0 && h.bytes >= 0 && Number.isFinite(h.records + h.bytes))) {
      return `invalid measurement: hour ${h.hourStart} has a negative or non-finite count`;
    }
    records += h.records;
    bytes += h.bytes;
  }
  const rows = m.partitionHourly ?? null;
  if (rows !== null) {
    if (rows.some((r) => r.length !== m.hourly.length)) {
      return "invalid measurement: per-partition hours do not match the topic's hours";
    }
    if (rows.some((r) => r.some((n) => !(n >= 0 && Number.isFinite(n))))) {
      return "invalid measurement: a per-partition hour has a negative or non-finite count";
    }
  }
  const minute = m.peakMinute ?? null;
  if (
    minute !== null &&
    (minute.minuteStart % 60_000 !== 0 || minute.minuteStart < s || minute.minuteStart >= e ||
      !(minute.records >= 0 && minute.bytes >= 0 && Number.isFinite(minute.records + minute.bytes)))
  ) {
    return `invalid measurement: peak minute ${minute.minuteStart} is not a whole minute of ` +
      "the window with counts ≥ 0";
  }
  return m.recordBytes
    ? invalidInterval(m.recordBytes, records > 0 ? bytes / records : null)
    : null;
}

/**
 * The interval must hold the estimate the hourly bytes were computed with, or the range the
 * reports print would not contain the recommendation. Float noise in Σ bytes / Σ records is
 * allowed for; anything more is a source bug.
 */
function invalidInterval(i: RecordBytesInterval, estimate: number | null): string | null {
  if (!(Number.isFinite(i.low) && Number.isFinite(i.high) && 0 <= i.low && i.low <= i.high)) {
    return `invalid measurement: bytes-per-record interval [${i.low}, ${i.high}] is not ` +
      "0 ≤ low ≤ high";
  }
  if (
    estimate !== null &&
    (estimate < i.low - i.low * ESTIMATE_SLACK || estimate > i.high + i.high * ESTIMATE_SLACK)
  ) {
    return `invalid measurement: bytes-per-record interval [${i.low}, ${i.high}] does not ` +
      `contain the estimate ${estimate}`;
  }
  return null;
}

/** Relative float noise allowed between the interval's ends and Σ bytes / Σ records. */
const ESTIMATE_SLACK = 1e-9;
