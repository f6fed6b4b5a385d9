// The deterministic record plan of a profile: which records each hour of each topic holds
// (count, partition, key, value size, timestamp), and how the seeder groups them into produce
// requests and so into the log's record batches. The seeder writes exactly this plan and the
// ground truth counts it, so the two can never disagree.
import {
  maxMessageBytes,
  RECORD_HEADROOM_BYTES,
  SHARE_TOLERANCE,
  type TopicProfile,
  type TrafficProfile,
  type WorkloadProfile,
} from "./profile.ts";
import { drawValueBytes } from "./sizes.ts";
import { seededRandom, seedOf } from "../../src/sources/_random.ts";

export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;

export interface PlannedRecord {
  partition: number;
  /** Null for unkeyed records. */
  key: string | null;
  valueBytes: number;
  timestamp: number;
}

/** The profile's hours: `days × 24` complete UTC hours ending at `anchor` (exclusive). */
export function profileHours(profile: WorkloadProfile, anchor: number): number[] {
  if (anchor % HOUR_MS !== 0) throw new RangeError("the anchor must be a whole UTC hour");
  const count = profile.days * 24;
  return Array.from({ length: count }, (_, j) => anchor - (count - j) * HOUR_MS);
}

/** Records the profile declares for `topic` in the hour starting at `hourStart`. */
export function recordsInHour(
  profile: WorkloadProfile,
  topic: TopicProfile,
  anchor: number,
  hourStart: number,
): number {
  const t = topic.traffic;
  if (!t) return 0;
  const activeHours = Math.round((t.days ?? profile.days) * 24);
  const firstActive = anchor - activeHours * HOUR_MS;
  if (hourStart < firstActive || hourStart >= anchor) return 0;
  const day = Math.floor((hourStart - firstActive) / (24 * HOUR_MS));
  const hourOfDay = new Date(hourStart).getUTCHours();
  const peak = t.dailyPeak && t.dailyPeak.hourUtc === hourOfDay ? t.dailyPeak.multiplier : 1;
  return Math.round(t.recordsPerHour * peak * (1 + (t.growthPerDay ?? 0)) ** day);
}

/** A burst as it applies to one hour: `share` of its records in `minute`. */
export interface HourBurst {
  minute: number;
  share: number;
}

/**
 * The topic's `minuteBursts` that apply to the hour starting at `hourStart`, in profile
 * order; throws when their shares add up to more than 1.
 */
export function burstsInHour(
  topic: TopicProfile,
  anchor: number,
  hourStart: number,
): HourBurst[] {
  const bursts = topic.traffic?.minuteBursts;
  if (!bursts || bursts.length === 0) return [];
  const hourOfDay = new Date(hourStart).getUTCHours();
  const out = bursts.filter((b) =>
    b.hoursAgo !== undefined
      ? hourStart === anchor - b.hoursAgo * HOUR_MS
      : b.hourUtc === undefined || b.hourUtc === hourOfDay
  ).map((b) => ({ minute: b.minute, share: b.share }));
  if (out.reduce((s, b) => s + b.share, 0) > 1 + SHARE_TOLERANCE) {
    throw new RangeError(
      `${topic.name}: the minute bursts of the hour ${new Date(hourStart).toISOString()} ` +
        "have shares adding up to more than 1",
    );
  }
  return out;
}

/**
 * The timestamps of an hour's `n` records, ascending. Without bursts, record i is at
 * hourStart + ⌊(i + ½) × 1 h / n⌋: spread evenly, never on the next hour's boundary (what
 * every profile wrote before bursts existed). With bursts, burst k takes
 * round(n × Σ_{j≤k} share_j) − round(n × Σ_{j<k} share_j) records (so they never add up to
 * more than n), spread the same way inside its minute; the rest are spread evenly over the
 * whole hour as before, and the two are merged in time order.
 */
export function hourTimestamps(
  n: number,
  hourStart: number,
  bursts: readonly HourBurst[] = [],
): number[] {
  const even = (count: number, from: number, span: number) =>
    Array.from({ length: count }, (_, i) => from + Math.floor(((i + 0.5) * span) / count));
  if (bursts.length === 0) return even(n, hourStart, HOUR_MS);
  const out: number[] = [];
  let cumulative = 0;
  let taken = 0;
  for (const b of bursts) {
    cumulative += b.share;
    const upTo = Math.min(n, Math.round(n * cumulative));
    out.push(...even(upTo - taken, hourStart + b.minute * MINUTE_MS, MINUTE_MS));
    taken = upTo;
  }
  out.push(...even(n - taken, hourStart, HOUR_MS));
  return out.sort((a, b) => a - b);
}

/** Every record of one hour of one topic, in timestamp order. */
export function planHour(
  profile: WorkloadProfile,
  topic: TopicProfile,
  anchor: number,
  hourStart: number,
): PlannedRecord[] {
  const t = topic.traffic;
  const n = recordsInHour(profile, topic, anchor, hourStart);
  if (!t || n === 0) return [];
  const rng = mulberry32(seedOf(`${profile.seed}:${planName(topic)}:${hourStart}`));
  const hourIndex = Math.floor(hourStart / HOUR_MS);
  const bursts = burstsInHour(topic, anchor, hourStart);
  // Only an hour with bursts differs from the plan every profile had before them.
  const stamps = bursts.length > 0 ? hourTimestamps(n, hourStart, bursts) : null;
  const out: PlannedRecord[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const keyIndex = chooseKey(t, rng);
    out[i] = {
      partition: keyIndex === null
        ? (i + hourIndex) % topic.partitions
        : keyIndex % topic.partitions,
      key: keyIndex === null
        ? null
        : keyIndex === 0 && t.keys.kind === "hot"
        ? "hot-key"
        : `key-${keyIndex}`,
      valueBytes: drawValueBytes(t.valueBytes, rng),
      // Spread evenly inside the hour, never on the next hour's boundary (hourTimestamps()).
      timestamp: stamps ? stamps[i]! : hourStart + Math.floor(((i + 0.5) * HOUR_MS) / n),
    };
  }
  return out;
}

/** The seeder's default payload per produce request (Σ value bytes + 64 per record). */
export const DEFAULT_CHUNK_BYTES = 512 * 1024;
/** Upper bound on one produce request of mixed batches (it may hold a batch per partition). */
const REQUEST_BOUND_BYTES = 8 * 1024 * 1024;
/** The record batch header (v2), before its records. */
export const BATCH_HEADER_BYTES = 61;

/**
 * The instant a topic's `deleteBefore` cuts its log at (anchor − hoursAgo, to the
 * millisecond), or null when it has none. Every record with an earlier timestamp is deleted.
 */
export function deletionCut(
  topic: Pick<TopicProfile, "deleteBefore">,
  anchor: number,
): number | null {
  return topic.deleteBefore ? anchor - Math.round(topic.deleteBefore.hoursAgo * HOUR_MS) : null;
}

/** Key and header bytes the seeder writes with a record (the value's are `valueBytes`). */
export function keyAndHeaderBytes(r: PlannedRecord, headers: number): number {
  let bytes = r.key?.length ?? 0;
  for (let h = 0; h < headers; h++) bytes += `h${h}`.length + "seed".length;
  return bytes;
}

/**
 * A write of one hour of a topic: produce requests in order, each a list of indices into the
 * hour's planHour() records. The broker stores each request's records of one partition as one
 * record batch (the client builds one batch per partition per request), so the requests
 * decide the log's batches; planBatches() lists them.
 *
 * Without `batching` (every profile before it existed), records fill a request in plan order
 * until Σ (value bytes + 64) reaches `chunkBytes`, and the hour's last request is flushed, as
 * a busy producer that never mixes hours in a batch would. With `batching`, each partition's
 * records of each hour are cut, in order, into one-record batches and bigger ones: a share
 * `oneRecordShare` of them (rounded up or down at random to whole records, so exactly that
 * share on average) goes in one-record batches, the rest in as few batches of at most
 * `batchRecords` as it takes, of even sizes, the two kinds in a random order. Request k then
 * holds the k-th batch of every partition.
 *
 * Both: a topic with `deleteBefore` also ends its batches at the cut, so the log start lands
 * on a batch boundary; no batch exceeds the topic's max.message.bytes (a record too big to
 * join the pending ones goes in a request after them), and a record of `chunkBytes` or more
 * is a one-record batch, alone in its request without `batching` (a producer sends a
 * record bigger than its batch size in a batch of its own).
 */
export function planRequests(
  profile: WorkloadProfile,
  topic: TopicProfile,
  anchor: number,
  hourStart: number,
  records: readonly PlannedRecord[] = planHour(profile, topic, anchor, hourStart),
  chunkBytes = DEFAULT_CHUNK_BYTES,
): number[][] {
  if (records.length === 0) return [];
  const cut = deletionCut(topic, anchor);
  const split = cut === null || cut <= hourStart || cut >= hourStart + HOUR_MS
    ? records.length
    : records.findIndex((r) => r.timestamp >= cut);
  const parts: [number, number][] = split > 0 && split < records.length
    ? [[0, split], [split, records.length]]
    : [[0, records.length]];
  const headers = topic.traffic?.headers ?? 0;
  // What a batch may hold, with the bound of each record (framing, key, headers, value).
  const budget = maxMessageBytes(topic) - RECORD_HEADROOM_BYTES;
  const bound = (r: PlannedRecord) =>
    r.valueBytes + keyAndHeaderBytes(r, headers) + 36 + 10 * headers;
  const requests: number[][] = [];
  if (!topic.batching) {
    for (const [from, to] of parts) {
      let pending: number[] = [];
      let pendingBytes = 0;
      let pendingBound = BATCH_HEADER_BYTES;
      for (let i = from; i < to; i++) {
        const r = records[i]!;
        // A record of a whole request's size goes alone (a producer sends a record bigger
        // than its batch size as a batch of its own); none joins a batch it would overfill.
        const alone = r.valueBytes + 64 >= chunkBytes;
        if (pending.length > 0 && (alone || pendingBound + bound(r) > budget)) {
          requests.push(pending);
          pending = [];
          pendingBytes = 0;
          pendingBound = BATCH_HEADER_BYTES;
        }
        pending.push(i);
        pendingBytes += r.valueBytes + 64;
        pendingBound += bound(r);
        if (pendingBytes >= chunkBytes) {
          requests.push(pending);
          pending = [];
          pendingBytes = 0;
          pendingBound = BATCH_HEADER_BYTES;
        }
      }
      if (pending.length > 0) requests.push(pending);
    }
    return requests;
  }
  const { oneRecordShare: share, batchRecords: most } = topic.batching;
  const rng = mulberry32(
    seedOf(`${profile.seed}:${planName(topic)}:${hourStart}:batches`),
  );
  const batchBudget = Math.min(budget, chunkBytes);
  for (const [from, to] of parts) {
    const byPartition = new Map<number, number[]>();
    for (let i = from; i < to; i++) {
      const p = records[i]!.partition;
      const list = byPartition.get(p);
      if (list) list.push(i);
      else byPartition.set(p, [i]);
    }
    // Each partition's batches, in order; then request k takes the k-th of each.
    const batches = [...byPartition.values()].map((list) => {
      const singles = Math.min(list.length, Math.floor(share * list.length + rng()));
      const rest = list.length - singles;
      const multis = Math.ceil(rest / most);
      // The kinds of batch in a random order: true for a one-record batch.
      const kinds = [
        ...new Array<boolean>(singles).fill(true),
        ...new Array<boolean>(multis).fill(false),
      ];
      for (let i = kinds.length - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
      }
      const out: number[][] = [];
      let k = 0;
      let multi = 0;
      for (const single of kinds) {
        // The many-record batches share the rest as evenly as they can.
        const size = single ? 1 : Math.floor((rest * (multi + 1)) / multis) -
          Math.floor((rest * multi) / multis);
        if (!single) multi++;
        let batch: number[] = [];
        let bytes = BATCH_HEADER_BYTES;
        for (const i of list.slice(k, k + size)) {
          const next = bound(records[i]!);
          if (batch.length > 0 && bytes + next > batchBudget) {
            out.push(batch);
            batch = [];
            bytes = BATCH_HEADER_BYTES;
          }
          batch.push(i);
          bytes += next;
        }
        k += size;
        out.push(batch);
      }
      return out;
    });
    const rounds = Math.max(...batches.map((b) => b.length));
    for (let round = 0; round < rounds; round++) {
      let request: number[] = [];
      let bytes = 0;
      for (const partitionBatches of batches) {
        const batch = partitionBatches[round];
        if (!batch) continue;
        const size = batch.reduce((sum, i) => sum + bound(records[i]!), BATCH_HEADER_BYTES);
        if (request.length > 0 && bytes + size > REQUEST_BOUND_BYTES) {
          requests.push(request);
          request = [];
          bytes = 0;
        }
        request.push(...batch);
        bytes += size;
      }
      if (request.length > 0) requests.push(request);
    }
  }
  return requests;
}

export interface PlannedBatch {
  partition: number;
  /** Indices into the hour's planHour() records, in offset order. */
  records: number[];
}

/** The record batches one hour of a topic puts in the log, in write order (planRequests()). */
export function planBatches(
  profile: WorkloadProfile,
  topic: TopicProfile,
  anchor: number,
  hourStart: number,
  records: readonly PlannedRecord[] = planHour(profile, topic, anchor, hourStart),
  chunkBytes = DEFAULT_CHUNK_BYTES,
): PlannedBatch[] {
  const out: PlannedBatch[] = [];
  for (const request of planRequests(profile, topic, anchor, hourStart, records, chunkBytes)) {
    const byPartition = new Map<number, number[]>();
    for (const i of request) {
      const p = records[i]!.partition;
      const list = byPartition.get(p);
      if (list) list.push(i);
      else byPartition.set(p, [i]);
    }
    for (const [partition, list] of byPartition) out.push({ partition, records: list });
  }
  return out;
}

/** The name a topic's plan is generated under: its own, or the one before withTopicPrefix(). */
function planName(topic: Pick<TopicProfile, "name" | "planName">): string {
  return topic.planName ?? topic.name;
}

function chooseKey(t: TrafficProfile, rng: () => number): number | null {
  switch (t.keys.kind) {
    case "none":
      return null;
    case "uniform":
      return Math.floor(rng() * t.keys.cardinality);
    case "hot":
      return rng() < t.keys.hotShare ? 0 : 1 + Math.floor(rng() * (t.keys.cardinality - 1));
  }
}

/**
 * A small, fast, seedable PRNG (mulberry32, the sampler's own): the plan must be identical on
 * every run and machine.
 */
export const mulberry32 = seededRandom;
