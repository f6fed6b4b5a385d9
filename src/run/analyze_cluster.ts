// One cluster, end to end: plan it (topics, partitions, configs, brokers: from Kafka, or
// from the source itself where Kafka is not needed), measure its topics through the one
// Source seam (sources/source.ts), in chunks (a source that answers for the whole cluster gets
// one), at most `maxChunksInFlight` at once, apply the model, and summarise into the
// ClusterReport the reporters render. Cluster-level failures (unreachable, refused) become the
// report's `error`; topic-level failures become topics with status `error`.
//
// Where the measuring runs: on the worker pool, unless the source reads Kafka and the cluster
// holds fewer partitions than a worker is worth (MIN_CHUNK_PARTITIONS, plan/chunks.ts): then on
// this thread, by the client that planned it, so that no isolate starts, the Kafka client is
// not loaded a second time and no second connection is set up. The Kafka client is loaded only
// when the cluster is planned from Kafka. A worker is asked for ahead of its tasks
// (pool.prestart), so that its start-up overlaps the planning: at once for a source that reaches
// only an HTTP API (or nothing), else as soon as the Metadata response names the brokers and
// shows that the cluster needs one.
import { inLanes } from "../in_lanes.ts";
import type { Settings } from "../config/types.ts";
import type { KafkaCluster } from "../kafka/cluster.ts";
import type { BrokerNode } from "../kafka/types.ts";
import type { GroupsRead } from "../kafka/consumer_groups.ts";
import { type KafkaConnection, tuningFor } from "../kafka/connection.ts";
import { analyzeTopic, type TopicResult } from "../model/analyze.ts";
import type { TopicMeasurement } from "../model/measurement.ts";
import { type RunStats, summarizeCluster } from "../model/summary.ts";
import { floorToHour, measurementWindow } from "../model/window.ts";
import { type ChunkLimits, chunkTopics, MIN_CHUNK_PARTITIONS } from "../plan/chunks.ts";
import { type ClusterPlan, planCluster, type TopicPlan } from "../plan/cluster_plan.ts";
import { selectTopics } from "../plan/topic_filter.ts";
import { methodLabel } from "../report/_format.ts";
import type { ClusterReport } from "../report/types.ts";
import {
  type ChunkMeasurer,
  clusterKey,
  inThisThread,
  inWorkers,
  sourceHosts,
} from "../scheduler/measure.ts";
import type { WorkerPool } from "../scheduler/pool.ts";
import { credentialsRefused } from "../sources/refused.ts";
import { SOURCES } from "../sources/registry.ts";
import type { Source, SourceSpec } from "../sources/source.ts";
import { deniedHosts, deniedHostsMessage } from "./_reachable.ts";
import { describeError } from "../describe_error.ts";
import { reportParameters } from "./parameters.ts";
import { countMainThreadRequests } from "./_requests.ts";

/** The parts of a source's spec that come from the run, not from the cluster or settings. */
export type SourceExtras = Partial<Pick<SourceSpec, "metricsApi" | "prometheus" | "replay">> & {
  /** The brokers of a cluster planned without Kafka (a replay's saved broker count). */
  brokers?: SourceSpec["brokers"];
};

export interface ClusterRunOptions {
  /** The run's one analysis time T0. */
  analysisTime: number;
  /** Monotonic clock in milliseconds, for elapsed time. */
  now?: () => number;
  /** Called with each topic's result as soon as it is known. */
  onTopic?: (result: TopicResult) => void;
  /** Called once the topics to analyse are known. */
  onPlan?: (topicCount: number) => void;
  /**
   * Called as the chunks being measured get on: how many topics' worth of their work is done
   * (a chunk of 100 topics half done is 50), not counting topics already given to onTopic.
   */
  onProgress?: (topicsWorth: number) => void;
  /** Per-topic sources measure on this pool; on this thread without one. */
  pool?: WorkerPool;
  /** Chunks of this cluster measured at once (MAX_WORKERS_PER_CLUSTER). */
  maxChunksInFlight?: number;
  chunkLimits?: ChunkLimits;
  /** Credentials of API sources, saved measurements to replay. */
  source?: SourceExtras;
  /** Lines for the log. */
  log?: (line: string) => void;
  /** Masks secrets in text a server sent (an HTTP error body). */
  scrub?: (text: string) => string;
  /** Keep every measurement for the caller (true by default; a run keeps them to save them). */
  keepMeasurements?: boolean;
}

export interface ClusterAnalysis {
  report: ClusterReport;
  /**
   * Every measurement the source returned, when `keepMeasurements` asked for them
   * (--save-measurements writes them); else empty.
   */
  measurements: TopicMeasurement[];
}

export async function analyzeCluster(
  connection: KafkaConnection,
  settings: Settings,
  options: ClusterRunOptions,
): Promise<ClusterAnalysis> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const base = {
    clusterId: connection.clusterId,
    method: settings.method,
    analysisTime: options.analysisTime,
    windowEnd: floorToHour(options.analysisTime),
    parameters: reportParameters(settings),
  };
  const kind = SOURCES[settings.method];
  let spec: SourceSpec = {
    method: settings.method,
    connection,
    brokers: options.source?.brokers ?? [],
    analysisTime: options.analysisTime,
    samplingDays: settings.model.samplingDays,
    timeoutMs: settings.requestTimeoutMs,
    sampling: settings.sampling,
    metricsApi: options.source?.metricsApi ?? null,
    prometheus: options.source?.prometheus ?? null,
    replay: options.source?.replay ?? null,
  };
  const deps = {
    ...(options.log ? { log: options.log } : {}),
    ...(options.scrub ? { scrub: options.scrub } : {}),
  };
  const measurements: TopicMeasurement[] = [];
  let kafka: KafkaCluster | null = null;
  let source: Source | null = null;
  const prestart = (brokers: BrokerNode[]) => {
    if (!options.pool) return;
    const ahead = { ...spec, brokers };
    const hosts = sourceHosts(ahead);
    // Hosts this run may not reach fail the cluster below, with the setting that allows them.
    if (deniedHosts(hosts).length === 0) options.pool.prestart(clusterKey(ahead), hosts, ahead);
  };
  if (!kind.readsKafka(spec)) prestart(spec.brokers);
  const workersFrom = options.chunkLimits?.workersFrom ?? MIN_CHUNK_PARTITIONS;
  /**
   * Whether a cluster of this many partitions is measured on the pool: always for a source that
   * reads no Kafka; one that does (and so is planned from Kafka here) from workersFrom on, below
   * which the client that planned it measures it.
   */
  const onWorkers = (partitions: number) =>
    options.pool !== undefined && (!kind.readsKafka(spec) || partitions >= workersFrom);
  try {
    let plan: ClusterPlan;
    if (kind.plannedFromKafka(spec)) {
      const [{ KafkaCluster }] = await Promise.all([
        import("../kafka/cluster.ts"),
        countMainThreadRequests(),
      ]);
      kafka = new KafkaCluster(connection, tuningFor(settings.requestTimeoutMs));
      plan = await planCluster(kafka, {
        ...settings,
        // The Metadata response names the brokers: a worker that reads Kafka may be started
        // with them while DescribeConfigs runs.
        onListed: (brokers, partitions) => {
          if (kind.readsKafka(spec) && onWorkers(partitions)) prestart(brokers);
        },
      });
    } else {
      source = await kind.create(spec, deps);
      plan = selected(await source.plan!(), settings);
    }
    spec = { ...spec, brokers: plan.brokers };
    options.onPlan?.(plan.topics.length);
    const windowOf = (t: { retentionMs: number }) =>
      measurementWindow(options.analysisTime, settings.model.samplingDays, t.retentionMs);
    // This thread or each worker may reach only these hosts: all of them must be within reach.
    const denied = deniedHosts(sourceHosts(spec));
    if (denied.length > 0) throw new Error(deniedHostsMessage(denied));
    const partitions = plan.topics.reduce((n, t) => n + t.leaders.length, 0);
    let measure: ChunkMeasurer;
    if (options.pool && onWorkers(partitions)) {
      measure = inWorkers(options.pool, spec, windowOf, {
        wholeCluster: !kind.perTopic,
        ...(options.log ? { log: options.log } : {}),
      });
    } else {
      source ??= await kind.create(spec, { ...deps, ...(kafka ? { kafka } : {}) });
      measure = inThisThread(source, windowOf, !kind.perTopic);
    }
    const inFlight = Math.max(1, options.maxChunksInFlight ?? 1);
    // A source that answers for the whole cluster in one go gets it as one chunk.
    const chunks = kind.perTopic ? chunkTopics(plan.topics, options.chunkLimits) : [plan.topics];
    // Consumer groups are read while the first chunks are measured (read only; with Kafka).
    const groups: Promise<GroupsRead | null> = kafka
      ? readGroups(kafka, plan.topics.map((t) => t.name)).catch((e) => ({
        byTopic: null,
        note: `consumer groups could not be read: ${describeError(e)}`,
      }))
      : Promise.resolve(null);
    const results = new Map<string, TopicResult>();
    const underWay = new Map<TopicPlan[], number>();
    const moved = () => {
      let worth = 0;
      for (const [chunk, fraction] of underWay) worth += fraction * chunk.length;
      options.onProgress?.(worth);
    };
    await inLanes(chunks, inFlight, async (chunk) => {
      const measured = await measure(chunk, (fraction) => {
        underWay.set(chunk, Math.min(1, fraction));
        moved();
      });
      const read = await groups;
      for (const measuredTopic of measured) {
        // A replayed measurement keeps the groups it was saved with.
        const m = read === null ? measuredTopic : {
          ...measuredTopic,
          consumerGroups: read.byTopic?.get(measuredTopic.topic) ?? null,
        };
        // Kept only to be saved: a measurement holds each partition's hours, several times
        // what its topic's result needs, and 10,000 topics of them are hundreds of MB.
        if (options.keepMeasurements !== false) measurements.push(m);
        const r = analyzeTopic(m, settings.model, { brokerCount: plan.brokers.length });
        results.set(r.topicName, r);
        options.onTopic?.(r);
      }
      // Its topics are done now, each counted by onTopic.
      underWay.delete(chunk);
      moved();
    });
    await measure.done?.();
    const note = (await groups)?.note ?? null;
    if (note !== null) options.log?.(note);
    const topics = plan.topics.flatMap((t) => results.get(t.name) ?? []);
    return {
      measurements,
      report: {
        ...base,
        brokerCount: plan.brokers.length,
        topics,
        summary: summarizeCluster(topics),
        run: runStats(settings, (now() - started) / 3_600_000),
        notes: note === null ? [] : [note],
        error: null,
        credentialsRefused: false,
      },
    };
  } catch (e) {
    return {
      measurements,
      report: {
        ...base,
        credentialsRefused: credentialsRefused(e),
        brokerCount: 0,
        topics: [],
        summary: summarizeCluster([]),
        run: runStats(settings, (now() - started) / 3_600_000),
        notes: [],
        error: describeError(e),
      },
    };
  } finally {
    // A worker started ahead of a plan that failed, or that had nothing to measure.
    await options.pool?.release(clusterKey(spec));
    await source?.close().catch(() => {});
    await kafka?.close().catch(() => {});
  }
}

/** The consumer groups of the topics (read only), with the module loaded when first needed. */
async function readGroups(kafka: KafkaCluster, topics: string[]): Promise<GroupsRead> {
  const { readConsumerGroups } = await import("../kafka/consumer_groups.ts");
  return await readConsumerGroups(kafka, topics);
}

/** A plan the source made, cut to the topics TOPIC_FILTER and INCLUDE_INTERNAL_TOPICS select. */
function selected(plan: ClusterPlan, settings: Settings): ClusterPlan {
  const names = new Set(
    selectTopics(
      plan.topics.map((t) => t.name),
      settings.topicFilter,
      settings.includeInternalTopics,
    ),
  );
  return { ...plan, topics: plan.topics.filter((t) => names.has(t.name)) };
}

function runStats(settings: Settings, elapsedTimeHours: number): RunStats {
  const sampling = settings.method === "sampling";
  return {
    elapsedTimeHours,
    method: methodLabel(settings.method),
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
