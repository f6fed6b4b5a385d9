// The one measurement type every throughput source returns (record sampling, the
// Confluent Cloud Metrics API, later Prometheus). The model only ever sees this, so a
// topic gets the same recommendation whichever source measured it.

/** How a topic's throughput was measured; written into every report. */
export type Method = "sampling" | "metrics_api" | "prometheus" | "replay";

/** One complete UTC hour of a topic's traffic. */
export interface HourlyPoint {
  /** Start of the hour, epoch milliseconds, a whole UTC hour. */
  hourStart: number;
  records: number;
  /** Log bytes in the hour (sampling: records × sampled bytes per record). */
  bytes: number;
}

/** What a bounded sample of record batches showed (sampling source only). */
export interface SampleStats {
  /** Records read and inspected. */
  records: number;
  /** Record batches read. */
  batches: number;
  /** Σ size of the sampled batches as stored in the log (headers and compression included). */
  logBytes: number;
  /** Σ records in those batches; logBytes / batchRecords is the log bytes per record. */
  batchRecords: number;
  /** Σ key + value + header bytes (uncompressed) of the inspected records. */
  payloadBytes: number;
  /** Inspected records that carry a non-null key. */
  keyedRecords: number;
}

/**
 * The 95 % confidence interval of log bytes per record, from the spread between sampling
 * points: absolute bytes per record at the interval's ends, `low ≤ estimate ≤ high`, where the
 * estimate is the one the hourly bytes were computed with (Σ bytes / Σ records of `hourly`).
 */
export interface RecordBytesInterval {
  low: number;
  high: number;
}

/** The busiest minute of a topic, found inside its busiest hours (model.md, Model v2). */
export interface PeakMinute {
  /** Start of the minute, epoch milliseconds, a whole UTC minute. */
  minuteStart: number;
  records: number;
  /** Log bytes in the minute (sampling: records × the bytes-per-record estimate). */
  bytes: number;
}

/** A consumer group with committed offsets on a topic (read-only: never joined). */
export interface ConsumerGroupLag {
  groupId: string;
  /** The group's state as the coordinator reports it (Stable, Empty, …). */
  state: string;
  /** Members of the group now (0 for an Empty group). */
  members: number;
  /** Σ over the topic's partitions of log end − committed offset; null when unknown. */
  lag: number | null;
}

export interface TopicMeasurement {
  topic: string;
  partitions: number;
  isCompacted: boolean;
  /** retention.ms of the topic; -1 means infinite. */
  retentionMs: number;
  /** The measured window [start, end): start capped by retention (see model/window.ts). */
  windowStart: number;
  windowEnd: number;
  /** Every complete UTC hour of [windowStart, windowEnd), oldest first, zero hours included. */
  hourly: HourlyPoint[];
  /** Records in the window per partition, for skew; null when the source cannot tell. */
  partitionRecords: number[] | null;
  /**
   * Records per partition per hour, `[partition][i]` for `hourly[i]`, for hot partitions;
   * null or absent when the source cannot tell.
   */
  partitionHourly?: number[][] | null;
  /** The busiest minute inside the busiest hours; null or absent when not measured. */
  peakMinute?: PeakMinute | null;
  /** Distinct keys among the sampled records (HyperLogLog); null or absent without a sample. */
  distinctKeys?: number | null;
  /**
   * The consumer groups with committed offsets on the topic; null or absent when they could
   * not be read (the credentials may not describe groups, or the source has no cluster).
   */
  consumerGroups?: ConsumerGroupLag[] | null;
  /**
   * Whether the cluster itself flagged a hot partition on the topic in the window (the
   * Metrics API's `hot_partition_ingress`): true when it did, false when the cluster
   * publishes the flag and never raised it; null or absent when the source cannot tell.
   */
  hotPartitionIngress?: boolean | null;
  /**
   * The same for reads (the Metrics API's `hot_partition_egress`). Only the Metrics API
   * knows it: the other sources leave it null or absent.
   */
  hotPartitionEgress?: boolean | null;
  /** Null when the source does not sample records (metrics sources). */
  sample: SampleStats | null;
  /**
   * The bytes-per-record estimate's 95 % interval, where bytes are estimated from a sample
   * (the sampling source, whose hourly bytes are records × estimate). Null or absent when
   * the source measures bytes exactly (the Metrics API): the model then takes low = high =
   * the estimate. See model.md, "Record bytes".
   */
  recordBytes?: RecordBytesInterval | null;
  /** Set when the topic could not be measured; the other series are then empty. */
  error: string | null;
  /**
   * Bytes consumed ÷ bytes produced in the window (all consumer groups together), where the
   * source knows it (Metrics API). Reported, never used for sizing: each group reads it all.
   */
  fanOut?: number | null;
}
