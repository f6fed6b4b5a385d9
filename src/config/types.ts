// The validated configuration of a run: what config/ produces from flags, the environment
// and `.env`, and what the rest of the tool reads. Plain data; secrets live only in
// `Credentials`, never in `Settings`.
import type { KafkaConnection } from "../kafka/connection.ts";
import type { Method } from "../model/measurement.ts";
import type { ModelParams } from "../model/params.ts";

export type LogLevel = "debug" | "info" | "warning" | "error";

/** `{"region_name": ..., "secret_name": ...}`, as the reference tool spells it. */
export interface SecretPath {
  regionName: string;
  secretName: string;
}

export interface SamplingLimits {
  /** SAMPLING_BATCH_SIZE: at most this many records are inspected per topic. */
  batchSize: number;
  /** SAMPLING_MAX_CONSECUTIVE_NULLS: fetches in a row that return no record before a partition is given up. */
  maxConsecutiveNulls: number;
  /** SAMPLING_TIMEOUT_SECONDS: the time one fetch may take. */
  timeoutSeconds: number;
  /** SAMPLING_MAX_CONTINUOUS_FAILED_BATCHES: failed fetches in a row before a topic's sampling stops. */
  maxContinuousFailedBatches: number;
}

export interface Settings {
  /** USE_SAMPLE_RECORDS=True / --method sampling → "sampling"; False / metrics-api → "metrics_api". */
  method: Method;
  includeInternalTopics: boolean;
  /** CONFLUENT_METRICS_API_URL: base URL of the Metrics API (http or https, checked). */
  metricsApiUrl: string;
  /**
   * REQUEST_TIMEOUT_SECONDS in milliseconds: the one timeout of every Kafka request and
   * connection and of every Metrics API HTTP request.
   */
  requestTimeoutMs: number;
  /**
   * METRICS_API_DEADLINE_SECONDS in milliseconds: everything the Metrics API client does for
   * one cluster (queries, pages, retries, waits) ends by then.
   */
  metricsApiDeadlineMs: number;
  /** TOPIC_FILTER: lower-cased substrings; empty matches every topic. */
  topicFilter: string[];
  model: ModelParams;
  sampling: SamplingLimits;
  maxClusterWorkers: number;
  maxWorkersPerCluster: number;
  /** WORKERS: the pool size; null picks the machine's CPU count (at most 8). */
  workers: number | null;
  /** WORKER_PERMISSIONS: scoped gives each worker network access to its cluster only. */
  workerPermissions: "scoped" | "inherit";
  /** OUTPUT_DIR: checked for commas and control characters, created and probed when loaded. */
  outputDir: string;
  /** FORMAT: the report files written per cluster. */
  formats: ("csv" | "json" | "md")[];
  /** --json: the JSON reports go to stdout too. */
  json: boolean;
  /** FAIL_ON: actions that make the run exit 4. */
  failOn: "increase"[];
  useAwsSecretsManager: boolean;
  confluentCloudApiSecretPath: SecretPath | null;
  kafkaApiSecretPaths: SecretPath[];
  logLevel: LogLevel;
  quiet: boolean;
  verbose: boolean;
}

export interface ConfluentCloudCredential {
  apiKey: string;
  apiSecret: string;
}

export interface Credentials {
  /** One entry per cluster, in the order given; the CA file (if any) already read. */
  clusters: KafkaConnection[];
  confluentCloud: ConfluentCloudCredential | null;
}

/** Everything a run needs, validated. */
export interface RunConfig {
  settings: Settings;
  credentials: Credentials;
  /** Every secret value, so output can be scrubbed of them whatever a library prints. */
  secrets: string[];
}

/**
 * A run whose credentials are still in AWS Secrets Manager (USE_AWS_SECRETS_MANAGER=True):
 * `settings` holds the validated secret paths, and `secrets` fills up once they are fetched.
 */
export interface PendingRunConfig {
  settings: Settings;
  credentials: null;
  secrets: string[];
}
