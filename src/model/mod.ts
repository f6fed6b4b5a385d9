// The recommendation model's public API: pure functions from measurements to results.
// Everything here is defined by shared/design/model.md.

export type {
  ConsumerGroupLag,
  HourlyPoint,
  Method,
  PeakMinute,
  RecordBytesInterval,
  SampleStats,
  TopicMeasurement,
} from "./measurement.ts";
export { DEFAULT_MODEL_PARAMS } from "./params.ts";
export type { ModelParams, PartitionRounding, PeakWindow } from "./params.ts";
export {
  ceilToHour,
  DAY_MS,
  effectiveStart,
  floorToHour,
  HOUR_MS,
  measurementWindow,
} from "./window.ts";
export type { Window } from "./window.ts";
export { hourlyPoints, hourlySeries, hourStartAt, noHours } from "./hourly_series.ts";
export type { HourlySeries } from "./hourly_series.ts";
export {
  actionFor,
  isPolicyReason,
  keysKeptPct,
  POLICY_TERMS,
  recommend,
  recommendPartitions,
  TERM_NAMES,
} from "./recommend.ts";
export type { Action, Demand, Recommendation, TermName } from "./recommend.ts";
export {
  analyzeTopic,
  HOT_PARTITION_MIN_PARTITIONS,
  HOT_PARTITION_THRESHOLD,
  SKEW_THRESHOLD,
  WARNING_CODES,
} from "./analyze.ts";
export type { AnalyzeContext, TopicResult, TopicStatus, WarningCode } from "./analyze.ts";
export { summarizeCluster, summaryStats } from "./summary.ts";
export type { ClusterSummary, RunStats, StatValue, SummaryStat } from "./summary.ts";
