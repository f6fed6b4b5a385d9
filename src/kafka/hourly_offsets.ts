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
import { type BoundaryScan, isOpen, startScan } from "./boundary_scan.ts";
import type { KafkaCluster } from "./cluster.ts";
import { LATEST, type OffsetsAt } from "./list_offsets.ts";
import { type LeaderPartition, partitionKey, type PartitionRef } from "./types.ts";
import {
  DEFAULT_SCAN_LIMITS,
  type ScanLimits,
  scanWindows,
  type WindowScan,
} from "./scan_windows.ts";

/** Up to this many records an hour, reading a partition beats one lookup per boundary. */
export const SCAN_RECORDS_PER_HOUR = 8;

export interface HourlyOffsetsOptions {
  /** ListOffsets rounds in flight at once. */
  concurrency?: number;
  /** Partitions up to this many records per hour of the window are read (0: never). */
  scanRecordsPerHour?: number;
  scanLimits?: ScanLimits;
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
}

export async function boundaryOffsets(
  cluster: KafkaCluster,
  partitions: readonly LeaderPartition[],
  boundaries: readonly number[],
  options: HourlyOffsetsOptions = {},
): Promise<BoundaryOffsets> {
  const out: BoundaryOffsets = { offsets: new Map(), failed: new Map() };
  if (partitions.length === 0 || boundaries.length === 0) return out;
  const last = boundaries.length - 1;
  const [latest, atFirst, atLast] = await Promise.all([
    cluster.offsets.at(partitions, LATEST),
    cluster.offsets.at(partitions, BigInt(boundaries[0]!)),
    cluster.offsets.at(partitions, BigInt(boundaries[last]!)),
  ]);
  const scans: WindowScan[] = [];
  partitions.forEach((partition, i) => {
    const why = failure(latest, i) ?? failure(atFirst, i) ?? failure(atLast, i);
    if (why !== undefined) {
      out.failed.set(partitionKey(partition.topic, partition.partition), why);
      return;
    }
    const hw = latest.offsets[i]!;
    const start = atFirst.offsets[i]! < 0n ? hw : atFirst.offsets[i]!;
    const end = atLast.offsets[i]! < 0n ? hw : atLast.offsets[i]!;
    scans.push({ partition, scan: startScan(boundaries, start, end < start ? start : end) });
  });

  const perHour = options.scanRecordsPerHour ?? SCAN_RECORDS_PER_HOUR;
  const light = (s: BoundaryScan) => Number(s.end - s.offsets[0]!) <= perHour * Math.max(1, last);
  const open = scans.filter((s) => isOpen(s.scan));
  const toRead = open.filter((s) => light(s.scan));
  const toLookUp = open.filter((s) => !light(s.scan));
  await Promise.all([
    scanWindows(cluster, toRead, options.scanLimits ?? DEFAULT_SCAN_LIMITS),
    lookUpOpen(cluster, toLookUp, out.failed, options.concurrency),
  ]);
  await lookUpOpen(cluster, toRead.filter((s) => isOpen(s.scan)), out.failed, options.concurrency);

  for (const { partition, scan } of scans) {
    const key = partitionKey(partition.topic, partition.partition);
    if (!out.failed.has(key)) out.offsets.set(key, scan.offsets as bigint[]);
  }
  return out;
}

function failure(answers: OffsetsAt, i: number): string | undefined {
  return answers.failed.get(i);
}

/**
 * One ListOffsets round per boundary for the partitions that still have it open (one request
 * per leader broker each), a few rounds in flight. A partition that fails one round is
 * recorded in `failed` and left out of the rounds after it: its retries are spent.
 */
async function lookUpOpen(
  cluster: KafkaCluster,
  scans: readonly WindowScan[],
  failed: Map<string, string>,
  concurrency = 4,
): Promise<void> {
  const rounds: { index: number; scans: WindowScan[] }[] = [];
  const last = (scans[0]?.scan.boundaries.length ?? 0) - 1;
  for (let index = 1; index < last; index++) {
    const pending = scans.filter((s) => s.scan.offsets[index] === undefined);
    if (pending.length > 0) rounds.push({ index, scans: pending });
  }
  const keyOf = (s: WindowScan) => partitionKey(s.partition.topic, s.partition.partition);
  await inLanes(rounds, concurrency, async ({ index, scans: all }) => {
    const pending = all.filter((s) => !failed.has(keyOf(s)));
    if (pending.length === 0) return;
    const found = await cluster.offsets.at(
      pending.map((s) => s.partition),
      BigInt(pending[0]!.scan.boundaries[index]!),
    );
    pending.forEach((s, k) => {
      const why = found.failed.get(k);
      if (why !== undefined) {
        failed.set(keyOf(s), why);
        return;
      }
      // None that late (or only records appended since the window's end was looked up):
      // the answer is the window's end.
      const o = found.offsets[k]!;
      s.scan.offsets[index] = o < 0n || o > s.scan.end ? s.scan.end : o;
    });
  });
}

/**
 * Records in each interval between consecutive boundary offsets. Never negative: retention
 * can move a partition's log start between two ListOffsets rounds.
 */
export function countsBetween(offsets: readonly bigint[]): number[] {
  const counts: number[] = [];
  for (let i = 0; i + 1 < offsets.length; i++) {
    counts.push(Math.max(0, Number(offsets[i + 1]! - offsets[i]!)));
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
