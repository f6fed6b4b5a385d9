// The bytes-per-record estimator against its sampling design, on synthetic logs whose truth
// is known: runs of batches read at offsets spread evenly from a random start (what the
// sampler does). Over many draws the estimate's mean is the truth (where Σ bytes / Σ records
// over the batches read runs low), and its 95 % interval covers the truth about 95 % of the
// time.
import { assert, assertAlmostEquals, assertEquals } from "../assert.ts";
import { seededRandom } from "../../src/sources/_random.ts";
import {
  estimateFromCensus,
  estimateFromRuns,
  reachingPoints,
  type ReadBatch,
  type Run,
  studentT975,
} from "../../src/sources/_record_bytes.ts";

/**
 * A hostile log, laid out by offset: a few many-record compressed batches (few bytes per
 * record) among many one-record batches whose sizes are heavy-tailed.
 */
function hostileLog(random: () => number): ReadBatch[] {
  const log: ReadBatch[] = [];
  let offset = 0;
  for (let i = 0; i < 4000; i++) {
    const many = random() < 0.05;
    const records = many ? 200 + Math.floor(random() * 300) : 1;
    // Pareto with shape 2.5 (a heavy tail with a finite variance), capped at 1 MiB.
    const value = Math.min(1_048_576, Math.floor(100 / Math.pow(random(), 1 / 2.5)));
    const sizeBytes = many ? 70 + records * 40 : 70 + value;
    log.push({ sizeBytes, records, baseOffset: offset, nextOffset: offset + records });
    offset += records;
  }
  return log;
}

const truthOf = (log: readonly ReadBatch[]) =>
  log.reduce((s, b) => s + b.sizeBytes, 0) / log.reduce((s, b) => s + b.records, 0);

/**
 * What the sampler reads: `k` points spread evenly over the offsets from a random start,
 * and at each the batches overlapping `width` offsets from it.
 */
function sample(log: readonly ReadBatch[], k: number, width: number, random: () => number): Run[] {
  const total = log.at(-1)!.nextOffset;
  const step = total / k;
  const start = random() * step;
  const runs: Run[] = [];
  for (let i = 0; i < k; i++) {
    const at = Math.floor(start + i * step);
    const end = Math.min(total, at + width);
    runs.push({
      partition: "p",
      width,
      windowOffsets: total,
      batches: log.filter((b) => b.nextOffset > at && b.baseOffset < end),
    });
  }
  return runs;
}

function relaid(log: readonly ReadBatch[], random: () => number): ReadBatch[] {
  let offset = 0;
  return shuffled(log, random).map((b) => {
    const span = b.nextOffset - b.baseOffset;
    const moved = { ...b, baseOffset: offset, nextOffset: offset + span };
    offset += span;
    return moved;
  });
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

for (const width of [1, 20]) {
  Deno.test(`estimateFromRuns() is unbiased, runs of ${width} offsets, where Σ bytes / Σ records runs low`, () => {
    const random = seededRandom(7 + width);
    const log = hostileLog(random);
    const truth = truthOf(log);
    let mean = 0;
    let naive = 0;
    const draws = 1500;
    for (let d = 0; d < draws; d++) {
      const runs = sample(relaid(log, random), 100, width, random);
      mean += estimateFromRuns(runs)!.bytesPerRecord / draws;
      const read = runs.flatMap((r) => r.batches);
      naive += truthOf(read) / draws;
    }
    assertAlmostEquals(mean, truth, truth * 0.01);
    assert(naive < truth * 0.9, `Σ bytes / Σ records: ${naive} against ${truth}`);
  });

  Deno.test(`estimateFromRuns()'s 95 % interval covers the truth in about 95 % of samples, runs of ${width}`, () => {
    const random = seededRandom(11 + width);
    const log = hostileLog(random);
    const truth = truthOf(log);
    let covered = 0;
    const draws = 1500;
    for (let d = 0; d < draws; d++) {
      const e = estimateFromRuns(sample(relaid(log, random), 200, width, random))!;
      assert(e.low <= e.bytesPerRecord && e.bytesPerRecord <= e.high);
      if (e.low <= truth && truth <= e.high) covered++;
    }
    const rate = covered / draws;
    assert(rate > 0.9 && rate < 0.985, `covered ${(100 * rate).toFixed(1)} %`);
  });
}

Deno.test("reachingPoints(): a batch's span plus the run's width, cut at the window's edges", () => {
  const b = { sizeBytes: 1, records: 5, baseOffset: 10, nextOffset: 15 };
  assertEquals(reachingPoints(b, 1, 100), 5);
  assertEquals(reachingPoints(b, 4, 100), 8);
  // At the window's start and end fewer points can reach it.
  assertEquals(reachingPoints({ ...b, baseOffset: -3 }, 4, 100), 15);
  assertEquals(reachingPoints(b, 4, 12), 12 - 7);
});

Deno.test("estimateFromRuns() weighs compacted batches by the offsets they span", () => {
  // Two batches spanning 10 offsets each; compaction left 2 and 10 records.
  const a = { sizeBytes: 200, records: 2, baseOffset: 0, nextOffset: 10 };
  const b = { sizeBytes: 1000, records: 10, baseOffset: 10, nextOffset: 20 };
  const runs = [a, b].map((x) => ({ partition: "p", width: 1, windowOffsets: 20, batches: [x] }));
  assertEquals(estimateFromRuns(runs)!.bytesPerRecord, 1200 / 12);
});

Deno.test("estimateFromCensus() is exact, with no interval; nothing read gives no estimate", () => {
  const e = estimateFromCensus([
    { sizeBytes: 300, records: 3 },
    { sizeBytes: 90, records: 1 },
  ])!;
  assertEquals([e.bytesPerRecord, e.low, e.high, e.census], [97.5, 97.5, 97.5, true]);
  assertEquals(estimateFromCensus([]), null);
  assertEquals(estimateFromRuns([]), null);
});

Deno.test("studentT975() matches the table", () => {
  const table: [number, number][] = [
    [1, 12.706],
    [2, 4.303],
    [3, 3.182],
    [5, 2.571],
    [
      10,
      2.228,
    ],
    [30, 2.042],
    [120, 1.98],
  ];
  for (const [df, t] of table) assertAlmostEquals(studentT975(df), t, t * 0.01);
});
