// How a chunk of topics gets measured: in a pooled Web Worker (what the CLI does), or in
// this thread (tests, and a fallback). A worker that throws, dies, or reports topics it
// could not measure is not trusted again: the chunk, or only the topics that failed, get
// one more try on another worker. Either way the caller gets TopicMeasurements, with topics
// that failed twice as errors.
import type { SamplingLimits } from "../config/types.ts";
import type { KafkaCluster } from "../kafka/cluster.ts";
import type { KafkaConnection } from "../kafka/connection.ts";
import type { BrokerNode } from "../kafka/types.ts";
import type { TopicMeasurement } from "../model/measurement.ts";
import type { TopicPlan } from "../plan/cluster_plan.ts";
import { errorMeasurement } from "../sources/error_measurement.ts";
import { measureBySampling } from "../sources/sampling.ts";
import { type WorkerPool } from "./pool.ts";

export interface MeasureContext {
  connection: KafkaConnection;
  brokers: BrokerNode[];
  analysisTime: number;
  samplingDays: number;
  limits: SamplingLimits;
  /** The one timeout of a Kafka connection and request (REQUEST_TIMEOUT_SECONDS). */
  timeoutMs: number;
  /** The cluster's window per topic, for error measurements. */
  windowOf: (topic: TopicPlan) => { start: number; end: number };
}

export type ChunkMeasurer = ((chunk: TopicPlan[]) => Promise<TopicMeasurement[]>) & {
  /** Called once every chunk of the cluster is measured. */
  done?: () => Promise<void>;
};

let nextTaskId = 1;

/** The hosts a cluster's worker may reach: its bootstrap servers and advertised brokers. */
export function clusterHosts(
  connection: KafkaConnection,
  brokers: readonly BrokerNode[],
): string[] {
  return [
    ...new Set([...connection.bootstrapServers, ...brokers.map((b) => `${b.host}:${b.port}`)]),
  ];
}

export function inWorkers(pool: WorkerPool, ctx: MeasureContext): ChunkMeasurer {
  const cluster = JSON.stringify([ctx.connection.clusterId, ctx.connection.bootstrapServers]);
  const hosts = clusterHosts(ctx.connection, ctx.brokers);
  type Tried = { measurements: TopicMeasurement[] } | { reason: string };
  const attempt = async (topics: TopicPlan[], n: number): Promise<Tried> => {
    try {
      const reply = await pool.run(
        cluster,
        hosts,
        {
          taskId: nextTaskId++,
          attempt: n,
          connection: ctx.connection,
          brokers: ctx.brokers,
          topics,
          analysisTime: ctx.analysisTime,
          samplingDays: ctx.samplingDays,
          limits: ctx.limits,
          timeoutMs: ctx.timeoutMs,
        },
        (r) => r.type === "measured" && r.measurements.every((m) => m.error === null),
      );
      return reply.type === "measured"
        ? { measurements: reply.measurements }
        : { reason: reply.error };
    } catch (e) {
      return { reason: e instanceof Error ? e.message : String(e) };
    }
  };
  const measure: ChunkMeasurer = async (chunk) => {
    const first = await attempt(chunk, 1);
    const failed = "reason" in first
      ? chunk
      : chunk.filter((t) => first.measurements.some((m) => m.topic === t.name && m.error !== null));
    if (failed.length === 0 && "measurements" in first) return first.measurements;
    const second = await attempt(failed, 2);
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
          ctx.windowOf(t),
          "reason" in second
            ? `measuring failed twice: ${second.reason}`
            : kept.get(t.name)?.error ?? "the worker returned no measurement",
        )
    );
  };
  measure.done = () => pool.release(cluster);
  return measure;
}

export function inThisThread(ctx: MeasureContext, cluster: KafkaCluster): ChunkMeasurer {
  return (chunk) =>
    measureBySampling(cluster, ctx.brokers, chunk, {
      analysisTime: ctx.analysisTime,
      samplingDays: ctx.samplingDays,
      limits: ctx.limits,
    });
}
