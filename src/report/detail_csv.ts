// The per-topic detail report: the reference tool's columns first, with the meanings
// model.md gives them, then the columns it lacked. Pure: a report in, CSV text out.

import type { TopicResult } from "../model/mod.ts";
import { csvDocument, numberCell, textCell } from "./_csv.ts";
import { isoTime, methodLabel, MIB, topicsByName, yesNo } from "./_format.ts";
import type { ClusterReport } from "./types.ts";

/** Joins a topic's warning codes in one cell; "|" is no CSV delimiter in any locale. */
export const WARNING_SEPARATOR = "|";

type Column = readonly [name: string, cell: (t: TopicResult, r: ClusterReport) => string];

/** Throughput columns in MB/s (1 MB = 1,048,576 bytes), to the byte per second. */
const MBPS_DIGITS = 6;

const mbps = (bytesPerSecond: number | null) =>
  numberCell(bytesPerSecond === null ? null : bytesPerSecond / MIB, MBPS_DIGITS);
const time = (ms: number | null) => textCell(ms === null ? null : isoTime(ms));

/**
 * The reference's columns. Where the reference printed 0 for a topic without traffic
 * (throughputs of an empty topic, the recommendation of an empty or failed one), so do we;
 * a value nobody measured (records of a failed topic) stays empty rather than 0.
 */
const REFERENCE_COLUMNS: readonly Column[] = [
  ["method", (_, r) => textCell(methodLabel(r.method))],
  ["topic_name", (t) => textCell(t.topicName)],
  ["is_compacted", (t) => textCell(t.isCompacted ? "yes" : "no")],
  ["number_of_records", (t) => numberCell(t.recordsInWindow, 0)],
  ["number_of_partitions", (t) => numberCell(t.partitions, 0)],
  ["required_throughput", (t) => mbps(t.status === "empty" ? 0 : t.requiredBytesPerSecond)],
  ["consumer_throughput", (t) => mbps(t.status === "empty" ? 0 : t.avgBytesPerSecond)],
  ["recommended_partitions", (t) => numberCell(t.recommendedPartitions ?? 0, 0)],
  ["status", (t) => textCell(t.status)],
];

/** Our columns; here null is always an empty cell. */
const NEW_COLUMNS: readonly Column[] = [
  ["peak_throughput", (t) => mbps(t.peakBytesPerSecond)],
  ["peak_hour_start", (t) => time(t.peakHourStart)],
  ["window_start", (t) => time(t.windowStart)],
  ["window_end", (t) => time(t.windowEnd)],
  ["window_days", (t) => numberCell(t.windowDays, 3)],
  ["avg_record_bytes", (t) => numberCell(t.avgRecordBytes, 1)],
  ["avg_payload_bytes", (t) => numberCell(t.avgPayloadBytes, 1)],
  ["action", (t) => textCell(t.action)],
  ["warnings", (t) => textCell(t.warnings.join(WARNING_SEPARATOR))],
  ["skew", (t) => numberCell(t.skew, 3)],
  ["consumer_fan_out", (t) => numberCell(t.consumerFanOut, 3)],
  ["error", (t) => textCell(t.error)],
  // Appended after the columns earlier versions wrote, so scripts reading by position still work.
  ["avg_record_bytes_low", (t) => numberCell(t.avgRecordBytesLow, 1)],
  ["avg_record_bytes_high", (t) => numberCell(t.avgRecordBytesHigh, 1)],
  ["recommended_partitions_low", (t) => numberCell(t.recommendedPartitionsLow, 0)],
  ["recommended_partitions_high", (t) => numberCell(t.recommendedPartitionsHigh, 0)],
  // Model v2.
  ["reason", (t) => textCell(t.reason)],
  ["peak_records_per_second", (t) => numberCell(t.peakRecordsPerSecond, 3)],
  ["peak_minute_start", (t) => time(t.peakMinuteStart)],
  ["peak_minute_records_per_second", (t) => numberCell(t.peakMinuteRecordsPerSecond, 3)],
  ["peak_minute_bytes_per_second", (t) => numberCell(t.peakMinuteBytesPerSecond, 1)],
  ["peak_window", (t) => textCell(t.peakWindow)],
  ["required_records_per_second", (t) => numberCell(t.requiredRecordsPerSecond, 3)],
  ["keys_kept_pct", (t) => numberCell(t.keysKeptPct, 1)],
  ["distinct_keys", (t) => numberCell(t.distinctKeys, 0)],
  ["consumer_groups", (t) => numberCell(t.consumerGroups?.length ?? null, 0)],
  ["largest_group_members", (t) => numberCell(t.largestGroupMembers, 0)],
  ["consumer_lag", (t) => numberCell(t.consumerLag, 0)],
  ["hot_partition_hours", (t) => numberCell(t.hotPartitionHours, 0)],
  // yes / no; empty (n/a) where the source cannot tell (hot_partition_egress: every source
  // but the Metrics API).
  ["hot_partition_ingress", (t) => textCell(yesNo(t.hotPartitionIngress))],
  ["hot_partition_egress", (t) => textCell(yesNo(t.hotPartitionEgress))],
];

/** The reference tool's detail columns, in its order; the report starts with exactly these. */
export const REFERENCE_DETAIL_COLUMNS: readonly string[] = REFERENCE_COLUMNS.map(([n]) => n);

const COLUMNS: readonly Column[] = [...REFERENCE_COLUMNS, ...NEW_COLUMNS];

/** Every detail column, in order. */
export const DETAIL_COLUMNS: readonly string[] = COLUMNS.map(([n]) => n);

/** The detail report: a header, then one row per topic, topics by name. */
export function renderDetailCsv(report: ClusterReport): string {
  const rows = topicsByName(report.topics).map((t) => COLUMNS.map(([, cell]) => cell(t, report)));
  return csvDocument(DETAIL_COLUMNS, rows);
}
