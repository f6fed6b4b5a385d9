// The one seam every throughput source plugs into. The scheduler hands a Source its part of
// the plan and gets TopicMeasurements back, whichever source it is (record sampling, the
// Confluent Cloud Metrics API, Prometheus, a replay of saved measurements): the model and the
// reports never know which one measured a topic. A source is built from a SourceSpec, plain
// data that can cross into a Web Worker, so any source can run on the pool; the registry
// (registry.ts) says which run there and how each is planned. Adding a source is one module
// with a `create` function, one registry entry and a settings row.
import type { KafkaCluster } from "../kafka/cluster.ts";
import type { KafkaConnection } from "../kafka/connection.ts";
import type { BrokerNode, Progress } from "../kafka/types.ts";
import type { Method, TopicMeasurement } from "../model/measurement.ts";
import type { ClusterPlan, TopicPlan } from "../plan/cluster_plan.ts";

/** SAMPLING_*: the limits of the record-sampling source. */
export interface SamplingLimits {
  /** SAMPLING_BATCH_SIZE: at most this many records are read per topic. */
  batchSize: number;
  /** SAMPLING_MAX_CONSECUTIVE_NULLS: reads of a partition that find nothing before it is given up. */
  maxConsecutiveNulls: number;
  /** SAMPLING_TIMEOUT_SECONDS: the time one sampling fetch may take. */
  timeoutSeconds: number;
  /** SAMPLING_MAX_CONTINUOUS_FAILED_BATCHES: failed reads before a topic's sampling stops. */
  maxContinuousFailedBatches: number;
}

/** The Confluent Cloud Metrics API: where, with which Cloud API key, within which times. */
export interface MetricsApiSpec {
  baseUrl: string;
  apiKey: string;
  apiSecret: string;
  /** One HTTP request. */
  timeoutMs: number;
  /** Everything the client does for one cluster. */
  deadlineMs: number;
}

/** A Prometheus server holding the cluster's broker metrics. */
export interface PrometheusSpec {
  url: string;
  auth: { bearerToken: string } | { username: string; password: string } | null;
  /** Which exporter's metric names to read; "auto" finds out. */
  metrics: "auto" | "jmx" | "kafka_exporter" | "redpanda";
  /** PromQL label matchers added to every selector (e.g. `cluster="prod"`); "" for none. */
  selector: string;
  timeoutMs: number;
}

/** Everything a source needs, plain data: it is posted to Web Workers. */
export interface SourceSpec {
  method: Method;
  /** The cluster; `bootstrapServers` is empty where the source needs no Kafka access. */
  connection: KafkaConnection;
  /** The cluster's brokers, as planned (empty when planned without Kafka). */
  brokers: BrokerNode[];
  /** The run's one analysis time T0, epoch milliseconds. */
  analysisTime: number;
  samplingDays: number;
  /** The one timeout of a Kafka connection and request. */
  timeoutMs: number;
  sampling: SamplingLimits;
  metricsApi: MetricsApiSpec | null;
  prometheus: PrometheusSpec | null;
  /** What a saved run measured of this cluster, for the replay source. */
  replay: { measurements: TopicMeasurement[]; error: string | null } | null;
}

/** What only the thread that builds a source can give it (never posted to a worker). */
export interface SourceDeps {
  /** Lines for the log. */
  log?: (line: string) => void;
  /** Masks secrets in text that came from elsewhere (an HTTP error body). */
  scrub?: (text: string) => string;
  /**
   * The Kafka cluster the plan came from, when this thread has one: a source may reuse it
   * instead of connecting again; it is not the source's to close.
   */
  kafka?: KafkaCluster;
}

export interface Source {
  /**
   * Measures some of the plan's topics: one measurement each, failures as `error`. A source
   * that can tell how far it is tells `progress` (a run shows it; the others never call it).
   */
  measure(topics: readonly TopicPlan[], progress?: Progress): Promise<TopicMeasurement[]>;
  /** Plans the cluster itself, where it is not planned from Kafka (replay, metrics only). */
  plan?(): Promise<ClusterPlan>;
  /** Closes what the source opened. */
  close(): Promise<void>;
}

export interface SourceKind {
  /**
   * Work per topic (reading partitions): measured in chunks on the worker pool. Otherwise one
   * query answers for the whole cluster: one chunk, measured on the thread that planned.
   */
  perTopic: boolean;
  /** Planned from the Kafka cluster when it can be reached; else the source plans itself. */
  plannedFromKafka: (spec: SourceSpec) => boolean;
  create(spec: SourceSpec, deps: SourceDeps): Promise<Source>;
}
