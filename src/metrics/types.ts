// The Metrics API v2 query body and answer points, as the client sends and returns them.

export const METRIC_PREFIX = "io.confluent.kafka.server/";
export const DEFAULT_METRICS_API_URL = "https://api.telemetry.confluent.cloud";
/** One HTTP request's time (REQUEST_TIMEOUT_SECONDS). */
export const DEFAULT_METRICS_TIMEOUT_MS = 30_000;
/** Everything the client does for one cluster (METRICS_API_DEADLINE_SECONDS). */
export const DEFAULT_METRICS_DEADLINE_MS = 900_000;
export const QUERY_PATH = "/v2/metrics/cloud/query";

/** The metrics this tool reads, by their short name. */
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

export type MetricsFilter =
  | { field: string; op: "EQ" | "GT" | "GTE"; value: string | number }
  | { op: "AND" | "OR"; filters: MetricsFilter[] }
  | { op: "NOT"; filter: MetricsFilter };

export type Granularity =
  | "PT1M"
  | "PT5M"
  | "PT15M"
  | "PT30M"
  | "PT1H"
  | "PT4H"
  | "PT6H"
  | "PT12H"
  | "P1D"
  | "ALL";

export interface MetricsQuery {
  aggregations: { metric: string; agg?: "SUM" | "MIN" | "MAX" }[];
  filter?: MetricsFilter;
  granularity: Granularity;
  intervals: string[];
  group_by?: string[];
  limit?: number;
  format?: "FLAT" | "GROUPED";
}

/** One point of a FLAT answer: bucket start, value, and the group_by labels inline. */
export interface FlatPoint {
  timestamp: string;
  value: number;
  [label: string]: string | number;
}
