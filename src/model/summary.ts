// Per-cluster summary statistics. It keeps every statistic of the Python reference tool
// (src/thread_safe_kafka_topics_analyzer.py, __calculate_summary_stats), by name and in its
// order, with model.md's definitions, then adds ours after them.

import type { TopicResult } from "./analyze.ts";

/** Statistics computed from a cluster's topic results. */
export interface ClusterSummary {
  /** total_topics: every analysed topic, whatever its status. */
  totalTopics: number;
  /** active_topic_count: topics with traffic in their window (status active). */
  activeTopicCount: number;
  /** active_topic_percentage: active_topic_count / total_topics × 100 (0 with no topics). */
  activeTopicPercentage: number;
  /** total_partitions: Σ current partitions over every topic, error and empty included. */
  totalPartitions: number;
  /** total_recommended_partitions: Σ recommended partitions over active topics. */
  totalRecommendedPartitions: number;
  /** active_total_partition_count: Σ current partitions over active topics. */
  activeTotalPartitionCount: number;
  /**
   * percentage_decrease: partitions active topics hold beyond their recommendation,
   * Σ max(0, current − n) / active_total_partition_count × 100. Informational only:
   * Kafka cannot remove partitions, so this is never a step to take.
   */
  percentageDecrease: number;
  /** percentage_increase: partitions_to_add / active_total_partition_count × 100. */
  percentageIncrease: number;
  /** total_records: Σ records in the window over every topic. */
  totalRecords: number;
  /** average_partitions_per_topic: total_partitions / total_topics. */
  averagePartitionsPerTopic: number;
  /** active_average_partitions_per_topic: active_total_partition_count / active_topic_count. */
  activeAveragePartitionsPerTopic: number;
  /** average_recommended_partitions_per_topic: total_recommended_partitions / active_topic_count. */
  averageRecommendedPartitionsPerTopic: number;
  /** partitions_to_add: Σ max(0, n − current) over active topics; the only change to make. */
  partitionsToAdd: number;
  /** topics_to_increase: active topics whose action is increase. */
  topicsToIncrease: number;
  /** topics_to_keep: active topics whose action is keep. */
  topicsToKeep: number;
  /** topics_over_partitioned: active topics with more partitions than recommended. */
  topicsOverPartitioned: number;
  /** empty_topic_count: topics with no records in their window. */
  emptyTopicCount: number;
  /** error_topic_count: topics that could not be measured. */
  errorTopicCount: number;
  /** hot_partition_ingress_count: topics with a hot partition in their window. */
  hotPartitionIngressCount: number;
  /** hot_partition_ingress_percentage: hot_partition_ingress_count / total_topics × 100. */
  hotPartitionIngressPercentage: number;
  /** hot_partition_egress_count: topics the cluster flagged hot for reads in their window. */
  hotPartitionEgressCount: number;
  /** hot_partition_egress_percentage: hot_partition_egress_count / total_topics × 100. */
  hotPartitionEgressPercentage: number;
}

/** Summarises one cluster's results. Ratios with a zero denominator are 0, as in the reference. */
export function summarizeCluster(results: readonly TopicResult[]): ClusterSummary {
  let activeTopicCount = 0;
  let totalPartitions = 0;
  let totalRecommendedPartitions = 0;
  let activeTotalPartitionCount = 0;
  let totalRecords = 0;
  let partitionsToAdd = 0;
  let partitionsBeyondNeed = 0;
  const actions = { increase: 0, keep: 0, over_partitioned: 0 };
  const statuses = { active: 0, empty: 0, error: 0 };
  let hot = 0;
  let hotEgress = 0;

  for (const r of results) {
    statuses[r.status]++;
    if (r.hotPartitionIngress === true) hot++;
    if (r.hotPartitionEgress === true) hotEgress++;
    totalPartitions += r.partitions;
    totalRecords += r.recordsInWindow ?? 0;
    if (r.status !== "active" || r.recommendedPartitions === null || r.action === null) continue;
    activeTopicCount++;
    activeTotalPartitionCount += r.partitions;
    totalRecommendedPartitions += r.recommendedPartitions;
    partitionsToAdd += Math.max(0, r.recommendedPartitions - r.partitions);
    partitionsBeyondNeed += Math.max(0, r.partitions - r.recommendedPartitions);
    actions[r.action]++;
  }

  const totalTopics = results.length;
  return {
    totalTopics,
    activeTopicCount,
    activeTopicPercentage: percent(activeTopicCount, totalTopics),
    totalPartitions,
    totalRecommendedPartitions,
    activeTotalPartitionCount,
    percentageDecrease: percent(partitionsBeyondNeed, activeTotalPartitionCount),
    percentageIncrease: percent(partitionsToAdd, activeTotalPartitionCount),
    totalRecords,
    averagePartitionsPerTopic: ratio(totalPartitions, totalTopics),
    activeAveragePartitionsPerTopic: ratio(activeTotalPartitionCount, activeTopicCount),
    averageRecommendedPartitionsPerTopic: ratio(totalRecommendedPartitions, activeTopicCount),
    partitionsToAdd,
    topicsToIncrease: actions.increase,
    topicsToKeep: actions.keep,
    topicsOverPartitioned: actions.over_partitioned,
    emptyTopicCount: statuses.empty,
    errorTopicCount: statuses.error,
    hotPartitionIngressCount: hot,
    hotPartitionIngressPercentage: percent(hot, totalTopics),
    hotPartitionEgressCount: hotEgress,
    hotPartitionEgressPercentage: percent(hotEgress, totalTopics),
  };
}

/**
 * The run settings the reference also wrote into its summary, in the reference's units.
 * A null sampling setting (a metrics-source run) is left out, as the reference left out None.
 */
export interface RunStats {
  /** elapsed_time_hours: wall time of the cluster's analysis, in hours. */
  elapsedTimeHours: number;
  /** method: how throughput was measured, as the detail report's method column spells it. */
  method: string;
  /** required_consumption_throughput_factor. */
  requiredConsumptionThroughputFactor: number;
  /** minimum_required_throughput_threshold: MIN_CONSUMPTION_THROUGHPUT in MB/s (1 MB = 2^20 B). */
  minimumRequiredThroughputThreshold: number;
  /** default_partition_count: MIN_RECOMMENDED_PARTITIONS. */
  defaultPartitionCount: number;
  samplingBatchSize: number | null;
  samplingDays: number | null;
  samplingMaxConsecutiveNulls: number | null;
  /** sampling_timeout: SAMPLING_TIMEOUT_SECONDS. */
  samplingTimeout: number | null;
  samplingMaxContinuousFailedBatches: number | null;
  /** internal_topics_included: INCLUDE_INTERNAL_TOPICS. */
  internalTopicsIncluded: boolean;
  /** topic_filter: TOPIC_FILTER as given, or null when unset (written "None", as the reference did). */
  topicFilter: string | null;
}

export type StatValue = number | string | boolean;

/** One `stat,value` row of the summary report. */
export interface SummaryStat {
  stat: string;
  value: StatValue;
}

/**
 * The summary report's rows: the reference's statistics in its order, then ours.
 * Keeping the order here lets every report format list them the same way.
 */
export function summaryStats(summary: ClusterSummary, run: RunStats): SummaryStat[] {
  const rows: [string, StatValue | null][] = [
    ["elapsed_time_hours", run.elapsedTimeHours],
    ["method", run.method],
    ["required_consumption_throughput_factor", run.requiredConsumptionThroughputFactor],
    ["minimum_required_throughput_threshold", run.minimumRequiredThroughputThreshold],
    ["default_partition_count", run.defaultPartitionCount],
    ["sampling_batch_size", run.samplingBatchSize],
    ["sampling_days", run.samplingDays],
    ["sampling_max_consecutive_nulls", run.samplingMaxConsecutiveNulls],
    ["sampling_timeout", run.samplingTimeout],
    ["sampling_max_continuous_failed_batches", run.samplingMaxContinuousFailedBatches],
    ["total_topics", summary.totalTopics],
    ["internal_topics_included", run.internalTopicsIncluded],
    ["topic_filter", run.topicFilter ?? "None"],
    ["active_topic_count", summary.activeTopicCount],
    ["active_topic_percentage", summary.activeTopicPercentage],
    ["total_partitions", summary.totalPartitions],
    ["total_recommended_partitions", summary.totalRecommendedPartitions],
    ["active_total_partition_count", summary.activeTotalPartitionCount],
    ["percentage_decrease", summary.percentageDecrease],
    ["percentage_increase", summary.percentageIncrease],
    ["total_records", summary.totalRecords],
    ["average_partitions_per_topic", summary.averagePartitionsPerTopic],
    ["active_average_partitions_per_topic", summary.activeAveragePartitionsPerTopic],
    ["average_recommended_partitions_per_topic", summary.averageRecommendedPartitionsPerTopic],
    ["partitions_to_add", summary.partitionsToAdd],
    ["topics_to_increase", summary.topicsToIncrease],
    ["topics_to_keep", summary.topicsToKeep],
    ["topics_over_partitioned", summary.topicsOverPartitioned],
    ["empty_topic_count", summary.emptyTopicCount],
    ["error_topic_count", summary.errorTopicCount],
    ["hot_partition_ingress_count", summary.hotPartitionIngressCount],
    ["hot_partition_ingress_percentage", summary.hotPartitionIngressPercentage],
    ["hot_partition_egress_count", summary.hotPartitionEgressCount],
    ["hot_partition_egress_percentage", summary.hotPartitionEgressPercentage],
  ];
  return rows.flatMap(([stat, value]) => value === null ? [] : [{ stat, value }]);
}

function ratio(numerator: number, denominator: number): number {
  return denominator > 0 ? numerator / denominator : 0;
}

function percent(part: number, whole: number): number {
  return ratio(part, whole) * 100;
}
