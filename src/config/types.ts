// The validated configuration of a run: what config/ produces from flags, the environment and
// `.env`, and what the rest of the tool reads. Plain data; secrets live only in `Credentials`,
// never in `Settings`. Each field is a setting of the table in settings.ts, which says what it
// means; the comments here say only what the table does not.
import type { KafkaConnection } from "../kafka/connection.ts";
import type { Method } from "../model/measurement.ts";
import type { ModelParams } from "../model/params.ts";
import type { SamplingLimits } from "../sources/source.ts";

export type { SamplingLimits };
export type LogLevel = "debug" | "info" | "warning" | "error";

/** `{"region_name": ..., "secret_name": ...}`, as the reference tool spells it. */
export interface SecretPath {
  regionName: string;
  secretName: string;
}

export interface Settings {
  /** --method, else from USE_SAMPLE_RECORDS; `-` spelt `_` (metrics_api). */
  method: Method;
  includeInternalTopics: boolean;
  metricsApiUrl: string;
  requestTimeoutMs: number;
  metricsApiDeadlineMs: number;
  /** TOPIC_FILTER: lower-cased substrings; empty matches every topic. */
  topicFilter: string[];
  model: ModelParams;
  sampling: SamplingLimits;
  maxClusterWorkers: number;
  maxWorkersPerCluster: number;
  /** WORKERS: null picks the machine's CPU count (at most 8). */
  workers: number | null;
  workerPermissions: "scoped" | "inherit";
  outputDir: string;
  formats: ("csv" | "json" | "md" | "html" | "plan")[];
  json: boolean;
  failOn: ("increase" | "throughput-increase")[];
  useAwsSecretsManager: boolean;
  confluentCloudApiSecretPath: SecretPath | null;
  kafkaApiSecretPaths: SecretPath[];
  /** LOG_LEVEL, lowered to debug by --verbose and raised to warning by --quiet. */
  logLevel: LogLevel;
  quiet: boolean;
  verbose: boolean;
  prometheus: {
    /** "" when unset; required with --method prometheus. */
    url: string;
    metrics: "auto" | "jmx" | "kafka_exporter" | "redpanda";
    /** Checked PromQL label matchers joined by ","; "" for none. */
    selector: string;
    secretPath: SecretPath | null;
  };
  saveMeasurements: string | null;
  /** With --method replay, checked to be readable. */
  measurementsFile: string | null;
  /** KAFKA_CLUSTER_FILTER: lower-cased cluster ids; empty keeps every cluster. */
  clusterFilter: string[];
  /** USE_CONFLUENT_CLOUD_API_KEY_TO_FETCH_RESOURCE_CREDENTIALS and its settings. */
  discovery: {
    enabled: boolean;
    /** Checked to be u-… or sa-… when enabled. */
    principalId: string | null;
    environmentFilter: string[];
    apiUrl: string;
  };
  /** USE_KAFKA_WRITER and the results topic. */
  writer: {
    enabled: boolean;
    topic: string;
    partitions: number;
    replicationFactor: number;
    retentionDays: number;
  };
}

export interface ConfluentCloudCredential {
  apiKey: string;
  apiSecret: string;
}

/** PROMETHEUS_BEARER_TOKEN, or PROMETHEUS_USERNAME and PROMETHEUS_PASSWORD (HTTP basic). */
export type PrometheusCredential = { bearerToken: string } | { username: string; password: string };

export interface Credentials {
  /**
   * One entry per cluster, in the order given; the CA file (if any) already read. Empty for
   * --method replay (the clusters come from the measurements file). With --method prometheus
   * an entry without bootstrap.servers has `bootstrapServers: []` (planned from the metrics).
   */
  clusters: KafkaConnection[];
  confluentCloud: ConfluentCloudCredential | null;
  /** Only with --method prometheus; null when the server needs no authentication. */
  prometheus: PrometheusCredential | null;
}

/** Everything a run needs, validated; `secrets` are scrubbed from whatever a library prints. */
export interface RunConfig {
  settings: Settings;
  credentials: Credentials;
  secrets: string[];
}

/** A run whose credentials are still in AWS Secrets Manager; `secrets` grows as they are read. */
export interface PendingRunConfig {
  settings: Settings;
  credentials: null;
  secrets: string[];
}
