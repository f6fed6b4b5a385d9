// The offset at every minute boundary inside a few hours of each partition, for the busiest
// minute (model.md, "Peak granularity"). The hours' own boundary offsets are already known
// (hourly_offsets.ts), so each hour leaves its 59 inner minute boundaries to find, answered
// by the same rule: the earliest offset whose timestamp is ≥ the boundary, and a minute's
// records are the difference of its two boundaries. Hence the minutes of an hour always add
// up to exactly the hour's count, and everything the hourly counts say about transaction
// markers, out-of-order timestamps and compaction holds for minutes too.
//
// How, cheapest first (the hourly rules at minute scale):
// - an hour in which the partition has no record needs nothing: every minute is empty;
// - a partition whose window was read whole for its hours (scan_windows.ts kept each
//   record's offset and timestamp) is answered from those records, by the same rule;
// - a light partition (at most SCAN_RECORDS_PER_BOUNDARY records per boundary it needs,
//   counted from its first asked hour's start to its last one's end) is read once, record by
//   record (boundary_scan.ts, scan_windows.ts), which answers all its minutes together;
// - the rest, and whatever a read left open, get one ListOffsets lookup per minute boundary.
//   A ListOffsets request asks each partition once but each at its own timestamp, so round r
//   asks every partition of the chunk its r-th open boundary, one request per leader broker:
//   at most 59 × hours rounds, whatever the number of partitions and topics.
// Answers are kept inside the hour: a lookup answering -1 (no record that late) or past the
// hour's end answers the hour's end, one before its start the start, and the offsets of an
// hour never decrease (retention moving the log start mid-run cannot make a minute negative).
// A partition whose leader stays unreachable is reported as failed.
import { inLanes } from "../in_lanes.ts";
import { lookupLanes } from "./in_flight.ts";
import { type BoundaryScan, replayScan, startScan, type TimedOffsets } from "./boundary_scan.ts";
import type { KafkaCluster } from "./cluster.ts";
import {
  DEFAULT_SCAN_LIMITS,
  type ScanLimits,
  scanWindows,
  type WindowScan,
} from "./scan_windows.ts";
import { type LeaderPartition, partitionKey } from "./types.ts";

export const MINUTE_MS = 60_000;
export const MINUTES_PER_HOUR = 60;

/** Up to this many records per open minute boundary, reading beats one lookup per boundary. */
export const SCAN_RECORDS_PER_BOUNDARY = 8;

/** Bytes per record assumed when sizing a read, where the caller knows none. */
const GUESSED_BYTES_PER_RECORD = 512;

/** One hour of a partition, with its offsets at the hour's start and end. */
export interface HourSpan {
  /** Epoch milliseconds, a whole UTC hour. */
  hourStart: number;
  start: bigint;
  end: bigint;
}

export interface MinuteRequest {
  partition: LeaderPartition;
  /** The hours to split into minutes, ascending, none twice. */
  hours: HourSpan[];
  /** The partition's log bytes per record where known (sizes its reads). */
  bytesPerRecord?: number;
  /**
   * Every record of a stretch of the partition holding all the hours, in offset order, as a
   * whole read of its window kept them: the minutes are answered from them, not read again.
   */
  records?: TimedOffsets;
}

export interface MinuteOffsetsOptions {
  /** ListOffsets rounds in flight at once; by default as many as lookupLanes() allows. */
  concurrency?: number;
  /** Records per open minute boundary up to which a partition is read (0: never). */
  scanRecordsPerBoundary?: number;
  scanLimits?: ScanLimits;
}

export interface MinuteOffsets {
  /**
   * partitionKey() → for each requested hour, in the order given, the offsets at its 61
   * minute boundaries (hourStart + m minutes, m = 0..60; [0] and [60] are the hour's).
   */
  offsets: Map<string, bigint[][]>;
  /** partitionKey() → why that partition could not be read. */
  failed: Map<string, string>;
}

/** A partition's hours, minute by minute, with the boundaries still open. */
interface Grid {
  request: MinuteRequest;
  key: string;
  /** [hour][minute], undefined while open. */
  offsets: (bigint | undefined)[][];
}

/** An (hour, minute) cell of a grid as one number: hour × 64 + minute. */
const cell = (hour: number, minute: number) => hour * 64 + minute;

export async function minuteOffsets(
  cluster: KafkaCluster,
  requests: readonly MinuteRequest[],
  options: MinuteOffsetsOptions = {},
): Promise<MinuteOffsets> {
  const grids: Grid[] = requests.map((request) => ({
    request,
    key: partitionKey(request.partition.topic, request.partition.partition),
    offsets: request.hours.map((h) => {
      const end = h.end < h.start ? h.start : h.end;
      const o = new Array<bigint | undefined>(MINUTES_PER_HOUR + 1).fill(undefined);
      // An hour without records: every minute boundary is at its start.
      if (end === h.start) o.fill(h.start);
      o[0] = h.start;
      o[MINUTES_PER_HOUR] = end;
      return o;
    }),
  }));
  const perBoundary = options.scanRecordsPerBoundary ?? SCAN_RECORDS_PER_BOUNDARY;
  const reads: Reading[] = [];
  const toLookUp: Grid[] = [];
  for (const g of grids) {
    const open = openHours(g);
    if (open.length === 0) continue;
    const records = Number(
      g.offsets[open.at(-1)!]![MINUTES_PER_HOUR]! - g.offsets[open[0]!]![0]!,
    );
    if (g.request.records) {
      const kept = readingOf(g, open, records);
      replayScan(kept.scan.scan, g.request.records);
      takeScan(kept);
    } else if (records <= perBoundary * open.length * (MINUTES_PER_HOUR - 1)) {
      reads.push(readingOf(g, open, records));
    } else toLookUp.push(g);
  }
  const failed = new Map<string, string>();
  await Promise.all([
    readAll(cluster, reads, options.scanLimits ?? DEFAULT_SCAN_LIMITS),
    lookUp(cluster, toLookUp, failed, options.concurrency),
  ]);
  for (const r of reads) takeScan(r);
  await lookUp(cluster, reads.map((r) => r.grid), failed, options.concurrency);

  const out: MinuteOffsets = { offsets: new Map(), failed };
  for (const g of grids) {
    if (failed.has(g.key)) continue;
    out.offsets.set(g.key, g.offsets.map((o) => nonDecreasing(o)));
  }
  return out;
}

/** Indices of the hours with open minute boundaries (those with records), ascending. */
function openHours(g: Grid): number[] {
  return g.offsets.flatMap((o, i) => o.includes(undefined) ? [i] : []);
}

/** A read of a partition from its first open hour's start to its last one's end. */
interface Reading {
  grid: Grid;
  scan: WindowScan;
  /** The cell each scan boundary answers (cell()). */
  cells: Int32Array;
  /** About what the read takes in the log. */
  bytes: number;
}

function readingOf(grid: Grid, open: readonly number[], records: number): Reading {
  const hours = grid.request.hours;
  const boundaries: number[] = [];
  const cells = new Int32Array(open.length * (MINUTES_PER_HOUR + 1));
  for (const i of open) {
    for (let m = 0; m <= MINUTES_PER_HOUR; m++) {
      const at = hours[i]!.hourStart + m * MINUTE_MS;
      // Adjacent hours share a boundary: the first of the two answers it (both are known).
      if (boundaries.at(-1) === at) continue;
      cells[boundaries.length] = cell(i, m);
      boundaries.push(at);
    }
  }
  const start = grid.offsets[open[0]!]![0]!;
  const end = grid.offsets[open.at(-1)!]![MINUTES_PER_HOUR]!;
  return {
    grid,
    scan: { partition: grid.request.partition, scan: startScan(boundaries, start, end) },
    cells: cells.subarray(0, boundaries.length),
    bytes: records * (grid.request.bytesPerRecord ?? GUESSED_BYTES_PER_RECORD),
  };
}

/**
 * Reads, each partition asking per round for about what its read holds (2, 8 or 32 KiB), so
 * that the many light partitions of a chunk share few requests.
 */
async function readAll(cluster: KafkaCluster, reads: readonly Reading[], limits: ScanLimits) {
  const classes = new Map<number, WindowScan[]>();
  for (const r of reads) {
    let size = 2048;
    while (size < limits.fetchBytes && size < r.bytes * 1.25 + 512) size *= 4;
    size = Math.min(size, limits.fetchBytes);
    const scans = classes.get(size);
    if (scans) scans.push(r.scan);
    else classes.set(size, [r.scan]);
  }
  await Promise.all(
    [...classes].map(([fetchBytes, scans]) =>
      scanWindows(cluster, scans, { ...limits, fetchBytes })
    ),
  );
}

/** Copies what a read answered into its grid; what it left open stays open. */
function takeScan(r: Reading) {
  const scan: BoundaryScan = r.scan.scan;
  r.cells.forEach((c, b) => {
    const o = scan.offsets[b];
    const hour = c >> 6;
    const minute = c & 63;
    const offsets = r.grid.offsets[hour]!;
    if (o !== undefined && offsets[minute] === undefined) {
      offsets[minute] = within(o, r.grid.request.hours[hour]!);
    }
  });
}

/** An answer kept inside its hour: -1 (none that late) is the hour's end. */
function within(offset: bigint, hour: HourSpan): bigint {
  const end = hour.end < hour.start ? hour.start : hour.end;
  if (offset < 0n || offset > end) return end;
  return offset < hour.start ? hour.start : offset;
}

function nonDecreasing(o: readonly (bigint | undefined)[]): bigint[] {
  const out: bigint[] = [];
  for (const v of o) out.push(out.length > 0 && v! < out.at(-1)! ? out.at(-1)! : v!);
  return out;
}

/**
 * One ListOffsets round per open boundary index (one request per leader broker each, each
 * partition at its own timestamp). The rounds do not depend on each other: all are in flight
 * together as far as lookupLanes() allows. A partition that fails a round is recorded in
 * `failed` (its first failure) and asked nothing more in the rounds not yet sent: its retries
 * are spent.
 */
async function lookUp(
  cluster: KafkaCluster,
  grids: readonly Grid[],
  failed: Map<string, string>,
  concurrency?: number,
): Promise<void> {
  // Each grid's open cells, in time order.
  const pending = grids.map((g) => {
    const cells: number[] = [];
    g.offsets.forEach((o, hour) => {
      for (let m = 1; m < MINUTES_PER_HOUR; m++) if (o[m] === undefined) cells.push(cell(hour, m));
    });
    return { g, cells };
  }).filter((p) => p.cells.length > 0);
  const rounds = Math.max(0, ...pending.map((p) => p.cells.length));
  // Round 0 asks every partition with an open boundary: the widest.
  const lanes = concurrency ?? lookupLanes(pending.length);
  await inLanes(Array.from({ length: rounds }, (_, r) => r), lanes, async (r) => {
    const asked = pending.filter((p) => p.cells.length > r && !failed.has(p.g.key));
    if (asked.length === 0) return;
    const at = (p: (typeof asked)[number]) => {
      const c = p.cells[r]!;
      return { hour: p.g.request.hours[c >> 6]!, offsets: p.g.offsets[c >> 6]!, minute: c & 63 };
    };
    const found = await cluster.offsets.at(
      asked.map((p) => p.g.request.partition),
      asked.map((p) => {
        const { hour, minute } = at(p);
        return BigInt(hour.hourStart + minute * MINUTE_MS);
      }),
    );
    asked.forEach((p, k) => {
      const why = found.failed.get(k);
      if (why !== undefined) {
        if (!failed.has(p.g.key)) failed.set(p.g.key, why);
        return;
      }
      const { hour, offsets, minute } = at(p);
      offsets[minute] = within(found.offsets[k]!, hour);
    });
  });
}
