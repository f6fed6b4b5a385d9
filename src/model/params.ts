// The recommendation model's tunables, in the model's own units (bytes, bytes per second).
// Configuration maps environment variables and flags onto this; the model reads nothing else.

/** How a recommended partition count is rounded after the throughput rule. */
export type PartitionRounding = "none" | "power-of-two" | "broker-multiple";

export interface ModelParams {
  /** SAMPLING_DAYS: the longest window analysed, in days. */
  samplingDays: number;
  /** MIN_RECOMMENDED_PARTITIONS: the floor of every recommendation. */
  minRecommendedPartitions: number;
  /** MIN_CONSUMPTION_THROUGHPUT, bytes/s: below this required rate the floor is recommended. */
  minConsumptionThroughput: number;
  /** REQUIRED_CONSUMPTION_THROUGHPUT_FACTOR: headroom multiplied onto the peak rate. */
  requiredThroughputFactor: number;
  /** CONSUMER_THROUGHPUT_PER_PARTITION, bytes/s: one consumer reading one partition. */
  consumerThroughputPerPartition: number;
  /** PRODUCER_THROUGHPUT_PER_PARTITION, bytes/s; null when unset, so only consumers bind. */
  producerThroughputPerPartition: number | null;
  /** PARTITION_ROUNDING. */
  partitionRounding: PartitionRounding;
  /** Fewer sampled records than this (or than the window holds) earns `low_sample`. */
  minSampleRecords: number;
}

const MIB = 1_048_576;

/** The reference tool's defaults, plus ours for the settings it did not have. */
export const DEFAULT_MODEL_PARAMS: Readonly<ModelParams> = Object.freeze({
  samplingDays: 7,
  minRecommendedPartitions: 6,
  minConsumptionThroughput: 10 * MIB,
  requiredThroughputFactor: 3,
  consumerThroughputPerPartition: 10 * MIB,
  producerThroughputPerPartition: null,
  partitionRounding: "none",
  minSampleRecords: 100,
});
