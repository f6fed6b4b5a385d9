// The recommendation model's tunables, in the model's own units (bytes, bytes per second).
// Configuration maps environment variables and flags onto this; the model reads nothing else.

/** How a recommended partition count is rounded after its terms. */
export type PartitionRounding =
  | "none"
  | "power-of-two"
  | "broker-multiple"
  | "multiple-of-current";

/** Which peak R and Rr are computed from: the busiest hour's mean, or its busiest minute. */
export type PeakWindow = "hour" | "minute";

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
  /** CONSUMER_RECORDS_PER_SECOND_PER_PARTITION: records one consumer processes; null when unset. */
  consumerRecordsPerSecondPerPartition: number | null;
  /** PRODUCER_RECORDS_PER_SECOND_PER_PARTITION: records one producer writes; null when unset. */
  producerRecordsPerSecondPerPartition: number | null;
  /** MIN_PARTITIONS_PER_BROKER: at least this many partitions per broker; null when unset. */
  minPartitionsPerBroker: number | null;
  /** PARTITIONS_FOR_LARGEST_GROUP: at least one partition per member of the largest group. */
  partitionsForLargestGroup: boolean;
  /** PEAK_WINDOW. */
  peakWindow: PeakWindow;
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
  consumerRecordsPerSecondPerPartition: null,
  producerRecordsPerSecondPerPartition: null,
  minPartitionsPerBroker: null,
  partitionsForLargestGroup: false,
  peakWindow: "hour",
  partitionRounding: "none",
  minSampleRecords: 100,
});
