// The effective settings a report records beside its results, so a reader knows how the
// numbers were made. Never a secret: credentials are not part of Settings.
import { SETTINGS } from "../config/settings.ts";
import type { Settings } from "../config/types.ts";
import type { ParameterValue } from "../report/types.ts";

export function reportParameters(s: Settings): Record<string, ParameterValue> {
  return {
    method: s.method,
    sampling_days: s.model.samplingDays,
    min_recommended_partitions: s.model.minRecommendedPartitions,
    min_consumption_throughput: s.model.minConsumptionThroughput,
    required_consumption_throughput_factor: s.model.requiredThroughputFactor,
    consumer_throughput_per_partition: s.model.consumerThroughputPerPartition,
    producer_throughput_per_partition: s.model.producerThroughputPerPartition,
    consumer_records_per_second_per_partition: s.model.consumerRecordsPerSecondPerPartition,
    producer_records_per_second_per_partition: s.model.producerRecordsPerSecondPerPartition,
    min_partitions_per_broker: s.model.minPartitionsPerBroker,
    partitions_for_largest_group: s.model.partitionsForLargestGroup,
    peak_window: s.model.peakWindow,
    partition_rounding: s.model.partitionRounding,
    min_sample_records: s.model.minSampleRecords,
    include_internal_topics: s.includeInternalTopics,
    topic_filter: s.topicFilter,
    sampling_batch_size: s.sampling.batchSize,
    sampling_max_consecutive_nulls: s.sampling.maxConsecutiveNulls,
    sampling_timeout_seconds: s.sampling.timeoutSeconds,
    sampling_max_continuous_failed_batches: s.sampling.maxContinuousFailedBatches,
    max_cluster_workers: s.maxClusterWorkers,
    max_workers_per_cluster: s.maxWorkersPerCluster,
    use_aws_secrets_manager: s.useAwsSecretsManager,
  };
}

/**
 * The report parameters whose value is not the setting's default (the method aside, which
 * every run names): what the run's first log line shows.
 */
export function changedParameters(s: Settings): [string, ParameterValue][] {
  return Object.entries(reportParameters(s)).filter(([name, value]) => {
    if (name === "method") return false;
    const row = SETTINGS.find((r) => r.env === name.toUpperCase());
    if (row === undefined) return true;
    const parsed = row.default === null ? null : row.schema.safeParse(row.default);
    const def = parsed === null ? null : parsed.success ? parsed.data : undefined;
    return JSON.stringify(def) !== JSON.stringify(value);
  }).map(([name, value]) => [name.toUpperCase(), value]);
}
