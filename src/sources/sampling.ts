// The record-sampling source: measures topics by reading the cluster itself. Exact records
// per hour come from the offset at every hour boundary (ListOffsets by timestamp, or a light
// partition's own record timestamps: kafka/hourly_offsets.ts); log bytes per record come from
// a bounded sample of record batches read by offset with no consumer group. Returns the same
// TopicMeasurement as every other source. A topic fails only when one of its own partitions
// stays unreachable; its neighbours in the chunk are measured all the same.
import type { SamplingLimits } from "../config/types.ts";
import type { KafkaCluster } from "../kafka/cluster.ts";
import { type BrokerNode, type LeaderPartition, partitionKey } from "../kafka/types.ts";
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

  // A partition without a leader at planning time (its broker down) may have one by now.
  const nodes = new Map(brokers.map((b) => [b.nodeId, b]));
  const placeholder = brokers[0] ?? { nodeId: -1, host: "", port: 0 };
  const leaderless: LeaderPartition[] = [];
  const partitionsOf: LeaderPartition[][] = topics.map((t) =>
    t.leaders.map((leader, partition) => {
      const p = { topic: t.name, topicId: t.topicId, partition, leader: nodes.get(leader) };
      if (p.leader) return p as LeaderPartition;
      const without = { ...p, leader: placeholder };
      leaderless.push(without);
      return without;
    })
  );
  if (leaderless.length > 0) await cluster.refreshLeaders(leaderless).catch(() => {});

  let offsets: Map<string, bigint[]>;
  let unreadable: Map<string, string>;
  try {
    ({ offsets, failed: unreadable } = await boundaryOffsets(
      cluster,
      partitionsOf.flat(),
      boundaries,
    ));
  } catch (e) {
    const reason = `could not list offsets by timestamp: ${describeError(e)}`;
    return topics.map((t) => errorMeasurement(t, windows.get(t.name)!, reason));
  }

  const failed: TopicMeasurement[] = [];
  const measurable: { t: TopicPlan; partitions: LeaderPartition[] }[] = [];
  topics.forEach((t, i) => {
    const parts = partitionsOf[i]!;
    const bad = parts.find((p) => unreadable.has(partitionKey(p.topic, p.partition)));
    if (bad === undefined) measurable.push({ t, partitions: parts });
    else {
      const why = unreadable.get(partitionKey(bad.topic, bad.partition));
      failed.push(
        errorMeasurement(
          t,
          windows.get(t.name)!,
          `partition ${bad.partition} could not be read: ${why}`,
        ),
      );
    }
  });

  const targets: SampleTarget[] = [];
  const counted = measurable.map(({ t, partitions }) => {
    const w = windows.get(t.name)!;
    const first = (w.start - earliest) / HOUR_MS;
    const last = boundaries.length - 1;
    const perPartition = partitions.map((p) => {
      const o = offsets.get(partitionKey(p.topic, p.partition)) ?? [];
      targets.push({ ...p, startOffset: o[first] ?? 0n, endOffset: o[last] ?? 0n });
      return countsBetween(o.slice(first));
    });
    return { t, w, perPartition };
  });

  const samples = await sampleTopics(cluster, targets, { limits: options.limits });

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
