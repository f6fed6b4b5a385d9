// Exact records per partition per hour: the offset at each hour boundary is the earliest
// offset whose timestamp is ≥ the boundary (the high watermark when there is none), and an
// hour's records are the difference of its two boundaries.
//
// ListOffsets by timestamp answers one boundary of one partition per lookup, and a 7-day
// window has 169 boundaries. So: the window's first and last boundary are looked up for every
// partition; a partition with no record between them needs nothing more; a light one (at most
// SCAN_RECORDS_PER_HOUR records an hour on average) is read once, record by record, which
// answers all its boundaries together (boundary_scan.ts); the rest, and whatever a read left
// open, get one lookup per boundary, batched per leader broker across partitions. A
// partition whose leader stays unreachable (after the retries of per_leader.ts) is reported
// as failed; the others get their offsets.
import { inLanes } from "../in_lanes.ts";
import { lookupLanes } from "./in_flight.ts";
import { type BoundaryScan, isOpen, startScan } from "./boundary_scan.ts";
import type { KafkaCluster } from "./cluster.ts";
import { EARLIEST, LATEST, type OffsetsAt } from "./list_offsets.ts";
import { type LeaderPartition, partitionKey, type PartitionRef, type Progress } from "./types.ts";
import {
  DEFAULT_SCAN_LIMITS,
  type ReadTotals,
  type ScanLimits,
  scanWindows,
  type WindowScan,
} from "./scan_windows.ts";

/**
 * ListOffsets rounds every partition gets, one request per leader each: the log start, the
 * high watermark, and the window's first and last boundary.
 */
export const WINDOW_LOOKUPS = 4;

/** Up to this many records an hour, reading a partition beats one lookup per boundary. */
export const SCAN_RECORDS_PER_HOUR = 8;

export interface HourlyOffsetsOptions {
  /** ListOffsets rounds in flight at once; by default as many as lookupLanes() allows. */
  concurrency?: number;
  /** Partitions up to this many records per hour of the window are read (0: never). */
  scanRecordsPerHour?: number;
  scanLimits?: ScanLimits;
  /** The share of the boundaries answered, as they are: by lookup rounds and whole reads. */
  progress?: Progress;
}

export interface BoundaryOffsets {
  /**
   * Offsets of every partition that could be read at each boundary (ascending epoch
   * milliseconds), keyed by partitionKey(): the earliest offset whose timestamp is ≥ the
   * boundary, or the high watermark when no record is that late.
   */
  offsets: Map<string, bigint[]>;
  /** partitionKey() → why that partition could not be read. */
  failed: Map<string, string>;
  /**
   * partitionKey() → the partition's log start offset: where retention (or DeleteRecords)
   * has cut its log, for the complete-hours rule (model.md).
   */
  logStarts: Map<string, bigint>;
  /**
   * partitionKey() → what its window's batches held, for each partition read whole by the
   * scan (a light one): a census of its bytes per record.
   */
  wholeReads: Map<string, ReadTotals>;
}

export async function boundaryOffsets(
  cluster: KafkaCluster,
  partitions: readonly LeaderPartition[],
  boundaries: readonly number[],
  options: HourlyOffsetsOptions = {},
): Promise<BoundaryOffsets> {
  const out: BoundaryOffsets = {
    offsets: new Map(),
    failed: new Map(),
    logStarts: new Map(),
    wholeReads: new Map(),
  };
  if (partitions.length === 0 || boundaries.length === 0) return out;
  const last = boundaries.length - 1;
  const [earliest, latest, atFirst, atLast] = await Promise.all([
    cluster.offsets.at(partitions, EARLIEST),
    cluster.offsets.at(partitions, LATEST),
    cluster.offsets.at(partitions, BigInt(boundaries[0]!)),
    cluster.offsets.at(partitions, BigInt(boundaries[last]!)),
  ]);
  const newest = await newestTimestamps(cluster, partitions, earliest, latest, [atFirst, atLast]);
  const scans: Boundaries[] = [];
  partitions.forEach((partition, i) => {
    const key = partitionKey(partition.topic, partition.partition);
    const why = failure(earliest, i) ?? failure(latest, i) ?? failure(atFirst, i) ??
      failure(atLast, i);
    if (why !== undefined) {
      out.failed.set(key, why);
      return;
    }
    const logStart = earliest.offsets[i]!;
    const hw = latest.offsets[i]!;
    out.logStarts.set(key, logStart);
    const answer = lookupAnswer(logStart, newest.get(i));
    const start = answer(atFirst.offsets[i]!, boundaries[0]!, hw);
    const end = answer(atLast.offsets[i]!, boundaries[last]!, hw);
    scans.push({
      partition,
      scan: startScan(boundaries, start, end < start ? start : end),
      answer,
    });
  });

  const perHour = options.scanRecordsPerHour ?? SCAN_RECORDS_PER_HOUR;
  const light = (s: BoundaryScan) => Number(s.end - s.offsets[0]!) <= perHour * Math.max(1, last);
  const open = scans.filter((s) => isOpen(s.scan));
  const toRead = open.filter((s) => light(s.scan));
  const toLookUp = open.filter((s) => !light(s.scan));
  // Each way's share of its work done, averaged over the ways this chunk uses.
  const shares = new Map<number, number>();
  if (toRead.length > 0) shares.set(0, 0);
  if (toLookUp.length > 0) shares.set(1, 0);
  const report = (way: number) => (f: number) => {
    shares.set(way, f);
    options.progress?.([...shares.values()].reduce((a, b) => a + b, 0) / shares.size);
  };
  await Promise.all([
    scanWindows(cluster, toRead, options.scanLimits ?? DEFAULT_SCAN_LIMITS, report(0)),
    lookUpOpen(cluster, toLookUp, out.failed, options.concurrency, report(1)),
  ]);
  await lookUpOpen(cluster, toRead.filter((s) => isOpen(s.scan)), out.failed, options.concurrency);

  for (const { partition, scan, whole } of scans) {
    const key = partitionKey(partition.topic, partition.partition);
    if (out.failed.has(key)) continue;
    out.offsets.set(key, scan.offsets as bigint[]);
    if (whole) out.wholeReads.set(key, whole);
  }
  return out;
}

function failure(answers: OffsetsAt, i: number): string | undefined {
  return answers.failed.get(i);
}

/** ListOffsets' timestamp for the record with the newest timestamp (Kafka 3.0+). */
const MAX_TIMESTAMP = -3n;

/**
 * The newest record timestamp of each partition whose log start was moved (retention,
 * DeleteRecords) and that answered "no record that late" (-1) at a window edge. After
 * DeleteRecords, until the broker's retention check removes the segments below the log
 * start, ListOffsets by timestamp answers -1 for timestamps whose first matching segment lies
 * below it: the records are there, and the answer must be the log start. Telling that from a
 * true "none that late" takes the newest timestamp; the usual case asks nothing.
 */
async function newestTimestamps(
  cluster: KafkaCluster,
  partitions: readonly LeaderPartition[],
  earliest: OffsetsAt,
  latest: OffsetsAt,
  edges: readonly OffsetsAt[],
): Promise<Map<number, bigint>> {
  const suspect = partitions.flatMap((_, i) => {
    const logStart = earliest.offsets[i]!;
    const moved = logStart > 0n && logStart < latest.offsets[i]!;
    return moved && edges.some((e) => e.offsets[i]! < 0n && !e.failed.has(i)) ? [i] : [];
  });
  const out = new Map<number, bigint>();
  if (suspect.length === 0) return out;
  // A broker too old for MAX_TIMESTAMP fails this: the answers then stand as given.
  const newest = await cluster.offsets.at(suspect.map((i) => partitions[i]!), MAX_TIMESTAMP)
    .catch(() => null);
  suspect.forEach((i, k) => {
    const ts = newest?.timestamps[k];
    if (newest && !newest.failed.has(k) && ts !== undefined && ts >= 0n) out.set(i, ts);
  });
  return out;
}

/**
 * How a ListOffsets-by-timestamp answer becomes an offset for a partition: -1 (none that
 * late) is the high watermark or the window's end, unless the partition holds records that
 * late (newest timestamp known), when it is the log start (see newestTimestamps).
 */
function lookupAnswer(logStart: bigint, newest: bigint | undefined) {
  return (offset: bigint, boundary: number, none: bigint): bigint =>
    offset >= 0n ? offset : newest !== undefined && newest >= BigInt(boundary) ? logStart : none;
}

/** A partition's scan, with how its ListOffsets answers read (lookupAnswer). */
interface Boundaries extends WindowScan {
  answer: (offset: bigint, boundary: number, none: bigint) => bigint;
}

/**
 * One ListOffsets round per boundary for the partitions that still have it open (one request
 * per leader broker each). The rounds do not depend on each other: all are in flight together
 * as far as lookupLanes() allows (a week's 167 at once for a chunk of a few hundred
 * partitions or fewer). A partition that fails one round is recorded in `failed` (its first
 * failure) and left out of the rounds not yet sent: its retries are spent.
 */
async function lookUpOpen(
  cluster: KafkaCluster,
  scans: readonly Boundaries[],
  failed: Map<string, string>,
  concurrency?: number,
  progress?: Progress,
): Promise<void> {
  const rounds: { index: number; scans: Boundaries[] }[] = [];
  const last = (scans[0]?.scan.boundaries.length ?? 0) - 1;
  for (let index = 1; index < last; index++) {
    const pending = scans.filter((s) => s.scan.offsets[index] === undefined);
    if (pending.length > 0) rounds.push({ index, scans: pending });
  }
  const keyOf = (s: WindowScan) => partitionKey(s.partition.topic, s.partition.partition);
  const widest = Math.max(0, ...rounds.map((r) => r.scans.length));
  let answered = 0;
  await inLanes(rounds, concurrency ?? lookupLanes(widest), async ({ index, scans: all }) => {
    const pending = all.filter((s) => !failed.has(keyOf(s)));
    if (pending.length > 0) await lookUp(cluster, pending, index, failed);
    progress?.(++answered / rounds.length);
  });
}

/** One boundary of these partitions, by ListOffsets; a partition that fails is noted. */
async function lookUp(
  cluster: KafkaCluster,
  pending: readonly Boundaries[],
  index: number,
  failed: Map<string, string>,
): Promise<void> {
  const found = await cluster.offsets.at(
    pending.map((s) => s.partition),
    BigInt(pending[0]!.scan.boundaries[index]!),
  );
  pending.forEach((s, k) => {
    const why = found.failed.get(k);
    const key = partitionKey(s.partition.topic, s.partition.partition);
    if (why !== undefined) {
      if (!failed.has(key)) failed.set(key, why);
      return;
    }
    // None that late (or only records appended since the window's end was looked up): the
    // answer is the window's end.
    const o = s.answer(found.offsets[k]!, s.scan.boundaries[index]!, s.scan.end);
    s.scan.offsets[index] = o > s.scan.end ? s.scan.end : o;
  });
}

/**
 * Records in each interval between consecutive boundary offsets. Never negative: retention
 * can move a partition's log start between two ListOffsets rounds.
 */
export function countsBetween(offsets: readonly bigint[]): number[] {
  // Each offset as a number (exact below 2^53), not a BigInt difference per hour.
  const counts = new Array<number>(Math.max(0, offsets.length - 1));
  for (let i = 0; i + 1 < offsets.length; i++) {
    counts[i] = Math.max(0, Number(offsets[i + 1]!) - Number(offsets[i]!));
  }
  return counts;
}

/**
 * Records per partition in each interval [boundaries[i], boundaries[i+1]), keyed by
 * partitionKey(); looks the leaders up first, and throws when a partition failed.
 */
export async function hourlyRecordCounts(
  cluster: KafkaCluster,
  partitions: readonly PartitionRef[],
  boundaries: readonly number[],
  options: HourlyOffsetsOptions = {},
): Promise<Map<string, number[]>> {
  const { offsets, failed } = await boundaryOffsets(
    cluster,
    await cluster.leadersOf(partitions),
    boundaries,
    options,
  );
  if (failed.size > 0) {
    throw new Error(`offsets could not be read: ${[...failed.values()].join("; ")}`);
  }
  return new Map([...offsets].map(([key, o]) => [key, countsBetween(o)]));
}
