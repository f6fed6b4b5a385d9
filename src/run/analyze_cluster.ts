// One cluster, end to end: plan (topics, partitions, configs, brokers), measure every topic
// with the configured source, apply the model, and summarise, giving the ClusterReport the
// reporters render. Cluster-level failures (unreachable, refused) become the report's
// `error`; topic-level failures become topics with status `error`.
import type { Settings } from "../config/types.ts";
import { KafkaCluster } from "../kafka/cluster.ts";
import type { KafkaConnection } from "../kafka/connection.ts";
import { analyzeTopic, type TopicResult } from "../model/analyze.ts";
import type { TopicMeasurement } from "../model/measurement.ts";
import { type RunStats, summarizeCluster } from "../model/summary.ts";
import { floorToHour } from "../model/window.ts";
import { chunkTopics } from "../plan/chunks.ts";
import { planCluster } from "../plan/cluster_plan.ts";
import type { ClusterReport } from "../report/types.ts";
import { measureBySampling } from "../sources/sampling.ts";
import { describeError } from "./errors.ts";
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
    const topics: TopicResult[] = [];
    for (const chunk of chunkTopics(plan.topics)) {
      const measurements: TopicMeasurement[] = await measureBySampling(
        cluster,
        plan.brokers,
        chunk,
        {
          analysisTime: options.analysisTime,
          samplingDays: settings.model.samplingDays,
          limits: settings.sampling,
        },
      );
      for (const m of measurements) {
        const r = analyzeTopic(m, settings.model, { brokerCount: plan.brokers.length });
        options.onTopic?.(r);
        topics.push(r);
      }
    }
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
