import { assertEquals } from "../assert.ts";
import {
  finishScan,
  isOpen,
  keepRecord,
  replayScan,
  startScan,
  takeRecord,
  timedOffsets,
} from "../../src/kafka/boundary_scan.ts";

const H = 3_600_000;

interface LogRecord {
  offset: bigint;
  timestamp: number;
}

/** ListOffsets by timestamp, by definition: the earliest offset whose timestamp is ≥ t. */
function offsetAt(log: readonly LogRecord[], hw: bigint, t: number): bigint {
  return log.find((r) => r.timestamp >= t)?.offset ?? hw;
}

/** Scans the log the way the reader does: from the first boundary's offset, in order. */
function scanned(log: readonly LogRecord[], hw: bigint, boundaries: number[]): bigint[] {
  const start = offsetAt(log, hw, boundaries[0]!);
  const end = offsetAt(log, hw, boundaries.at(-1)!);
  const scan = startScan(boundaries, start, end);
  for (const r of log) {
    if (r.offset < start || !isOpen(scan)) continue;
    takeRecord(scan, Number(r.offset), r.timestamp);
  }
  if (isOpen(scan)) finishScan(scan);
  return scan.offsets as bigint[];
}

/** A deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A random log and its high watermark: up to `records` records over `hours` hours from hour
 * `from`, times mostly rising, a fifth of them up to `late` hours off and the rest up to
 * `near`, and offsets with the gaps compaction leaves.
 */
function randomLog(
  next: () => number,
  shape: { records: number; from: number; hours: number; late: number; near: number },
): { log: LogRecord[]; hw: bigint } {
  let offset = BigInt(Math.floor(next() * 1000));
  const log: LogRecord[] = [];
  const n = Math.floor(next() * shape.records);
  for (let i = 0; i < n; i++) {
    const hour = shape.from + (i / Math.max(1, n)) * shape.hours +
      (next() - 0.7) * (next() < 0.2 ? shape.late : shape.near);
    log.push({ offset, timestamp: Math.round(hour * H) });
    offset += BigInt(1 + (next() < 0.1 ? Math.floor(next() * 5) : 0));
  }
  return { log, hw: offset };
}

const boundaries = Array.from({ length: 25 }, (_, i) => 100 * H + i * H);

Deno.test("a scan answers every boundary as ListOffsets does, on in-order logs", () => {
  const log: LogRecord[] = [98.5, 100, 100.2, 103.9, 104, 110.5, 124.99, 125, 126].map((
    h,
    i,
  ) => ({ offset: BigInt(10 + i), timestamp: h * H }));
  const hw = 19n;
  const expected = boundaries.map((t) => offsetAt(log, hw, t));
  assertEquals(scanned(log, hw, boundaries), expected);
  // A record exactly on a boundary belongs to the hour it starts.
  assertEquals(expected[0], 11n);
  assertEquals(expected[4], 14n);
});

Deno.test("a scan matches ListOffsets on out-of-order timestamps, gaps and empty hours", () => {
  for (let seed = 1; seed <= 300; seed++) {
    const { log, hw } = randomLog(random(seed), {
      records: 80,
      from: 95,
      hours: 35,
      late: 20,
      near: 2,
    });
    assertEquals(
      scanned(log, hw, boundaries),
      boundaries.map((t) => offsetAt(log, hw, t)),
      `seed ${seed}`,
    );
  }
});

Deno.test("a scan ignores records past the window's end offset", () => {
  const scan = startScan([0, H, 2 * H, 3 * H], 5n, 8n);
  takeRecord(scan, 5, 0.5 * H);
  takeRecord(scan, 6, 0.7 * H);
  takeRecord(scan, 8, 2.5 * H); // offset(3H) is 8: not in the window
  assertEquals(isOpen(scan), true);
  finishScan(scan);
  assertEquals(scan.offsets, [5n, 8n, 8n, 8n]);
});

Deno.test("an empty window has nothing open; one boundary is answered at once", () => {
  const empty = startScan(boundaries, 42n, 42n);
  assertEquals(isOpen(empty), false);
  assertEquals(empty.offsets, boundaries.map(() => 42n));
  const one = startScan([H], 7n, 7n);
  assertEquals([isOpen(one), one.offsets], [false, [7n]]);
  const two = startScan([0, H], 3n, 9n);
  assertEquals([isOpen(two), two.offsets], [false, [3n, 9n]]);
});

Deno.test("records kept by a read answer finer boundaries inside it as ListOffsets does", () => {
  for (let seed = 1; seed <= 200; seed++) {
    const next = random(seed);
    const { log, hw } = randomLog(next, { records: 120, from: 99, hours: 27, late: 6, near: 0.3 });
    // What a whole read of the window keeps: every record from its first boundary's offset
    // to its last one's, in offset order.
    const start = offsetAt(log, hw, boundaries[0]!);
    const end = offsetAt(log, hw, boundaries.at(-1)!);
    let kept = timedOffsets();
    for (const r of log) {
      if (r.offset >= start && r.offset < end) {
        kept = keepRecord(kept, Number(r.offset), r.timestamp);
      }
    }
    // Minute boundaries of two hours inside the window, one of them at its last hour.
    for (const hour of [100 + Math.floor(next() * 20), 123]) {
      const minutes = Array.from({ length: 61 }, (_, m) => hour * H + m * 60_000);
      const scan = startScan(
        minutes,
        offsetAt(log, hw, minutes[0]!),
        offsetAt(log, hw, minutes.at(-1)!),
      );
      replayScan(scan, kept);
      assertEquals(isOpen(scan), false);
      assertEquals(
        scan.offsets,
        minutes.map((t) => offsetAt(log, hw, t)),
        `seed ${seed}, hour ${hour}`,
      );
    }
  }
});
