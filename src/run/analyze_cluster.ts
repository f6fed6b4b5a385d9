// One cluster, end to end: plan (topics, partitions, configs, brokers) on this thread,
// measure the topics in chunks through the given measurer (pooled workers in the CLI), at
// most `maxChunksInFlight` at once, apply the model, and summarise into the ClusterReport
// the reporters render. Cluster-level failures (unreachable, refused) become the report's
// `error`; topic-level failures become topics with status `error`.
import { inLanes } from "../in_lanes.ts";
import type { ConfluentCloudCredential, Settings } from "../config/types.ts";
import { MetricsApiClient } from "../metrics/client.ts";
import { MetricsApiAuthError } from "../metrics/errors.ts";
import { measureByMetrics } from "../sources/confluent_metrics.ts";
import { KafkaCluster } from "../kafka/cluster.ts";
import { type KafkaConnection, tuningFor } from "../kafka/connection.ts";
import { analyzeTopic, type TopicResult } from "../model/analyze.ts";
import { type RunStats, summarizeCluster } from "../model/summary.ts";
import { floorToHour, measurementWindow } from "../model/window.ts";
import { type ChunkLimits, chunkLimitsFor, chunkTopics } from "../plan/chunks.ts";
import { planCluster } from "../plan/cluster_plan.ts";
import type { ClusterReport } from "../report/types.ts";
import {
  type ChunkMeasurer,
  clusterHosts,
  inThisThread,
  type MeasureContext,
} from "../scheduler/measure.ts";
import { deniedHosts, deniedHostsMessage } from "./_reachable.ts";
import { describeError } from "../describe_error.ts";
import { reportParameters } from "./parameters.ts";

export interface ClusterRunOptions {
  /** The run's one analysis time T0. */
  analysisTime: number;
  /** Monotonic clock in milliseconds, for elapsed time. */
  now?: () => number;
  /** Called with each topic's result as soon as it is known. */
  onTopic?: (result: TopicResult) => void;
  /** Called once the topics to analyse are known. */
  onPlan?: (topicCount: number) => void;
  /** How chunks are measured; this thread by default. */
  measurer?: (ctx: MeasureContext, cluster: KafkaCluster) => ChunkMeasurer;
  /** Chunks of this cluster measured at once (MAX_WORKERS_PER_CLUSTER). */
  maxChunksInFlight?: number;
  /** Workers that will share the chunks, to size them. */
  workers?: number;
  chunkLimits?: ChunkLimits;
  /** The Cloud API key for the Metrics API method. */
  confluentCloud?: ConfluentCloudCredential | null;
  /** Lines for the log. */
  log?: (line: string) => void;
}

export async function analyzeCluster(
  connection: KafkaConnection,
  settings: Settings,
  options: ClusterRunOptions,
): Promise<ClusterReport> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const base = {
    clusterId: connection.clusterId,
    method: settings.method,
    analysisTime: options.analysisTime,
    windowEnd: floorToHour(options.analysisTime),
    parameters: reportParameters(settings),
  };
  const cluster = new KafkaCluster(connection, tuningFor(settings.requestTimeoutMs));
  try {
    const plan = await planCluster(cluster, settings);
    if (settings.method === "sampling") {
      const denied = deniedHosts(clusterHosts(connection, plan.brokers));
      if (denied.length > 0) throw new Error(deniedHostsMessage(denied));
    }
    options.onPlan?.(plan.topics.length);
    const ctx: MeasureContext = {
      connection,
      brokers: plan.brokers,
      analysisTime: options.analysisTime,
      samplingDays: settings.model.samplingDays,
      limits: settings.sampling,
      timeoutMs: settings.requestTimeoutMs,
      windowOf: (t) =>
        measurementWindow(options.analysisTime, settings.model.samplingDays, t.retentionMs),
    };
    const measure = settings.method === "metrics_api"
      ? fromMetricsApi(connection.clusterId, settings, options)
      : (options.measurer ?? inThisThread)(ctx, cluster);
    const inFlight = Math.max(1, options.maxChunksInFlight ?? 1);
    // The Metrics API answers for the whole cluster in one go: one chunk.
    const limits = settings.method === "metrics_api"
      ? { maxPartitions: Number.MAX_SAFE_INTEGER, maxTopics: Number.MAX_SAFE_INTEGER }
      : options.chunkLimits ??
        chunkLimitsFor(plan.topics, Math.min(inFlight, options.workers ?? inFlight));
    const chunks = chunkTopics(plan.topics, limits);
    const results = new Map<string, TopicResult>();
    await inLanes(chunks, inFlight, async (chunk) => {
      for (const m of await measure(chunk)) {
        const r = analyzeTopic(m, settings.model, { brokerCount: plan.brokers.length });
        results.set(r.topicName, r);
        options.onTopic?.(r);
      }
    });
    await measure.done?.();
    const topics = plan.topics.flatMap((t) => results.get(t.name) ?? []);
    return {
      ...base,
      brokerCount: plan.brokers.length,
      topics,
      summary: summarizeCluster(topics),
      run: runStats(settings, (now() - started) / 3_600_000),
      error: null,
      credentialsRefused: false,
    };
  } catch (e) {
    return {
      ...base,
      credentialsRefused: credentialsRefused(e),
      brokerCount: 0,
      topics: [],
      summary: summarizeCluster([]),
      run: runStats(settings, (now() - started) / 3_600_000),
      error: describeError(e),
    };
  } finally {
    await cluster.close().catch(() => {});
  }
}

/**
 * The Metrics API measures the whole cluster in a few queries, so it runs here as one chunk
 * (no topic-level work to spread over workers).
 */
function fromMetricsApi(
  clusterId: string,
  settings: Settings,
  options: ClusterRunOptions,
): ChunkMeasurer {
  const credential = options.confluentCloud;
  if (!credential) throw new Error("the Metrics API method needs CONFLUENT_CLOUD_CREDENTIAL");
  const client = new MetricsApiClient({
    baseUrl: settings.metricsApiUrl,
    apiKey: credential.apiKey,
    apiSecret: credential.apiSecret,
    timeoutMs: settings.requestTimeoutMs,
    deadlineMs: settings.metricsApiDeadlineMs,
    ...(options.log ? { logger: options.log } : {}),
  });
  return (topics) =>
    measureByMetrics(client, clusterId, topics, {
      analysisTime: options.analysisTime,
      samplingDays: settings.model.samplingDays,
      ...(options.log ? { log: options.log } : {}),
    });
}

/** A refused key or password is the user's to fix: main.ts exits 2 when it is the only failure. */
function credentialsRefused(e: unknown): boolean {
  if (e instanceof MetricsApiAuthError) return true;
  const seen = new Set<unknown>();
  const walk = (err: unknown): boolean => {
    if (!(err instanceof Error) || seen.has(err)) return false;
    seen.add(err);
    if (err.name === "AuthenticationError" || /SASL authentication failed/i.test(err.message)) {
      return true;
    }
    const nested = (err as { errors?: unknown }).errors;
    return (Array.isArray(nested) && nested.some(walk)) || walk(err.cause);
  };
  return walk(e);
}

function runStats(settings: Settings, elapsedTimeHours: number): RunStats {
  const sampling = settings.method === "sampling";
  return {
    elapsedTimeHours,
    method: sampling ? "sampling_records" : "metrics_api",
    requiredConsumptionThroughputFactor: settings.model.requiredThroughputFactor,
    minimumRequiredThroughputThreshold: settings.model.minConsumptionThroughput / 1_048_576,
    defaultPartitionCount: settings.model.minRecommendedPartitions,
    samplingBatchSize: sampling ? settings.sampling.batchSize : null,
    samplingDays: settings.model.samplingDays,
    samplingMaxConsecutiveNulls: sampling ? settings.sampling.maxConsecutiveNulls : null,
    samplingTimeout: sampling ? settings.sampling.timeoutSeconds : null,
    samplingMaxContinuousFailedBatches: sampling
      ? settings.sampling.maxContinuousFailedBatches
      : null,
    internalTopicsIncluded: settings.includeInternalTopics,
    topicFilter: settings.topicFilter.length > 0 ? settings.topicFilter.join(",") : null,
  };
}
