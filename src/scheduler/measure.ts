// How a chunk of topics gets measured: in a pooled Web Worker (what the CLI does), or in
// this thread (tests, and a fallback). A worker that throws, dies, or reports topics it
// could not measure is not trusted again: the chunk, or only the topics that failed, get
// one more try on another worker. Either way the caller gets TopicMeasurements, with topics
// that failed twice as errors.
import type { KafkaConnection } from "../kafka/connection.ts";
import type { BrokerNode } from "../kafka/types.ts";
import type { TopicMeasurement } from "../model/measurement.ts";
import type { TopicPlan } from "../plan/cluster_plan.ts";
import { errorMeasurement } from "../sources/error_measurement.ts";
import type { Source, SourceSpec } from "../sources/source.ts";
import { type WorkerPool } from "./pool.ts";

/** The cluster's window of a topic, for the measurement of a topic that failed. */
export type WindowOf = (topic: TopicPlan) => { start: number; end: number };

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

export function inWorkers(pool: WorkerPool, spec: SourceSpec, windowOf: WindowOf): ChunkMeasurer {
  const cluster = JSON.stringify([spec.connection.clusterId, spec.connection.bootstrapServers]);
  const hosts = clusterHosts(spec.connection, spec.brokers);
  type Tried = { measurements: TopicMeasurement[] } | { reason: string };
  const attempt = async (topics: TopicPlan[], n: number): Promise<Tried> => {
    try {
      const reply = await pool.run(
        cluster,
        hosts,
        { taskId: nextTaskId++, attempt: n, source: spec, topics },
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
          windowOf(t),
          "reason" in second
            ? `measuring failed twice: ${second.reason}`
            : kept.get(t.name)?.error ?? "the worker returned no measurement",
        )
    );
  };
  measure.done = () => pool.release(cluster);
  return measure;
}

/** Measures on this thread with a source built here; closing the source is the caller's. */
export function inThisThread(source: Source): ChunkMeasurer {
  return (chunk) => source.measure(chunk);
}
