// How a chunk of topics gets measured: in a pooled Web Worker (what the CLI does), retried
// once on a fresh worker when the first one throws or dies, or in this thread (tests, and
// a fallback). Either way the caller gets TopicMeasurements, with failed topics as errors.
import type { SamplingLimits } from "../config/types.ts";
import type { BrokerNode, KafkaCluster } from "../kafka/cluster.ts";
import type { KafkaConnection } from "../kafka/connection.ts";
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
  const measure: ChunkMeasurer = async (chunk) => {
    let reason = "";
    for (let attempt = 1; attempt <= 2; attempt++) {
      try {
        const reply = await pool.run(cluster, hosts, {
          taskId: nextTaskId++,
          attempt,
          connection: ctx.connection,
          brokers: ctx.brokers,
          topics: chunk,
          analysisTime: ctx.analysisTime,
          samplingDays: ctx.samplingDays,
          limits: ctx.limits,
        });
        if (reply.type === "measured") return reply.measurements;
        reason = reply.error;
      } catch (e) {
        reason = e instanceof Error ? e.message : String(e);
      }
    }
    return chunk.map((t) =>
      errorMeasurement(t, ctx.windowOf(t), `measuring failed twice: ${reason}`)
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
