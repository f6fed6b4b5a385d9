// The bounded sample of record batches that gives each topic's log bytes per record (and the
// payload bytes and keys the reports show), read by offset with no consumer group.
//
// The design (see _record_bytes.ts for the estimator it matches): sampling points are offsets
// spread evenly, from a random start, over the window's offsets of all the topic's partitions
// laid end to end, so each partition gets points in proportion to its records. At each point
// a run is read: every batch overlapping `width` offsets from the point, whole. A pilot of a
// few single-batch runs learns the topic's records and bytes per batch and per offset; the
// main sample then picks a width that reads a few dozen runs' worth of small batches per
// request, and as many runs as SAMPLING_BATCH_SIZE (records read) and a byte budget allow. A
// window that the record budget covers is read whole: a census.
//
// Requests: one Fetch per leader carries one run of each of up to 250 partitions; a
// partition's further runs go in further requests, all in flight together as far as the
// client's Fetch byte budget allows (kafka/in_flight.ts); a run the share
// did not cover goes on in the next round. A batch that did not fit a share is read again
// alone, in a request of its own, where the broker always returns the first batch whole
// however large (up to max.message.bytes). Partitions whose leader moved are retried after a
// metadata refresh (kafka/per_leader.ts). SAMPLING_TIMEOUT_SECONDS bounds each request;
// SAMPLING_MAX_CONSECUTIVE_NULLS gives a partition up after that many reads found nothing;
// SAMPLING_MAX_CONTINUOUS_FAILED_BATCHES stops a topic's sampling after that many reads
// failed.
import { KeySketch } from "../kafka/key_sketch.ts";
import type { SamplingLimits } from "./source.ts";
import { describeError } from "../describe_error.ts";
import { isRetriableCode, PartitionError, RequestTimeoutError } from "../kafka/errors.ts";
import {
  type FetchClient,
  type FetchedBatch,
  fetchFromLeader,
  NO_KEY,
  type PartitionFetch,
  type PartitionFetchResult,
  type RecordColumns,
} from "../kafka/fetch.ts";
import { type Answer, perLeader, type RetryContext } from "../kafka/per_leader.ts";
import type { BrokerNode, LeaderPartition, Progress } from "../kafka/types.ts";
import { seededRandom, seedOf } from "./_random.ts";
import type { SampleStats } from "../model/measurement.ts";
import {
  estimateFromCensus,
  estimateFromRuns,
  type ReadBatch,
  type RecordBytesEstimate,
  type Run,
} from "./_record_bytes.ts";

export interface SampleTarget extends LeaderPartition {
  /** The partition's offsets at the window's start and end. */
  startOffset: bigint;
  endOffset: bigint;
}

export interface TopicSample {
  stats: SampleStats;
  /** The distinct keys among the inspected records. */
  keys: KeySketch;
  /** Log bytes per record with its interval; null when no batch could be read. */
  recordBytes: RecordBytesEstimate | null;
  /** Partition reads answered by the broker. */
  fetches: number;
  /** Partition reads that found no batch. */
  nulls: number;
  /** Partition reads that failed, retries spent. */
  failures: number;
  lastError: string | null;
}

/** What sampling needs of a cluster (KafkaCluster). */
export type SamplingClient = FetchClient & RetryContext;

export interface SamplerOptions {
  limits: SamplingLimits;
  /** Points of the pilot per topic. */
  pilotPoints?: number;
  /** Points per topic at most. */
  maxPoints?: number;
  /** Bytes of batches one topic's sample may read. */
  maxBytes?: number;
  /** Partitions per Fetch request. */
  maxPartitionsPerRequest?: number;
  /** In [0, 1): where points fall; by default a sequence seeded from each topic's window. */
  random?: () => number;
  /** The share of the sample read: the pilot's points, then every point. */
  progress?: Progress;
}

/** A topic's sample reads at least this many records: a smaller window is read whole. */
export const MIN_SAMPLE_RECORDS = 2000;
const PILOT_POINTS = 8;
/** The share of a sample's work the pilot stands for, for progress: its reads are a round of 2. */
const PILOT_SHARE = 0.4;
const MAX_POINTS = 400;
/** 16 MiB: hundreds of points of ordinary batches, a dozen of the largest Kafka allows. */
const MAX_SAMPLE_BYTES = 16 * 1024 * 1024;
/**
 * A partition's share of a pilot request. Small: the broker fills a share with the batches
 * after the point too, which are decoded and thrown away; a batch larger than the share is
 * read alone instead.
 */
const FIRST_SHARE_BYTES = 1024;
/** The largest share of the main sample's requests. */
const MAX_SHARE_BYTES = 1024 * 1024;
/** A census reads on in shares of this size. */
const CENSUS_SHARE_BYTES = 256 * 1024;
/** A run reads about this many bytes: one request's worth of small batches. */
const RUN_BYTES = 64 * 1024;
/** Runs a topic's budget is spread over at least, so the interval has a spread to rest on. */
const MIN_RUNS = 256;
/** One Fetch response at most (the sum of the shares in it). */
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

interface TopicState {
  name: string;
  /** Partitions with offsets in the window. */
  targets: SampleTarget[];
  /** Offsets in the window, all partitions. */
  total: number;
  recordBudget: number;
  census: boolean;
  sample: TopicSample;
  /** Every run read (a census: one per read, its batches all the window's). */
  runs: Run[];
  bytesRead: number;
  /** Failed reads reached SAMPLING_MAX_CONTINUOUS_FAILED_BATCHES. */
  stopped: boolean;
  /** Bytes per partition share in a request. */
  shareBytes: number;
  /** Offsets a main-sample run covers. */
  width: number;
}

interface PartitionState {
  nulls: number;
  done: boolean;
}

/**
 * One read: the batches from the one holding `offset` to `runEnd` (in a census, to the
 * window's end), adding to `run`.
 */
interface Point extends LeaderPartition {
  target: SampleTarget;
  /** The topic's sampling state (`topic` is its name, for metadata refreshes). */
  owner: TopicState;
  offset: bigint;
  runEnd: bigint;
  run: Run;
  /** Its own request, where the broker returns the first batch whole, however large. */
  alone: boolean;
}

/**
 * Samples every topic of `targets`; the result has an entry for each topic, with the
 * estimate null when nothing could be read.
 */
export async function sampleTopics(
  client: SamplingClient,
  targets: readonly SampleTarget[],
  options: SamplerOptions,
): Promise<Map<string, TopicSample>> {
  const topics = topicStates(targets, options);
  // Each topic its own sequence, from its window's offsets: the same log gives the same sample.
  const randomOf = (t: TopicState) =>
    options.random ?? seededRandom(seedOf(
      `${t.name}\u0000${t.targets.map((p) => `${p.partition}:${p.startOffset}-${p.endOffset}`)}`,
    ));
  const partitions = new Map<SampleTarget, PartitionState>(
    targets.map((t) => [t, { nulls: 0, done: false }]),
  );
  const reader = new Reader(client, options, partitions);

  const censuses = topics.filter((t) => t.census);
  const samples = topics.filter((t) => !t.census && t.total > 0);
  await Promise.all([
    reader.census(censuses),
    (async () => {
      const pilot = Math.max(2, options.pilotPoints ?? PILOT_POINTS);
      const random = new Map(samples.map((t) => [t, randomOf(t)]));
      await reader.read(
        samples.flatMap((t) => spread(t, Math.min(pilot, t.total), 1, random.get(t)!)),
      );
      options.progress?.(PILOT_SHARE);
      await reader.read(
        samples.flatMap((t) => spread(t, mainPoints(t, options), t.width, random.get(t)!)),
      );
    })(),
  ]);
  options.progress?.(1);

  return new Map(topics.map((t) => {
    const estimate = t.census && t.sample.failures === 0
      ? estimateFromCensus(t.runs.flatMap((r) => r.batches))
      : estimateFromRuns(t.runs);
    return [t.name, { ...t.sample, recordBytes: estimate }];
  }));
}

/**
 * Records a topic's sample may read before SAMPLING_BATCH_SIZE: a tenth of its records in
 * the window, but at least MIN_SAMPLE_RECORDS (a smaller topic is read whole, or nearly):
 * fewer leave the interval of a topic with varied record sizes wide.
 */
export function sampleBudget(recordsInWindow: number): number {
  return Math.min(recordsInWindow, Math.max(MIN_SAMPLE_RECORDS, Math.ceil(recordsInWindow / 10)));
}

function topicStates(targets: readonly SampleTarget[], options: SamplerOptions): TopicState[] {
  const byName = new Map<string, TopicState>();
  for (const t of targets) {
    let s = byName.get(t.topic);
    if (!s) {
      s = {
        name: t.topic,
        targets: [],
        total: 0,
        recordBudget: 0,
        census: false,
        sample: {
          stats: {
            records: 0,
            batches: 0,
            logBytes: 0,
            batchRecords: 0,
            payloadBytes: 0,
            keyedRecords: 0,
          },
          keys: new KeySketch(),
          recordBytes: null,
          fetches: 0,
          nulls: 0,
          failures: 0,
          lastError: null,
        },
        runs: [],
        bytesRead: 0,
        stopped: false,
        shareBytes: FIRST_SHARE_BYTES,
        width: 1,
      };
      byName.set(t.topic, s);
    }
    const span = Number(t.endOffset - t.startOffset);
    if (span > 0) {
      s.targets.push(t);
      s.total += span;
    }
  }
  for (const s of byName.values()) {
    s.recordBudget = Math.min(options.limits.batchSize, sampleBudget(s.total));
    // A window the budget covers is read whole: exact, and no more reading than a sample.
    s.census = s.total > 0 && s.total <= s.recordBudget;
  }
  return [...byName.values()];
}

/**
 * `k` points spread over the topic's offsets (its partitions end to end): one at a random
 * offset in each of `k` equal strata, so every offset is equally likely to be a point. Not
 * one random start for all (systematic sampling): a log's layout repeats (a producer's
 * batches, an hour's records), and points a fixed step apart can all land on the same phase
 * of it, which the interval would not show.
 */
function spread(t: TopicState, k: number, width: number, random: () => number): Point[] {
  if (k <= 0 || t.stopped || t.total === 0) return [];
  const step = t.total / k;
  const points: Point[] = [];
  let target = 0;
  let before = 0;
  for (let i = 0; i < k; i++) {
    const at = Math.min(t.total - 1, Math.floor((i + random()) * step));
    while (before + Number(t.targets[target]!.endOffset - t.targets[target]!.startOffset) <= at) {
      before += Number(t.targets[target]!.endOffset - t.targets[target]!.startOffset);
      target++;
    }
    const p = t.targets[target]!;
    points.push(pointAt(t, p, p.startOffset + BigInt(at - before), width));
  }
  return points;
}

/**
 * A point of `target` starting a run of `width` offsets (a census: to the window's end), with
 * its own copy of the leader (a refresh replaces it there).
 */
function pointAt(owner: TopicState, target: SampleTarget, offset: bigint, width: number): Point {
  const end = offset + BigInt(width);
  const run: Run = {
    partition: `${target.topic}\u0000${target.partition}`,
    width,
    windowOffsets: Number(target.endOffset - target.startOffset),
    batches: [],
  };
  owner.runs.push(run);
  return {
    topic: target.topic,
    topicId: target.topicId,
    partition: target.partition,
    leader: target.leader,
    target,
    owner,
    offset,
    runEnd: owner.census || end > target.endOffset ? target.endOffset : end,
    run,
    alone: false,
  };
}

/**
 * Runs for the main sample, from what the pilot read: a width that reads about RUN_BYTES per
 * run (but keeps MIN_RUNS runs within the record budget), and as many runs as the record
 * budget and the byte budget allow, less the pilot's.
 */
function mainPoints(t: TopicState, options: SamplerOptions): number {
  const batches = t.runs.flatMap((r) => r.batches);
  if (t.stopped || batches.length === 0) return 0;
  const records = batches.reduce((s, b) => s + b.records, 0) / batches.length;
  const bytes = batches.reduce((s, b) => s + b.sizeBytes, 0) / batches.length;
  const offsets = batches.reduce((s, b) => s + b.nextOffset - b.baseOffset, 0) /
    batches.length;
  const perOffset = bytes / Math.max(1, offsets);
  t.width = Math.max(
    1,
    Math.min(
      Math.floor(RUN_BYTES / Math.max(1, perOffset)),
      Math.floor(t.recordBudget / MIN_RUNS - records),
    ),
  );
  // A run reads its width, plus the rest of the batch holding its first offset.
  const runRecords = t.width * records / Math.max(1, offsets) + records;
  const runBytes = t.width * perOffset + bytes;
  t.shareBytes = Math.max(
    FIRST_SHARE_BYTES,
    Math.min(MAX_SHARE_BYTES, Math.ceil(1.5 * runBytes + bytes)),
  );
  const wanted = Math.min(
    options.maxPoints ?? MAX_POINTS,
    Math.floor(t.recordBudget / runRecords),
    Math.floor((options.maxBytes ?? MAX_SAMPLE_BYTES) / runBytes),
    t.total,
  );
  return Math.max(0, wanted - t.runs.length);
}

class Reader {
  readonly #timeoutMs: number;

  constructor(
    private readonly client: SamplingClient,
    private readonly options: SamplerOptions,
    private readonly partitions: Map<SampleTarget, PartitionState>,
  ) {
    this.#timeoutMs = Math.max(1, options.limits.timeoutSeconds * 1000);
  }

  /** Reads the batch of every point, whole; a batch that did not fit is read again alone. */
  async read(points: Point[]): Promise<void> {
    let pending = points.filter((p) => this.#wanted(p));
    while (pending.length > 0) {
      const again: Point[] = [];
      const answers = await perLeader(
        this.client,
        pending,
        (leader, group) => this.#fetch(leader, group),
      );
      answers.forEach((a, i) => {
        const p = pending[i]!;
        if (!a.ok) return this.#failed(p, a.error);
        const next = this.#absorb(p, a.value);
        if (next === "alone") again.push({ ...p, alone: true });
        else if (typeof next === "bigint") again.push({ ...p, offset: next, alone: false });
      });
      pending = again.filter((p) => this.#wanted(p));
    }
  }

  /** Reads every batch of these topics' windows, partition by partition. */
  async census(topics: TopicState[]): Promise<void> {
    await this.read(
      topics.flatMap((t) => t.targets.map((target) => pointAt(t, target, target.startOffset, 1))),
    );
  }

  #wanted(p: Point): boolean {
    return !p.owner.stopped && !this.partitions.get(p.target)!.done;
  }

  /** One leader's points: one request per point of each partition, all in flight. */
  async #fetch(leader: BrokerNode, group: Point[]): Promise<Answer<PartitionFetchResult>[]> {
    // A partition's n-th point goes into a request of the n-th round of requests, so no
    // request names a partition twice; a point read alone has a request of its own.
    const requests: number[][] = [];
    const rounds: number[][][] = [];
    const seen = new Map<SampleTarget, number>();
    const perRequest = this.options.maxPartitionsPerRequest ?? 250;
    group.forEach((p, i) => {
      if (p.alone) {
        requests.push([i]);
        return;
      }
      const n = seen.get(p.target) ?? 0;
      seen.set(p.target, n + 1);
      const round = rounds[n] ??= [];
      const last = round.at(-1);
      if (last && last.length < perRequest) last.push(i);
      else round.push([i]);
    });
    for (const round of rounds) requests.push(...round);
    const answers = new Array<Answer<PartitionFetchResult>>(group.length);
    await Promise.all(requests.map(async (indexes) => {
      const points = indexes.map((i) => group[i]!);
      let results: (PartitionFetchResult | undefined)[];
      try {
        results = await fetchFromLeader(
          this.client,
          leader,
          points.map((p): PartitionFetch => ({
            topic: p.target.topic,
            topicId: p.target.topicId,
            partition: p.target.partition,
            offset: p.offset,
            // Alone, the first batch comes back whole whatever the share: ask for no more.
            maxBytes: p.alone ? 1 : p.owner.census ? CENSUS_SHARE_BYTES : p.owner.shareBytes,
          })),
          // The timeout runs from when the request may go (the client's Fetch byte budget).
          { maxBytes: MAX_RESPONSE_BYTES, bound: (work) => this.#bounded(work) },
        );
      } catch (error) {
        for (const i of indexes) answers[i] = { ok: false, error };
        return;
      }
      indexes.forEach((i, k) => {
        const r = results[k];
        answers[i] = r === undefined
          ? { ok: false, error: new Error("the broker left the partition out of its answer") }
          : r.errorCode !== 0 && isRetriableCode(r.errorCode)
          ? {
            ok: false,
            error: new PartitionError(r.errorCode, `Fetch for ${r.topic}[${r.partition}]`),
          }
          : { ok: true, value: r };
      });
    }));
    return answers;
  }

  /**
   * Takes what one read returned: "alone" when the point's batch must be read on its own,
   * the offset to go on from when the share ended before the run did, else "done".
   */
  #absorb(p: Point, r: PartitionFetchResult): "done" | "alone" | bigint {
    const t = p.owner;
    const partition = this.partitions.get(p.target)!;
    // The leader may have moved during the read: later points start at the new one.
    p.target.leader = p.leader;
    t.sample.fetches++;
    const batches = r.errorCode === 0
      ? r.batches.filter((b) => b.nextOffset > p.offset && b.baseOffset < p.runEnd)
      : [];
    if (batches.length === 0) {
      // Records are there but no whole batch fitted the share: read it alone.
      if (r.errorCode === 0 && !p.alone && p.offset < r.highWatermark) return "alone";
      t.sample.nulls++;
      partition.nulls++;
      if (partition.nulls >= this.options.limits.maxConsecutiveNulls) partition.done = true;
      // A census or a run cannot read past a point that gives nothing.
      return "done";
    }
    partition.nulls = 0;
    for (const b of batches) this.#observe(p, b, r.records);
    const last = BigInt(r.batches.at(-1)!.nextOffset);
    return last < p.runEnd && last < r.highWatermark ? last : "done";
  }

  #observe(p: Point, b: FetchedBatch, records: RecordColumns): void {
    const t = p.owner;
    const start = Number(p.target.startOffset);
    const batch: ReadBatch = {
      sizeBytes: b.sizeBytes,
      records: b.recordCount,
      baseOffset: b.baseOffset - start,
      nextOffset: b.nextOffset - start,
    };
    p.run.batches.push(batch);
    t.bytesRead += b.sizeBytes;
    const stats = t.sample.stats;
    stats.batches++;
    stats.logBytes += b.sizeBytes;
    stats.batchRecords += b.recordCount;
    // Records are inspected (payload and keys) while the budget lasts: whole batches, and
    // the first records of the one that would pass it.
    const left = t.recordBudget - stats.records;
    if (b.control || left <= 0) return;
    if (b.recordCount <= left) {
      stats.records += b.recordCount;
      stats.payloadBytes += b.payloadBytes;
      stats.keyedRecords += b.keyedRecords;
      for (let row = b.firstRow; row < b.endRow; row++) {
        if (records.keyHashes[row] !== NO_KEY) t.sample.keys.addHash(records.keyHashes[row]!);
      }
      return;
    }
    for (let row = b.firstRow; row < b.firstRow + left && row < b.endRow; row++) {
      stats.records++;
      stats.payloadBytes += records.keyBytes[row]! + records.valueBytes[row]! +
        records.headerBytes[row]!;
      const h = records.keyHashes[row]!;
      if (h !== NO_KEY) {
        stats.keyedRecords++;
        t.sample.keys.addHash(h);
      }
    }
  }

  #failed(p: Point, error: unknown): void {
    const t = p.owner;
    t.sample.failures++;
    t.sample.lastError = describeError(error);
    if (t.sample.failures >= this.options.limits.maxContinuousFailedBatches) t.stopped = true;
  }

  /** SAMPLING_TIMEOUT_SECONDS, as a timeout the retries know (a stalled leader). */
  async #bounded<T>(work: Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ms = this.#timeoutMs;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new RequestTimeoutError(`fetch timed out after ${ms / 1000} s`)),
        ms,
      );
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
