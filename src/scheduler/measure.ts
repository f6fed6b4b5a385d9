// How a chunk of topics gets measured: in a pooled Web Worker, or in this thread (a small
// cluster read from Kafka, by the client that planned it; tests). A worker that throws, dies,
// or reports topics it could not measure is not trusted again: the chunk, or only the topics
// that failed, get one more try on another worker (on this thread, by the same source). Either way the caller gets TopicMeasurements, with topics that
// failed twice as errors. A source that measures the whole cluster at once (the Metrics API,
// Prometheus, a replay) is different only in how it fails: its error is the cluster's, so it
// is thrown (with whether a credential was refused), not spread over the topics.
import type { KafkaConnection } from "../kafka/connection.ts";
import type { BrokerNode, Progress } from "../kafka/types.ts";
import type { TopicMeasurement } from "../model/measurement.ts";
import type { TopicPlan } from "../plan/cluster_plan.ts";
import { errorMeasurement } from "../sources/error_measurement.ts";
import { SourceFailure } from "../sources/refused.ts";
import { SOURCES } from "../sources/registry.ts";
import type { Source, SourceSpec } from "../sources/source.ts";
import { type WorkerPool } from "./pool.ts";

/** The cluster's window of a topic, for the measurement of a topic that failed. */
export type WindowOf = (topic: TopicPlan) => { start: number; end: number };

/** Measures a chunk; `progress` hears how far its first try is. */
export type ChunkMeasurer =
  & ((chunk: TopicPlan[], progress?: Progress) => Promise<TopicMeasurement[]>)
  & {
    /** Called once every chunk of the cluster is measured. */
    done?: () => Promise<void>;
  };

let nextTaskId = 1;

/** The hosts a cluster's worker may reach: its bootstrap servers and advertised brokers. */
export function clusterHosts(
  connection: KafkaConnection,
  brokers: readonly BrokerNode[],
): string[] {
  // Brokers planned without Kafka (from metrics, or a saved run) have no address.
  const advertised = brokers.filter((b) => b.host !== "").map((b) => `${b.host}:${b.port}`);
  return [...new Set([...connection.bootstrapServers, ...advertised])];
}

/**
 * Every host a source's worker may reach: the cluster's when the source reads Kafka (record
 * sampling; Prometheus' kafka_exporter family samples bytes per record), and the host of
 * each HTTP API the spec names. A source that does not read Kafka (the Metrics API, a
 * replay) reaches no broker: its hosts are known before the cluster is planned.
 */
export function sourceHosts(spec: SourceSpec): string[] {
  const urls = [spec.metricsApi?.baseUrl, spec.prometheus?.url].filter((u) => u !== undefined);
  return [
    ...new Set([
      ...(SOURCES[spec.method].readsKafka(spec) ? clusterHosts(spec.connection, spec.brokers) : []),
      ...urls.map((u) => new URL(u).host),
    ]),
  ];
}

/** The pool's name for a cluster: its workers serve no other. */
export function clusterKey(spec: SourceSpec): string {
  return JSON.stringify([spec.connection.clusterId, spec.connection.bootstrapServers]);
}

/** A source with a deadline of its own gets it, and a minute, before its worker is given up. */
function taskTimeout(spec: SourceSpec): number | undefined {
  return spec.metricsApi ? spec.metricsApi.deadlineMs + 60_000 : undefined;
}

export interface WorkerOptions {
  /** The source answers for the whole cluster: a failed task fails the cluster. */
  wholeCluster: boolean;
  log?: (line: string) => void;
}

export function inWorkers(
  pool: WorkerPool,
  spec: SourceSpec,
  windowOf: WindowOf,
  options: WorkerOptions = { wholeCluster: false },
): ChunkMeasurer {
  const cluster = clusterKey(spec);
  const hosts = sourceHosts(spec);
  const timeoutMs = taskTimeout(spec);
  const attempt = async (topics: TopicPlan[], n: number, progress?: Progress): Promise<Tried> => {
    let reply;
    try {
      reply = await pool.run(
        cluster,
        hosts,
        { taskId: nextTaskId++, attempt: n, source: spec, topics },
        {
          healthy: (r) => r.type === "measured" && r.measurements.every((m) => m.error === null),
          ...(timeoutMs === undefined ? {} : { timeoutMs }),
          ...(options.log ? { log: options.log } : {}),
          ...(progress ? { progress } : {}),
        },
      );
    } catch (e) {
      return { reason: e instanceof Error ? e.message : String(e) };
    }
    if (reply.type === "measured") return { measurements: reply.measurements };
    if (options.wholeCluster) throw new SourceFailure(reply.error, reply.refused);
    return { reason: reply.error };
  };
  const measure: ChunkMeasurer = (chunk, progress) =>
    withOneRetry(chunk, attempt, windowOf, options.wholeCluster, progress);
  measure.done = () => pool.release(cluster);
  return measure;
}

/**
 * Measures on this thread with a source built here; closing the source is the caller's. As on
 * a worker, a chunk that throws or topics that fail get one more try (the source's client
 * connects again); a whole-cluster source's error is the cluster's.
 */
export function inThisThread(
  source: Source,
  windowOf: WindowOf,
  wholeCluster: boolean,
): ChunkMeasurer {
  const attempt = async (topics: TopicPlan[], _n: number, progress?: Progress): Promise<Tried> => {
    try {
      return { measurements: await source.measure(topics, progress) };
    } catch (e) {
      if (wholeCluster) throw e;
      return { reason: e instanceof Error ? e.message : String(e) };
    }
  };
  return (chunk, progress) => withOneRetry(chunk, attempt, windowOf, wholeCluster, progress);
}

type Tried = { measurements: TopicMeasurement[] } | { reason: string };

/**
 * The chunk's measurements after one more try of what failed: the whole chunk when the first
 * try failed, else its topics that came back with an error (a whole-cluster source's topic
 * errors come from its data, not from a connection: kept). Topics that failed twice are errors.
 */
async function withOneRetry(
  chunk: TopicPlan[],
  attempt: (topics: TopicPlan[], n: number, progress?: Progress) => Promise<Tried>,
  windowOf: WindowOf,
  wholeCluster: boolean,
  progress?: Progress,
): Promise<TopicMeasurement[]> {
  const first = await attempt(chunk, 1, progress);
  const failed = "reason" in first
    ? chunk
    : wholeCluster
    ? []
    : chunk.filter((t) => first.measurements.some((m) => m.topic === t.name && m.error !== null));
  if (failed.length === 0 && "measurements" in first) return first.measurements;
  const second = await attempt(failed, 2);
  if (wholeCluster && "reason" in second) {
    throw new SourceFailure(`measuring failed twice: ${second.reason}`, false);
  }
  const retried = new Map(
    "measurements" in second ? second.measurements.map((m) => [m.topic, m]) : [],
  );
  const kept = new Map(
    "measurements" in first ? first.measurements.map((m) => [m.topic, m]) : [],
  );
  return chunk.map((t) =>
    retried.get(t.name) ??
      (failed.includes(t) ? undefined : kept.get(t.name)) ??
      errorMeasurement(
        t,
        windowOf(t),
        "reason" in second
          ? `measuring failed twice: ${second.reason}`
          : kept.get(t.name)?.error ?? "the worker returned no measurement",
      )
  );
}
