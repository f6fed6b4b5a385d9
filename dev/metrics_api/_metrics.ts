// The metrics the emulator serves, with their kind (delta counts summed over a bucket, gauges
// averaged over it, or flags that are 1 when a condition held in the bucket and absent
// otherwise) and the metric labels a query may group them by.

export const METRIC_PREFIX = "io.confluent.kafka.server/";

export type MetricName =
  | "received_bytes"
  | "received_records"
  | "sent_bytes"
  | "sent_records"
  | "retained_bytes"
  | "partition_count"
  | "hot_partition_ingress"
  | "hot_partition_egress"
  | "dedicated_cku_count";

export interface MetricDef {
  name: MetricName;
  kind: "delta" | "gauge" | "flag";
  /** Metric labels besides the resource label `resource.kafka.id`. */
  labels: readonly string[];
}

const TOPIC_LABELS = ["metric.topic", "metric.partition"] as const;

export const METRICS: Readonly<Record<MetricName, MetricDef>> = {
  received_bytes: { name: "received_bytes", kind: "delta", labels: TOPIC_LABELS },
  received_records: { name: "received_records", kind: "delta", labels: TOPIC_LABELS },
  sent_bytes: { name: "sent_bytes", kind: "delta", labels: TOPIC_LABELS },
  sent_records: { name: "sent_records", kind: "delta", labels: TOPIC_LABELS },
  retained_bytes: { name: "retained_bytes", kind: "gauge", labels: TOPIC_LABELS },
  partition_count: { name: "partition_count", kind: "gauge", labels: [] },
  // The spec leaves a partition label unconfirmed; the emulator has it (a flag is raised per
  // partition), and a query grouped by topic gets 1 wherever any partition was hot.
  hot_partition_ingress: { name: "hot_partition_ingress", kind: "flag", labels: TOPIC_LABELS },
  hot_partition_egress: { name: "hot_partition_egress", kind: "flag", labels: TOPIC_LABELS },
  // Dedicated clusters only: their CKU count.
  dedicated_cku_count: { name: "dedicated_cku_count", kind: "gauge", labels: [] },
};

/** Metrics only a Dedicated cluster publishes (EmulatorOptions.clusterType). */
export const DEDICATED_ONLY: ReadonlySet<MetricName> = new Set([
  "hot_partition_ingress",
  "hot_partition_egress",
  "dedicated_cku_count",
]);

/** The definition for a full metric name such as `io.confluent.kafka.server/received_bytes`. */
export function metricByFullName(name: string): MetricDef | null {
  if (!name.startsWith(METRIC_PREFIX)) return null;
  const short = name.slice(METRIC_PREFIX.length);
  return Object.hasOwn(METRICS, short) ? METRICS[short as MetricName] : null;
}
