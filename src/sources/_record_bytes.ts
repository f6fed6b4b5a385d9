// Log bytes per record from a sample of record batches, with its 95 % confidence interval.
//
// The design the sampler follows: points are offsets spread evenly, from a random start,
// over the window's offsets (every offset equally likely); at each point it reads a run, the
// batches that overlap the `width` offsets starting there. A batch is then read by a point
// that falls within `width − 1` offsets before it or on it: with probability proportional
// to that count of offsets, which is known for every batch read (its span, plus the run's
// width, cut at the window's edges). Weighing each batch by one over that count gives
// Horvitz-Thompson estimates of the window's bytes and records, whose ratio is the bytes per
// record, without the bias of Σ bytes / Σ records over picked batches (which favours
// many-record batches: fewer bytes per record when compressed, or when sizes vary). Runs
// rather than single batches read many small batches for one request's round trip.
//
// Its variance comes from the spread between runs (the delta method for a ratio, each run one
// cluster), with Student's t and Johnson's correction for the right skew of record sizes. A
// census (every batch of a small window read) is exact.
//
// Written here rather than taken from a statistics package: it is a few dozen lines of
// arithmetic, and the one quantile it needs has a closed-form approximation (below).

/** One record batch read, its offsets relative to the start of its partition's window. */
export interface ReadBatch {
  /** Bytes in the log, header and compression included. */
  sizeBytes: number;
  /** Records the batch holds (compaction may have removed some of its offsets). */
  records: number;
  /** First offset of the batch, and the offset after its last. */
  baseOffset: number;
  nextOffset: number;
}

/** What one point read: every batch overlapping [point, point + width) of its window. */
export interface Run {
  /** Which partition's window: runs of one partition may overlap. */
  partition: string;
  width: number;
  /** Offsets in the partition's window: [0, windowOffsets). */
  windowOffsets: number;
  batches: ReadBatch[];
}

export interface RecordBytesEstimate {
  /** Log bytes per record. */
  bytesPerRecord: number;
  /** The 95 % confidence interval's ends; equal to the estimate for a census. */
  low: number;
  high: number;
  /** Runs (sampling points) the estimate rests on. */
  points: number;
  /** Every batch of the window was read: the estimate is exact. */
  census: boolean;
}

/** The points from which a run of `width` offsets reads this batch. */
export function reachingPoints(b: ReadBatch, width: number, windowOffsets: number): number {
  return Math.min(windowOffsets, b.nextOffset) - Math.max(0, b.baseOffset - width + 1);
}

/**
 * The estimate from runs read at offsets spread over the window. No finite-population
 * correction: runs may overlap, so even a sample that read most of the window weighs its
 * batches unevenly, and its error is not that of a census; a window small enough to read
 * whole is read as one (estimateFromCensus).
 */
export function estimateFromRuns(runs: readonly Run[]): RecordBytesEstimate | null {
  const ys: number[] = [];
  const xs: number[] = [];
  for (const run of runs) {
    let y = 0;
    let x = 0;
    for (const b of run.batches) {
      const reach = reachingPoints(b, run.width, run.windowOffsets);
      if (reach <= 0 || b.records <= 0) continue;
      y += b.sizeBytes / reach;
      x += b.records / reach;
    }
    if (x > 0) {
      ys.push(y);
      xs.push(x);
    }
  }
  const m = ys.length;
  if (m === 0) return null;
  const ySum = ys.reduce((s, v) => s + v, 0);
  const xSum = xs.reduce((s, v) => s + v, 0);
  const ratio = ySum / xSum;
  if (m < 2) return { bytesPerRecord: ratio, low: 0, high: 2 * ratio, points: m, census: false };
  const xMean = xSum / m;
  // Each run's share of the ratio's error (the delta method's linearised values).
  let squares = 0;
  let cubes = 0;
  for (let i = 0; i < m; i++) {
    const d = (ys[i]! - ratio * xs[i]!) / xMean;
    squares += d * d;
    cubes += d * d * d;
  }
  const variance = squares / (m - 1);
  const half = studentT975(m - 1) * Math.sqrt(variance / m);
  // Record sizes are skewed to the right (a few large ones); Johnson's correction moves the
  // interval towards the tail the sample has seen, where a symmetric one covers too little.
  const shift = variance > 0 ? (cubes / m) / (6 * variance * m) : 0;
  return {
    bytesPerRecord: ratio,
    low: Math.max(0, Math.min(ratio, ratio + shift - half)),
    high: Math.max(ratio, ratio + shift + half),
    points: m,
    census: false,
  };
}

/** The exact bytes per record of a window whose every batch was read. */
export function estimateFromCensus(
  batches: readonly Pick<ReadBatch, "sizeBytes" | "records">[],
): RecordBytesEstimate | null {
  let bytes = 0;
  let records = 0;
  for (const b of batches) {
    bytes += b.sizeBytes;
    records += b.records;
  }
  if (records === 0) return null;
  const exact = bytes / records;
  return { bytesPerRecord: exact, low: exact, high: exact, points: batches.length, census: true };
}

const Z975 = 1.959963984540054;

/**
 * The 97.5 % quantile of Student's t with `df` degrees of freedom: exact for 1 and 2, else
 * the Cornish-Fisher expansion around the normal quantile (within 1 % from df = 3, 0.3 %
 * from 4).
 */
export function studentT975(df: number): number {
  if (df <= 1) return 12.706204736174707;
  if (df === 2) return 4.302652729749464;
  const z = Z975;
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df ** 2) +
    (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3);
}
