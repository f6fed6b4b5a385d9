// The record-sampling source: measures topics by reading the cluster itself. Exact records
// per hour come from the offset at every hour boundary (ListOffsets by timestamp, or a light
// partition's own record timestamps: kafka/hourly_offsets.ts); log bytes per record come from
// a bounded sample of record batches read by offset with no consumer group. Returns the same
// TopicMeasurement as every other source.
import type { SamplingLimits } from "../config/types.ts";
import { type BrokerNode, type KafkaCluster, partitionKey } from "../kafka/cluster.ts";
import type { LeaderPartition } from "../kafka/list_offsets.ts";
import { boundaryOffsets, countsBetween } from "../kafka/hourly_offsets.ts";
import type { HourlyPoint, TopicMeasurement } from "../model/measurement.ts";
import { HOUR_MS } from "../model/window.ts";
import type { TopicPlan } from "../plan/cluster_plan.ts";
import { type SampleTarget, sampleTopics } from "./_sampler.ts";
import { errorMeasurement, measurementHeader } from "./error_measurement.ts";
import { topicWindows } from "./topic_windows.ts";
import { describeError } from "../describe_error.ts";

export interface SamplingOptions {
  /** The run's one analysis time T0, epoch milliseconds. */
  analysisTime: number;
  samplingDays: number;
  limits: SamplingLimits;
}

export async function measureBySampling(
  cluster: KafkaCluster,
  brokers: readonly BrokerNode[],
  topics: readonly TopicPlan[],
  options: SamplingOptions,
): Promise<TopicMeasurement[]> {
  if (topics.length === 0) return [];
  const { byTopic: windows, start: earliest, end } = topicWindows(
    topics,
    options.analysisTime,
    options.samplingDays,
  );
  const boundaries: number[] = [];
  for (let h = earliest; h <= end; h += HOUR_MS) boundaries.push(h);

  const nodes = new Map(brokers.map((b) => [b.nodeId, b]));
  const measurable: TopicPlan[] = [];
  const failed: TopicMeasurement[] = [];
  for (const t of topics) {
    const missing = t.leaders.findIndex((l) => !nodes.has(l));
    if (missing >= 0) {
      failed.push(
        errorMeasurement(t, windows.get(t.name)!, `partition ${missing} has no available leader`),
      );
    } else measurable.push(t);
  }

  const partitionsOf: LeaderPartition[][] = measurable.map((t) =>
    t.leaders.map((leader, partition) => ({
      topic: t.name,
      topicId: t.topicId,
      partition,
      leader: nodes.get(leader)!,
    }))
  );
  let offsets: Map<string, bigint[]>;
  try {
    offsets = await boundaryOffsets(cluster, partitionsOf.flat(), boundaries);
  } catch (e) {
    const reason = `could not list offsets by timestamp: ${describeError(e)}`;
    return [...failed, ...measurable.map((t) => errorMeasurement(t, windows.get(t.name)!, reason))];
  }

  const targets: SampleTarget[] = [];
  const counted = measurable.map((t, i) => {
    const w = windows.get(t.name)!;
    const first = (w.start - earliest) / HOUR_MS;
    const last = boundaries.length - 1;
    const perPartition = partitionsOf[i]!.map((p) => {
      const o = offsets.get(partitionKey(p.topic, p.partition)) ?? [];
      targets.push({ ...p, startOffset: o[first] ?? 0n, endOffset: o[last] ?? 0n });
      return countsBetween(o.slice(first));
    });
    return { t, w, perPartition };
  });

  const samples = await sampleTopics(cluster.admin, targets, { limits: options.limits });

  return [
    ...failed,
    ...counted.map(({ t, w, perPartition }): TopicMeasurement => {
      const hours = (w.end - w.start) / HOUR_MS;
      const records = Array.from(
        { length: hours },
        (_, i) => perPartition.reduce((s, c) => s + (c[i] ?? 0), 0),
      );
      const total = records.reduce((s, n) => s + n, 0);
      const sample = samples.get(t.name) ?? null;
      const stats = sample?.stats ?? null;
      if (total > 0 && (!stats || stats.batchRecords === 0)) {
        const why = sample?.lastError ? `: ${sample.lastError}` : "";
        return errorMeasurement(t, w, `no record batch could be sampled${why}`);
      }
      const perRecord = stats && stats.batchRecords > 0 ? stats.logBytes / stats.batchRecords : 0;
      const hourly: HourlyPoint[] = records.map((n, i) => ({
        hourStart: w.start + i * HOUR_MS,
        records: n,
        bytes: n * perRecord,
      }));
      return {
        ...measurementHeader(t, w),
        hourly,
        partitionRecords: perPartition.map((c) => c.reduce((s, n) => s + n, 0)),
        sample: stats,
        error: null,
      };
    }),
  ];
}
