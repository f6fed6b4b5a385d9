// The offset at each hour boundary, from a partition's own records instead of one ListOffsets
// lookup per boundary. ListOffsets by timestamp answers "the earliest offset whose timestamp
// is ≥ T". Reading the partition in offset order from the window's start gives the same
// answer for every boundary at once: a record resolves each still-open boundary at or before
// its timestamp. Pure: the caller reads the records; this keeps the rule and its proof.
//
// Why it is exact: with `start` = offset(S) and `end` = offset(E) from ListOffsets, every
// record before `start` is earlier than S, so for S ≤ T ≤ E the answer is the first offset in
// [start, end) whose timestamp is ≥ T, or `end` when none is (the record at `end` is itself
// ≥ E ≥ T). Answers never decrease as T grows, so the open boundaries are always a suffix.

export interface BoundaryScan {
  /** Ascending boundary timestamps, epoch milliseconds; the first and last are answered. */
  readonly boundaries: readonly number[];
  /** The answer for each boundary; undefined while open. */
  readonly offsets: (bigint | undefined)[];
  /** Index of the first open boundary. */
  next: number;
  /** The offset at the last boundary: reading stops there. */
  readonly end: bigint;
}

/**
 * A scan of one partition whose offsets at the first and last boundary are known. Boundaries
 * strictly between them are open until records (or the end) answer them.
 */
export function startScan(boundaries: readonly number[], start: bigint, end: bigint): BoundaryScan {
  const offsets = new Array<bigint | undefined>(boundaries.length).fill(undefined);
  offsets[0] = start;
  offsets[boundaries.length - 1] = end;
  const scan: BoundaryScan = { boundaries, offsets, next: Math.min(1, boundaries.length), end };
  if (start >= end) finishScan(scan);
  return scan;
}

/** The boundaries still open: those only records at or after the read position can answer. */
export function isOpen(scan: BoundaryScan): boolean {
  return scan.next < scan.boundaries.length - 1;
}

/**
 * Takes one record read in offset order, starting at the first boundary's offset (records
 * at or past `end` are ignored: no open boundary's answer lies there). The offset is a
 * number, as the record reader keeps it: a BigInt is made only for an answer.
 */
export function takeRecord(scan: BoundaryScan, offset: number, timestamp: number): void {
  const last = scan.boundaries.length - 1;
  if (scan.next >= last || scan.boundaries[scan.next]! > timestamp || offset >= scan.end) return;
  const answer = BigInt(offset);
  while (scan.next < last && scan.boundaries[scan.next]! <= timestamp) {
    scan.offsets[scan.next++] = answer;
  }
}

/** Reading reached `end`: no record in the window is as late as the open boundaries. */
export function finishScan(scan: BoundaryScan): void {
  const last = scan.boundaries.length - 1;
  while (scan.next < last) scan.offsets[scan.next++] = scan.end;
}

/**
 * Records' offsets and timestamps in offset order, as a read kept them: enough to answer
 * other boundaries of the same stretch of log later (replayScan) without reading it again.
 */
export interface TimedOffsets {
  /** Rows filled; the arrays may be longer. */
  length: number;
  offsets: Float64Array;
  timestamps: Float64Array;
}

export function timedOffsets(capacity = 0): TimedOffsets {
  return {
    length: 0,
    offsets: new Float64Array(capacity),
    timestamps: new Float64Array(capacity),
  };
}

/** Adds a record, moving to twice the room when full. */
export function keepRecord(kept: TimedOffsets, offset: number, timestamp: number): TimedOffsets {
  let k = kept;
  if (k.length === k.offsets.length) {
    k = timedOffsets(Math.max(16, 2 * k.length));
    k.offsets.set(kept.offsets);
    k.timestamps.set(kept.timestamps);
    k.length = kept.length;
  }
  k.offsets[k.length] = offset;
  k.timestamps[k.length++] = timestamp;
  return k;
}

/**
 * Answers a scan from records read before: `kept` must hold every record from the scan's
 * first offset up to its `end`, in offset order (a read that reached `end`). The answers are
 * those reading the log again would give, and nothing stays open.
 */
export function replayScan(scan: BoundaryScan, kept: TimedOffsets): void {
  const start = Number(scan.offsets[0]!);
  for (let i = 0; i < kept.length && isOpen(scan); i++) {
    if (kept.offsets[i]! >= start) takeRecord(scan, kept.offsets[i]!, kept.timestamps[i]!);
  }
  finishScan(scan);
}
