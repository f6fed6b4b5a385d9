// The recommendation model's public API: pure functions from measurements to results.
// Everything here is defined by shared/design/model.md.

export type {
  HourlyPoint,
  Method,
  RecordBytesInterval,
  SampleStats,
  TopicMeasurement,
} from "./measurement.ts";
export { DEFAULT_MODEL_PARAMS } from "./params.ts";
export type { ModelParams, PartitionRounding } from "./params.ts";
export {
  ceilToHour,
  DAY_MS,
  effectiveStart,
  floorToHour,
  HOUR_MS,
  measurementWindow,
} from "./window.ts";
export type { Window } from "./window.ts";
export { actionFor, recommendPartitions } from "./recommend.ts";
export type { Action } from "./recommend.ts";
export { analyzeTopic, SKEW_THRESHOLD, WARNING_CODES } from "./analyze.ts";
export type { AnalyzeContext, TopicResult, TopicStatus, WarningCode } from "./analyze.ts";
export { summarizeCluster, summaryStats } from "./summary.ts";
export type { ClusterSummary, RunStats, StatValue, SummaryStat } from "./summary.ts";
