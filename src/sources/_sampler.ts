// The bounded sampling loop: reads a few record batches at points spread across each
// partition's window (one bounded fetch per point, never every record), in rounds where one
// Fetch per leader broker carries every partition still sampling. SAMPLING_* limits bound it: records inspected
// per topic, empty fetches in a row per partition, the time of one fetch, and failed
// fetches in a row per topic. A partition whose leader may be moving (a retriable error
// code, a lost or refused connection, a fetch that timed out) is read again after a backoff
// and a metadata refresh, until the cluster's retry budget runs out; only timeouts and other
// errors count as failed fetches, a leader handing over does not.
import { inLanes } from "../in_lanes.ts";
import type { SamplingLimits } from "../config/types.ts";
import { describeError } from "../describe_error.ts";
import { errorCodeName, isRetriable, isRetriableCode } from "../kafka/errors.ts";
import {
  type FetchClient,
  fetchFromLeader,
  type PartitionFetch,
  type PartitionFetchResult,
} from "../kafka/fetch.ts";
import { type RetryContext, retryDelayMs } from "../kafka/per_leader.ts";
import { groupByLeader, type LeaderPartition } from "../kafka/types.ts";
import type { SampleStats } from "../model/measurement.ts";

/** What sampling needs of a cluster (KafkaCluster). */
export type SamplingClient =
  & FetchClient
  & Pick<RetryContext, "refreshLeaders" | "suspect" | "retryBudgetMs">;

export interface SampleTarget extends LeaderPartition {
  /** The partition's offsets at the window's start and end. */
  startOffset: bigint;
  endOffset: bigint;
}

export interface TopicSample {
  stats: SampleStats;
  /** Partition reads answered by the broker. */
  fetches: number;
  /** Partition reads that returned no record. */
  nulls: number;
  /** Fetch requests that failed or timed out. */
  failures: number;
  lastError: string | null;
}

export interface SamplerOptions {
  limits: SamplingLimits;
  /** Sampling points per partition, spread evenly over its window. */
  pointsPerPartition?: number;
  /** Partitions per Fetch request. */
  maxPartitionsPerRequest?: number;
}

interface TopicState {
  sample: TopicSample;
  /** Records this topic may still inspect. */
  remaining: number;
  failedInRow: number;
  stopped: boolean;
}

interface PartitionState {
  target: SampleTarget;
  topic: TopicState;
  points: bigint[];
  point: number;
  cursor: bigint;
  /** Records this point may still inspect. */
  pointLeft: number;
  pointBudget: number;
  nulls: number;
  done: boolean;
  /** The least this partition's fetches ask for; grows when a batch did not fit. */
  minBytes: number;
  /** Its leader may be moving: refresh it before reading again. */
  moving: boolean;
  /** Refreshes since it last read well, for the backoff. */
  refreshes: number;
  /** When its reads started failing (epoch ms), for the retry budget; null while they work. */
  failingSince: number | null;
}

const MIN_FETCH_BYTES = 1024;
const MAX_FETCH_BYTES = 1024 * 1024;
/** Batches can be as large as the topic's max.message.bytes; 16 MiB covers what clusters allow by default. */
const GROWN_FETCH_BYTES = 16 * 1024 * 1024;

export async function sampleTopics(
  client: SamplingClient,
  targets: readonly SampleTarget[],
  options: SamplerOptions,
): Promise<Map<string, TopicSample>> {
  const { topics, partitions } = initialState(targets, options);
  const timeoutMs = Math.max(1, options.limits.timeoutSeconds * 1000);
  const perRequest = options.maxPartitionsPerRequest ?? 250;
  for (;;) {
    const open = partitions.filter((s) => !s.done && !s.topic.stopped && s.topic.remaining > 0);
    if (open.length === 0) break;
    const moving = open.filter((s) => s.moving);
    if (moving.length > 0) await followLeaders(client, moving);
    const active = open.filter((s) => !s.moving);
    if (active.length === 0) continue;
    const requests: PartitionState[][] = [];
    for (const group of groupByLeader(active, (s) => s.target.leader)) {
      for (let i = 0; i < group.length; i += perRequest) {
        requests.push(group.slice(i, i + perRequest));
      }
    }
    // Two requests in flight: the broker stays busy, and at most two decoded responses
    // are held at once (each can carry hundreds of partitions' batches).
    await inLanes(requests, 2, (group) => fetchRound(client, group, timeoutMs, options));
  }
  return new Map([...topics].map(([name, t]) => [name, t.sample]));
}

/**
 * One metadata refresh for the partitions whose leader may be moving, after a backoff; they
 * are read again at whichever broker leads them now, unless the retry budget has run out.
 */
async function followLeaders(client: SamplingClient, moving: PartitionState[]): Promise<void> {
  const attempt = Math.min(...moving.map((s) => s.refreshes));
  await new Promise((r) => setTimeout(r, retryDelayMs(attempt)));
  // A refresh that fails leaves the leaders as they were; the budget still runs out.
  await client.refreshLeaders(moving.map((s) => s.target)).catch(() => {});
  const now = Date.now();
  for (const s of moving) {
    s.refreshes++;
    if (now - (s.failingSince ?? now) > client.retryBudgetMs) {
      s.done = true;
      s.topic.sample.lastError = `${s.target.topic}[${s.target.partition}]: its leader stayed ` +
        `unreachable for ${Math.round(client.retryBudgetMs / 1000)} s`;
    }
    s.moving = false;
  }
}

/** Marks a partition whose leader may be moving (see followLeaders). */
function startMoving(s: PartitionState): void {
  s.moving = true;
  s.failingSince ??= Date.now();
}

function initialState(targets: readonly SampleTarget[], options: SamplerOptions) {
  const points = options.pointsPerPartition ?? 4;
  const topics = new Map<string, TopicState>();
  const available = new Map<string, number>();
  for (const t of targets) {
    available.set(
      t.topic,
      (available.get(t.topic) ?? 0) + Math.max(0, Number(t.endOffset - t.startOffset)),
    );
  }
  const partitions: PartitionState[] = [];
  for (const t of targets) {
    const total = available.get(t.topic) ?? 0;
    let topic = topics.get(t.topic);
    if (!topic) {
      topic = {
        sample: {
          stats: {
            records: 0,
            batches: 0,
            logBytes: 0,
            batchRecords: 0,
            payloadBytes: 0,
            keyedRecords: 0,
          },
          fetches: 0,
          nulls: 0,
          failures: 0,
          lastError: null,
        },
        remaining: Math.min(options.limits.batchSize, sampleBudget(total)),
        failedInRow: 0,
        stopped: false,
      };
      topics.set(t.topic, topic);
    }
    const span = Number(t.endOffset - t.startOffset);
    if (span <= 0 || total === 0) continue;
    const k = Math.min(points, span);
    const partitionBudget = Math.max(1, Math.round(topic.remaining * span / total));
    const pointBudget = Math.max(1, Math.ceil(partitionBudget / k));
    const spread = Array.from(
      { length: k },
      (_, i) => t.startOffset + BigInt(Math.floor(((i + 0.5) * span) / k)),
    );
    partitions.push({
      target: t,
      topic,
      points: spread,
      point: 0,
      cursor: spread[0]!,
      pointLeft: pointBudget,
      pointBudget,
      nulls: 0,
      done: false,
      minBytes: MIN_FETCH_BYTES,
      moving: false,
      refreshes: 0,
      failingSince: null,
    });
  }
  return { topics, partitions };
}

async function fetchRound(
  client: SamplingClient,
  group: PartitionState[],
  timeoutMs: number,
  options: SamplerOptions,
): Promise<void> {
  const requests: PartitionFetch[] = group.map((s) => ({
    topic: s.target.topic,
    topicId: s.target.topicId,
    partition: s.target.partition,
    offset: s.cursor,
    maxBytes: fetchBytes(s),
  }));
  let results: (PartitionFetchResult | undefined)[];
  try {
    results = await withTimeout(
      fetchFromLeader(client, group[0]!.target.leader, requests),
      timeoutMs,
    );
  } catch (e) {
    // The broker may be gone, stalled or handing over: ask metadata who leads now. A lost
    // connection is the leader moving; a timeout or another error is a failed fetch.
    const timedOut = e instanceof SampleTimeoutError;
    const moved = !timedOut && isRetriable(e);
    if (timedOut || moved) {
      client.suspect(group[0]!.target.leader);
      for (const s of group) startMoving(s);
    }
    const topics = new Set(group.map((s) => s.topic));
    for (const topic of topics) {
      topic.sample.lastError = describeError(e);
      if (moved) continue;
      topic.failedInRow++;
      topic.sample.failures++;
      if (topic.failedInRow >= options.limits.maxContinuousFailedBatches) topic.stopped = true;
    }
    return;
  }
  for (const topic of new Set(group.map((s) => s.topic))) topic.failedInRow = 0;
  group.forEach((s, i) => {
    const r = results[i];
    if (r) absorb(s, r, options.limits);
  });
}

/** Takes what one fetch returned for a partition into its topic's sample. */
function absorb(s: PartitionState, r: PartitionFetchResult, limits: SamplingLimits): void {
  if (r.errorCode !== 0 && isRetriableCode(r.errorCode)) {
    // Its leader moved: the same point again, from the new leader.
    startMoving(s);
    s.topic.sample.lastError = `${s.target.topic}[${s.target.partition}]: ${
      errorCodeName(r.errorCode)
    }`;
    return;
  }
  s.refreshes = 0;
  s.failingSince = null;
  s.topic.sample.fetches++;
  const withRecords = r.errorCode === 0
    ? r.batches.filter((b) => !b.control && b.records.length > 0)
    : [];
  if (
    r.errorCode === 0 && r.batches.length === 0 && s.cursor < r.highWatermark &&
    s.minBytes < GROWN_FETCH_BYTES
  ) {
    // Records are there but no whole batch fitted (the broker only stretches the limit for
    // the first partition of a response): ask again for this point with room for one.
    s.minBytes = Math.min(GROWN_FETCH_BYTES, s.minBytes * 4);
    return;
  }
  if (withRecords.length === 0) {
    s.topic.sample.nulls++;
    s.nulls++;
    if (s.nulls >= limits.maxConsecutiveNulls) s.done = true;
    else nextPoint(s);
    return;
  }
  s.nulls = 0;
  const stats = s.topic.sample.stats;
  for (const [i, b] of withRecords.entries()) {
    // The first batch is inspected whole (it is decoded anyway, and whole batches give the
    // truest bytes per record); later ones only up to the point's share.
    const take = Math.min(b.records.length, i === 0 ? Infinity : s.pointLeft, s.topic.remaining);
    if (take <= 0) break;
    stats.batches++;
    stats.logBytes += b.sizeBytes;
    stats.batchRecords += b.recordCount;
    for (const rec of b.records.slice(0, take)) {
      stats.records++;
      stats.payloadBytes += (rec.key?.length ?? 0) + (rec.value?.length ?? 0) + rec.headerBytes;
      if (rec.key !== null) stats.keyedRecords++;
    }
    s.pointLeft -= take;
    s.topic.remaining -= take;
    s.cursor = b.nextOffset;
  }
  // One fetch per point: the sample stays spread over the window instead of reading on.
  nextPoint(s);
}

/**
 * Records a topic's sample may inspect before SAMPLING_BATCH_SIZE: a tenth of its records
 * in the window, but at least 200 (a small topic is read whole). Bytes per record settle
 * long before that; reading more only costs memory and time.
 */
export function sampleBudget(recordsInWindow: number): number {
  return recordsInWindow <= 200 ? recordsInWindow : Math.max(200, Math.ceil(recordsInWindow / 10));
}

function nextPoint(s: PartitionState): void {
  s.point++;
  const start = s.points[s.point];
  if (start === undefined || s.cursor >= s.target.endOffset) {
    s.done = true;
    return;
  }
  s.cursor = start > s.cursor ? start : s.cursor;
  s.pointLeft = s.pointBudget;
}

/** Enough bytes for this point's remaining records at the topic's bytes per record so far. */
function fetchBytes(s: PartitionState): number {
  const st = s.topic.sample.stats;
  const perRecord = st.batchRecords > 0 ? st.logBytes / st.batchRecords : 256;
  const want = Math.ceil(Math.min(s.pointLeft, s.topic.remaining) * perRecord * 1.2) + 1024;
  return Math.max(s.minBytes, Math.min(MAX_FETCH_BYTES, Math.max(MIN_FETCH_BYTES, want)));
}

class SampleTimeoutError extends Error {
  override name = "SampleTimeoutError";
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new SampleTimeoutError(`fetch timed out after ${ms / 1000} s`)),
      ms,
    );
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
