// The record-sampling source: measures topics by reading the cluster itself. Exact records
// per hour come from the offset at every hour boundary (ListOffsets by timestamp, or a light
// partition's own record timestamps: kafka/hourly_offsets.ts); log bytes per record come from
// a bounded sample of record batches read by offset with no consumer group. Returns the same
// TopicMeasurement as every other source. A topic fails only when one of its own partitions
// stays unreachable; its neighbours in the chunk are measured all the same.
//
// Also per topic: records per partition per hour (`partitionHourly`, the differences of the
// same hour-boundary offsets, so they add up to `hourly` exactly), and the busiest minute of
// its PEAK_MINUTE_TOP_HOURS busiest hours (`peakMinute`: offsets at every minute boundary of
// those hours, kafka/minute_offsets.ts; bytes = records × the bytes-per-record estimate the
// hourly bytes use). The minutes are looked up while the sample is read. A topic whose minutes
// could not be read (a partition unreachable by then) is still measured, without a peak
// minute (null), as is an empty one. A compacted topic's minutes are as approximate as its
// hours: writes compaction removed count in the minute of the next surviving record (within
// the same hour, since the minutes of an hour add up to its count).
import { KeySketch } from "../kafka/key_sketch.ts";
import type { SamplingLimits } from "./source.ts";
import { KafkaCluster } from "../kafka/cluster.ts";
import { tuningFor } from "../kafka/connection.ts";
import type { Source, SourceDeps, SourceSpec } from "./source.ts";
import {
  type BrokerNode,
  type LeaderPartition,
  partitionKey,
  type Progress,
} from "../kafka/types.ts";
import { boundaryOffsets, countsBetween } from "../kafka/hourly_offsets.ts";
import { LATEST } from "../kafka/list_offsets.ts";
import { type MinuteOffsets, minuteOffsets, type MinuteRequest } from "../kafka/minute_offsets.ts";
import { busiestMinute, topHours } from "./peak_minute.ts";
import type { HourlyPoint, PeakMinute, TopicMeasurement } from "../model/measurement.ts";
import { HOUR_MS, type Window } from "../model/window.ts";
import type { TopicPlan } from "../plan/cluster_plan.ts";
import { type SampleTarget, sampleTopics, type TopicSample } from "./_sampler.ts";
import { estimateFromCensus } from "./_record_bytes.ts";
import type { ReadTotals } from "../kafka/scan_windows.ts";
import { errorMeasurement, measurementHeader } from "./error_measurement.ts";
import { topicWindows } from "./topic_windows.ts";
import { describeError } from "../describe_error.ts";

export interface SamplingOptions {
  /** The run's one analysis time T0, epoch milliseconds. */
  analysisTime: number;
  samplingDays: number;
  limits: SamplingLimits;
  /** In [0, 1): where the sample's points start (tests replay a sample with a seed). */
  random?: () => number;
  /** The share of the chunk's work done: hour boundaries first, then the sample. */
  progress?: Progress;
}

/**
 * The share of a chunk's work its hour boundaries stand for in progress (the sample and the
 * minutes, read together, are the rest): the lookups are most of the requests.
 */
const BOUNDARIES_SHARE = 0.6;

/** `progress` for a part of the work that spans [from, to] of the whole. */
const span = (progress: Progress | undefined, from: number, to: number): Progress => (f) =>
  progress?.(from + (to - from) * f);

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
  let logStarts: Map<string, bigint>;
  let wholeReads: Map<string, ReadTotals>;
  try {
    ({ offsets, failed: unreadable, logStarts, wholeReads } = await boundaryOffsets(
      cluster,
      partitionsOf.flat(),
      boundaries,
      { progress: span(options.progress, 0, BOUNDARIES_SHARE) },
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
  const censuses = new Map<string, TopicSample>();
  const minuteRequests: MinuteRequest[] = [];
  const counted = measurable.map(({ t, partitions }) => {
    const w = completeHours(windows.get(t.name)!, earliest, partitions, offsets, logStarts);
    const first = (w.start - earliest) / HOUR_MS;
    const last = boundaries.length - 1;
    const mine: SampleTarget[] = [];
    const perPartition = partitions.map((p) => {
      const o = offsets.get(partitionKey(p.topic, p.partition)) ?? [];
      mine.push({ ...p, startOffset: o[first] ?? 0n, endOffset: o[last] ?? 0n });
      return countsBetween(o.slice(first));
    });
    const hours = (w.end - w.start) / HOUR_MS;
    const records = Array.from(
      { length: hours },
      (_, i) => perPartition.reduce((s, c) => s + (c[i] ?? 0), 0),
    );
    // The busiest hours, searched minute by minute (none for an empty topic).
    const top = topHours(records);
    for (const p of partitions) {
      const key = partitionKey(p.topic, p.partition);
      const o = offsets.get(key) ?? [];
      const read = wholeReads.get(key);
      minuteRequests.push({
        partition: p,
        hours: top.map((i) => ({
          hourStart: w.start + i * HOUR_MS,
          start: o[first + i] ?? 0n,
          end: o[first + i + 1] ?? 0n,
        })),
        ...(read && read.records > 0 ? { bytesPerRecord: read.bytes / read.records } : {}),
        ...(read ? { records: read.timed } : {}),
      });
    }
    // Every partition read whole to count its hours, and from the window's start: no sample
    // is needed.
    const fromStart = partitions.every((p) => {
      const o = offsets.get(partitionKey(p.topic, p.partition)) ?? [];
      return o[first] === o[0];
    });
    const census = fromStart ? fromWholeReads(mine, wholeReads, options.limits.batchSize) : null;
    if (census) censuses.set(t.name, census);
    else targets.push(...mine);
    return { t, w, perPartition, records, top, partitions };
  });

  // The minutes are looked up while the sample is read; they never fail a topic.
  const [sampled, minutes] = await Promise.all([
    sampleTopics(cluster, targets, {
      limits: options.limits,
      ...(options.random ? { random: options.random } : {}),
      progress: span(options.progress, BOUNDARIES_SHARE, 1),
    }),
    minuteOffsets(cluster, minuteRequests.filter((r) => r.hours.length > 0))
      .catch((): MinuteOffsets => ({ offsets: new Map(), failed: new Map() })),
  ]);
  const samples = new Map([...censuses, ...sampled]);

  return [
    ...failed,
    ...counted.map(({ t, w, perPartition, records, top, partitions }): TopicMeasurement => {
      const total = records.reduce((s, n) => s + n, 0);
      const sample = samples.get(t.name) ?? null;
      const stats = sample?.stats ?? null;
      const estimate = sample?.recordBytes ?? null;
      if (total > 0 && estimate === null) {
        const why = sample?.lastError ? `: ${sample.lastError}` : "";
        return errorMeasurement(t, w, `no record batch could be sampled${why}`);
      }
      const perRecord = estimate?.bytesPerRecord ?? 0;
      const hourly: HourlyPoint[] = records.map((n, i) => ({
        hourStart: w.start + i * HOUR_MS,
        records: n,
        bytes: n * perRecord,
      }));
      return {
        ...measurementHeader(t, w),
        hourly,
        partitionRecords: perPartition.map((c) => c.reduce((s, n) => s + n, 0)),
        partitionHourly: perPartition,
        peakMinute: peakMinuteOf(w.start, top, partitions, minutes, perRecord),
        sample: stats,
        recordBytes: estimate === null ? null : { low: estimate.low, high: estimate.high },
        distinctKeys: stats !== null && stats.keyedRecords > 0 ? sample!.keys.estimate() : null,
        error: null,
      };
    }),
  ];
}

/**
 * The busiest minute of a topic's top hours (indices into its window's hours) from its
 * partitions' minute-boundary offsets; null without records, or when a partition's minutes
 * could not be read.
 */
function peakMinuteOf(
  windowStart: number,
  top: readonly number[],
  partitions: readonly LeaderPartition[],
  minutes: MinuteOffsets,
  bytesPerRecord: number,
): PeakMinute | null {
  if (top.length === 0) return null;
  const perMinute = top.map(() => new Array<number>(60).fill(0));
  for (const p of partitions) {
    const grid = minutes.offsets.get(partitionKey(p.topic, p.partition));
    if (!grid || grid.length !== top.length) return null;
    grid.forEach((o, j) => countsBetween(o).forEach((n, m) => perMinute[j]![m]! += n));
  }
  return busiestMinute(top.map((i) => windowStart + i * HOUR_MS), perMinute, bytesPerRecord);
}

/**
 * The window without the hours that retention has cut into. When a partition's log start
 * moved (retention, DeleteRecords) and the first hour holding records begins at the log
 * start, that hour may have lost its earlier records: the window starts after it (model.md:
 * only complete hours count). `offsets` are at the hour boundaries from `first` on.
 */
function completeHours(
  w: Window,
  first: number,
  partitions: readonly LeaderPartition[],
  offsets: ReadonlyMap<string, bigint[]>,
  logStarts: ReadonlyMap<string, bigint>,
): Window {
  let start = w.start;
  for (const p of partitions) {
    const key = partitionKey(p.topic, p.partition);
    const logStart = logStarts.get(key) ?? 0n;
    const o = offsets.get(key);
    if (logStart === 0n || !o) continue;
    // The last boundary still at the log start: the hour after it holds the first record.
    let cut = -1;
    for (let i = 0; i + 1 < o.length && o[i] === logStart; i++) cut = i;
    if (cut < 0 || o[cut + 1]! <= logStart) continue;
    const hourStart = first + cut * HOUR_MS;
    if (hourStart >= w.start) start = Math.max(start, hourStart + HOUR_MS);
  }
  return start === w.start ? w : { start: Math.min(start, w.end), end: w.end };
}

/**
 * A topic's sample when the boundary scan has read every partition with records in its
 * window whole: the exact bytes per record of those batches (a census), and their payload.
 */
function fromWholeReads(
  targets: readonly SampleTarget[],
  wholeReads: ReadonlyMap<string, ReadTotals>,
  inspectAtMost: number,
): TopicSample | null {
  const reads: ReadTotals[] = [];
  for (const t of targets) {
    if (t.endOffset <= t.startOffset) continue;
    const read = wholeReads.get(partitionKey(t.topic, t.partition));
    if (!read) return null;
    reads.push(read);
  }
  if (reads.length === 0) return null;
  const sum = (f: (r: ReadTotals) => number) => reads.reduce((s, r) => s + f(r), 0);
  const records = sum((r) => r.records);
  const recordBytes = estimateFromCensus([{ sizeBytes: sum((r) => r.bytes), records }]);
  if (!recordBytes) return null;
  // Payload and keys of every record read, scaled down to what SAMPLING_BATCH_SIZE allows.
  const inspected = Math.min(records, inspectAtMost);
  const share = records > 0 ? inspected / records : 0;
  return {
    stats: {
      records: inspected,
      batches: sum((r) => r.batches),
      logBytes: sum((r) => r.bytes),
      batchRecords: records,
      payloadBytes: sum((r) => r.payloadBytes) * share,
      keyedRecords: Math.round(sum((r) => r.keyedRecords) * share),
    },
    keys: reads.reduce((all, r) => (all.merge(r.keys), all), new KeySketch()),
    recordBytes: { ...recordBytes, points: reads.length },
    fetches: 0,
    nulls: 0,
    failures: 0,
    lastError: null,
  };
}

/**
 * The sampling source of one cluster. On the thread that planned, it reads through that
 * thread's connection; in a worker it opens its own, to a cluster known to answer.
 */
export function create(spec: SourceSpec, deps: SourceDeps): Promise<Source> {
  const own = deps.kafka ? null : new KafkaCluster(spec.connection, {
    ...tuningFor(spec.timeoutMs),
    knownReachable: true,
  });
  const cluster = deps.kafka ?? own!;
  return Promise.resolve({
    measure: (topics, progress) =>
      measureBySampling(cluster, spec.brokers, topics, {
        analysisTime: spec.analysisTime,
        samplingDays: spec.samplingDays,
        limits: spec.sampling,
        ...(progress ? { progress } : {}),
      }),
    close: async () => {
      await own?.close();
    },
  });
}

/**
 * Bytes per record of these topics from a sample of their windows alone (no hourly counts):
 * for sources that count records elsewhere (Prometheus with kafka_exporter's offsets).
 */
export async function sampleRecordBytes(
  cluster: KafkaCluster,
  brokers: readonly BrokerNode[],
  topics: readonly TopicPlan[],
  options: SamplingOptions,
): Promise<Map<string, TopicSample>> {
  if (topics.length === 0) return new Map();
  const { start, end } = topicWindows(topics, options.analysisTime, options.samplingDays);
  const nodes = new Map(brokers.map((b) => [b.nodeId, b]));
  const placeholder = brokers[0] ?? { nodeId: -1, host: "", port: 0 };
  const partitions: LeaderPartition[] = topics.flatMap((t) =>
    t.leaders.map((leader, partition) => ({
      topic: t.name,
      topicId: t.topicId,
      partition,
      leader: nodes.get(leader) ?? placeholder,
    }))
  );
  const [from, to, hw] = await Promise.all([
    cluster.offsets.at(partitions, BigInt(start)),
    cluster.offsets.at(partitions, BigInt(end)),
    cluster.offsets.at(partitions, LATEST),
  ]);
  const targets: SampleTarget[] = partitions.flatMap((p, i) => {
    if (from.failed.has(i) || to.failed.has(i) || hw.failed.has(i)) return [];
    const high = hw.offsets[i]!;
    const first = from.offsets[i]! < 0n ? high : from.offsets[i]!;
    const last = to.offsets[i]! < 0n ? high : to.offsets[i]!;
    return [{ ...p, startOffset: first, endOffset: last < first ? first : last }];
  });
  return await sampleTopics(cluster, targets, {
    limits: options.limits,
    ...(options.random ? { random: options.random } : {}),
  });
}
