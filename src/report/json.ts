// The JSON report, the machine-readable one other tools and the tests rely on. Field names
// and meanings are a contract: bump JSON_SCHEMA_VERSION on any incompatible change.
// Units: times ISO-8601 UTC, sizes bytes, rates bytes per second, unrounded; null = unknown.

import {
  type Action,
  type ClusterSummary,
  type ConsumerGroupLag,
  hourlyPoints,
  type Method,
  type TermName,
  type TopicResult,
  type TopicStatus,
  type WarningCode,
} from "../model/mod.ts";
import { isoTime, topicsByName } from "./_format.ts";
import type { ClusterReport, ParameterValue } from "./types.ts";

export const JSON_SCHEMA_VERSION = 1;

export interface JsonHourlyPoint {
  hour_start: string;
  records: number;
  bytes: number;
}

export interface JsonTopic {
  topic_name: string;
  status: TopicStatus;
  error: string | null;
  partitions: number;
  is_compacted: boolean;
  /** -1 is infinite, as Kafka writes it. */
  retention_ms: number;
  window_start: string;
  window_end: string;
  window_days: number | null;
  records_in_window: number | null;
  bytes_in_window: number | null;
  avg_record_bytes: number | null;
  /** The ends of avg_record_bytes' 95 % interval; equal to it when bytes were measured exactly. */
  avg_record_bytes_low: number | null;
  avg_record_bytes_high: number | null;
  avg_payload_bytes: number | null;
  avg_bytes_per_second: number | null;
  peak_bytes_per_second: number | null;
  peak_hour_start: string | null;
  required_bytes_per_second: number | null;
  recommended_partitions: number | null;
  /** The recommendation at avg_record_bytes_low and _high; warning `uncertain` when they differ. */
  recommended_partitions_low: number | null;
  recommended_partitions_high: number | null;
  action: Action | null;
  warnings: WarningCode[];
  skew: number | null;
  /** Bytes consumed ÷ bytes produced, all consumer groups together (Metrics API); never used for sizing. */
  consumer_fan_out: number | null;
  // Model v2 (added in schema version 1; new fields only, none changed).
  /** The busiest hour's records per second (by records). */
  peak_records_per_second: number | null;
  /** The busiest minute inside the busiest hours; null when not measured. */
  peak_minute_start: string | null;
  peak_minute_records_per_second: number | null;
  peak_minute_bytes_per_second: number | null;
  /** Which peak required_* were computed from: PEAK_WINDOW, or "hour" without a minute. */
  peak_window: "hour" | "minute" | null;
  required_records_per_second: number | null;
  /** The term that set recommended_partitions (`+rounding` when rounding raised it). */
  reason: string | null;
  /** Every term's value, null where its setting is unset or it does not apply. */
  terms: Record<TermName, number | null> | null;
  /** For an increase: percent of keys that keep their partition. */
  keys_kept_pct: number | null;
  /** Distinct keys among the sampled records (HyperLogLog estimate). */
  distinct_keys: number | null;
  /** Consumer groups with committed offsets on the topic; null when they could not be read. */
  consumer_groups:
    | { group_id: string; state: string; members: number; lag: number | null }[]
    | null;
  largest_group_members: number | null;
  consumer_lag: number | null;
  hot_partition_hours: number | null;
  hot_partition_ingress: boolean | null;
  /** The cluster flagged a partition hot for reads (Metrics API's hot_partition_egress). */
  hot_partition_egress: boolean | null;
  hourly: JsonHourlyPoint[];
}

/** ClusterSummary with snake_case keys (the summary CSV's stat names). */
export interface JsonSummary {
  total_topics: number;
  active_topic_count: number;
  active_topic_percentage: number;
  total_partitions: number;
  total_recommended_partitions: number;
  active_total_partition_count: number;
  percentage_decrease: number;
  percentage_increase: number;
  total_records: number;
  average_partitions_per_topic: number;
  active_average_partitions_per_topic: number;
  average_recommended_partitions_per_topic: number;
  partitions_to_add: number;
  topics_to_increase: number;
  topics_to_keep: number;
  topics_over_partitioned: number;
  empty_topic_count: number;
  error_topic_count: number;
  hot_partition_ingress_count: number;
  hot_partition_ingress_percentage: number;
  hot_partition_egress_count: number;
  hot_partition_egress_percentage: number;
}

export interface JsonReport {
  schema_version: typeof JSON_SCHEMA_VERSION;
  cluster_id: string;
  method: Method;
  analysis_time: string;
  window_end: string;
  parameters: Record<string, ParameterValue>;
  topics: JsonTopic[];
  summary: JsonSummary;
  /** What to know about the whole cluster (e.g. consumer groups that could not be read). */
  notes: string[];
  /** Why the cluster could not be analysed; null when it was. */
  error: string | null;
}

/** The JSON report as an object, topics by name. */
export function toJsonReport(report: ClusterReport): JsonReport {
  return {
    schema_version: JSON_SCHEMA_VERSION,
    cluster_id: report.clusterId,
    method: report.method,
    analysis_time: isoTime(report.analysisTime),
    window_end: isoTime(report.windowEnd),
    parameters: copyParameters(report.parameters),
    topics: topicsByName(report.topics).map(jsonTopic),
    summary: jsonSummary(report.summary),
    notes: [...report.notes],
    error: report.error,
  };
}

/** The JSON report as text: two-space indents and a final newline. */
export function renderJson(report: ClusterReport): string {
  return [...jsonPieces(report)].join("");
}

/**
 * The JSON report's text in pieces, a topic each, whose concatenation is renderJson's: written
 * one after the other, a 10,000-topic report (about 230 MB of text) never sits in memory
 * whole, nor does its object tree.
 */
export function* jsonPieces(report: ClusterReport): Generator<string> {
  // The report without its topics, cut where the empty list stands: at depth 1, the one line
  // with two spaces before "topics".
  const frame = JSON.stringify(toJsonReport({ ...report, topics: [] }), null, 2) + "\n";
  const slot = '\n  "topics": []';
  const at = frame.indexOf(slot);
  const topics = topicsByName(report.topics);
  if (topics.length === 0) return yield frame;
  yield frame.slice(0, at) + '\n  "topics": [';
  for (const [i, t] of topics.entries()) {
    // A topic is at depth 2: four more spaces on each of its lines (a string's line break is
    // written as \n, so every raw one is the layout's).
    const text = JSON.stringify(jsonTopic(t), null, 2).replaceAll("\n", "\n    ");
    yield `${i === 0 ? "" : ","}\n    ${text}`;
  }
  yield "\n  ]" + frame.slice(at + slot.length);
}

// A copy, so a caller editing the JSON object cannot reach back into the report.
function copyParameters(p: Record<string, ParameterValue>): Record<string, ParameterValue> {
  return Object.fromEntries(
    Object.entries(p).map(([k, v]) => [k, Array.isArray(v) ? [...v] : v]),
  );
}

/** One topic of the JSON report; the results topic (src/writer/) sends it as its record value. */
export function jsonTopic(t: TopicResult): JsonTopic {
  return {
    topic_name: t.topicName,
    status: t.status,
    error: t.error,
    partitions: t.partitions,
    is_compacted: t.isCompacted,
    retention_ms: t.retentionMs,
    window_start: isoTime(t.windowStart),
    window_end: isoTime(t.windowEnd),
    window_days: t.windowDays,
    records_in_window: t.recordsInWindow,
    bytes_in_window: t.bytesInWindow,
    avg_record_bytes: t.avgRecordBytes,
    avg_record_bytes_low: t.avgRecordBytesLow,
    avg_record_bytes_high: t.avgRecordBytesHigh,
    avg_payload_bytes: t.avgPayloadBytes,
    avg_bytes_per_second: t.avgBytesPerSecond,
    peak_bytes_per_second: t.peakBytesPerSecond,
    peak_hour_start: t.peakHourStart === null ? null : isoTime(t.peakHourStart),
    required_bytes_per_second: t.requiredBytesPerSecond,
    recommended_partitions: t.recommendedPartitions,
    recommended_partitions_low: t.recommendedPartitionsLow,
    recommended_partitions_high: t.recommendedPartitionsHigh,
    action: t.action,
    warnings: [...t.warnings],
    skew: t.skew,
    consumer_fan_out: t.consumerFanOut,
    peak_records_per_second: t.peakRecordsPerSecond,
    peak_minute_start: t.peakMinuteStart === null ? null : isoTime(t.peakMinuteStart),
    peak_minute_records_per_second: t.peakMinuteRecordsPerSecond,
    peak_minute_bytes_per_second: t.peakMinuteBytesPerSecond,
    peak_window: t.peakWindow,
    required_records_per_second: t.requiredRecordsPerSecond,
    reason: t.reason,
    terms: t.terms === null ? null : { ...t.terms },
    keys_kept_pct: t.keysKeptPct,
    distinct_keys: t.distinctKeys,
    consumer_groups: t.consumerGroups === null ? null : t.consumerGroups.map(jsonGroup),
    largest_group_members: t.largestGroupMembers,
    consumer_lag: t.consumerLag,
    hot_partition_hours: t.hotPartitionHours,
    hot_partition_ingress: t.hotPartitionIngress,
    hot_partition_egress: t.hotPartitionEgress,
    hourly: hourlyPoints(t.hourly).map((h) => ({
      hour_start: isoTime(h.hourStart),
      records: h.records,
      bytes: h.bytes,
    })),
  };
}

function jsonSummary(s: ClusterSummary): JsonSummary {
  return {
    total_topics: s.totalTopics,
    active_topic_count: s.activeTopicCount,
    active_topic_percentage: s.activeTopicPercentage,
    total_partitions: s.totalPartitions,
    total_recommended_partitions: s.totalRecommendedPartitions,
    active_total_partition_count: s.activeTotalPartitionCount,
    percentage_decrease: s.percentageDecrease,
    percentage_increase: s.percentageIncrease,
    total_records: s.totalRecords,
    average_partitions_per_topic: s.averagePartitionsPerTopic,
    active_average_partitions_per_topic: s.activeAveragePartitionsPerTopic,
    average_recommended_partitions_per_topic: s.averageRecommendedPartitionsPerTopic,
    partitions_to_add: s.partitionsToAdd,
    topics_to_increase: s.topicsToIncrease,
    topics_to_keep: s.topicsToKeep,
    topics_over_partitioned: s.topicsOverPartitioned,
    empty_topic_count: s.emptyTopicCount,
    error_topic_count: s.errorTopicCount,
    hot_partition_ingress_count: s.hotPartitionIngressCount,
    hot_partition_ingress_percentage: s.hotPartitionIngressPercentage,
    hot_partition_egress_count: s.hotPartitionEgressCount,
    hot_partition_egress_percentage: s.hotPartitionEgressPercentage,
  };
}

function jsonGroup(g: ConsumerGroupLag) {
  return { group_id: g.groupId, state: g.state, members: g.members, lag: g.lag };
}
