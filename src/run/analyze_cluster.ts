// One cluster, end to end: plan (topics, partitions, configs, brokers) on this thread,
// measure the topics in chunks through the given measurer (pooled workers in the CLI), at
// most `maxChunksInFlight` at once, apply the model, and summarise into the ClusterReport
// the reporters render. Cluster-level failures (unreachable, refused) become the report's
// `error`; topic-level failures become topics with status `error`.
import type { Settings } from "../config/types.ts";
import { KafkaCluster } from "../kafka/cluster.ts";
import type { KafkaConnection } from "../kafka/connection.ts";
import { analyzeTopic, type TopicResult } from "../model/analyze.ts";
import { type RunStats, summarizeCluster } from "../model/summary.ts";
import { floorToHour, measurementWindow } from "../model/window.ts";
import { type ChunkLimits, chunkLimitsFor, chunkTopics } from "../plan/chunks.ts";
import { planCluster } from "../plan/cluster_plan.ts";
import type { ClusterReport } from "../report/types.ts";
import { type ChunkMeasurer, inThisThread, type MeasureContext } from "../scheduler/measure.ts";
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
  const cluster = new KafkaCluster(connection);
  try {
    const plan = await planCluster(cluster, settings);
    options.onPlan?.(plan.topics.length);
    const ctx: MeasureContext = {
      connection,
      brokers: plan.brokers,
      analysisTime: options.analysisTime,
      samplingDays: settings.model.samplingDays,
      limits: settings.sampling,
      windowOf: (t) =>
        measurementWindow(options.analysisTime, settings.model.samplingDays, t.retentionMs),
    };
    const measure = (options.measurer ?? inThisThread)(ctx, cluster);
    const inFlight = Math.max(1, options.maxChunksInFlight ?? 1);
    const limits = options.chunkLimits ??
      chunkLimitsFor(plan.topics, Math.min(inFlight, options.workers ?? inFlight));
    const chunks = chunkTopics(plan.topics, limits);
    const results = new Map<string, TopicResult>();
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(inFlight, chunks.length) }, async () => {
        for (let i = next++; i < chunks.length; i = next++) {
          for (const m of await measure(chunks[i]!)) {
            const r = analyzeTopic(m, settings.model, { brokerCount: plan.brokers.length });
            results.set(r.topicName, r);
            options.onTopic?.(r);
          }
        }
      }),
    );
    await measure.done?.();
    const topics = plan.topics.flatMap((t) => results.get(t.name) ?? []);
    return {
      ...base,
      brokerCount: plan.brokers.length,
      topics,
      summary: summarizeCluster(topics),
      run: runStats(settings, (now() - started) / 3_600_000),
      error: null,
    };
  } catch (e) {
    return {
      ...base,
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
