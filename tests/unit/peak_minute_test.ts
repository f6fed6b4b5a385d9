// The busiest minute of the sampling source: which hours are searched (src/sources/
// peak_minute.ts), the busiest minute of what was found, and the minute-boundary lookups
// (src/kafka/minute_offsets.ts) against a fake ListOffsets that answers by definition from a
// log the test wrote: the rounds it takes, each partition at its own timestamp, and the
// answers kept inside their hour.
import { assert, assertEquals } from "../assert.ts";
import { busiestMinute, PEAK_MINUTE_TOP_HOURS, topHours } from "../../src/sources/peak_minute.ts";
import { countsBetween } from "../../src/kafka/hourly_offsets.ts";
import { minuteOffsets, type MinuteRequest } from "../../src/kafka/minute_offsets.ts";
import type { KafkaCluster } from "../../src/kafka/cluster.ts";
import type { OffsetsAt } from "../../src/kafka/list_offsets.ts";
import type { LeaderPartition } from "../../src/kafka/types.ts";

const H = 3_600_000;
const M = 60_000;
const T0 = Date.UTC(2026, 8, 8, 0, 0, 0);

Deno.test("topHours(): the k busiest hours, the earlier on a tie, never an empty one, ascending", () => {
  assertEquals(PEAK_MINUTE_TOP_HOURS, 3);
  assertEquals(topHours([5, 9, 1, 9, 7, 9]), [1, 3, 5]);
  assertEquals(topHours([5, 9, 1, 8, 7, 2]), [1, 3, 4]);
  assertEquals(topHours([4, 4, 4, 4, 4]), [0, 1, 2]);
  assertEquals(topHours([0, 3, 0, 0]), [1]);
  assertEquals(topHours([0, 0]), []);
  assertEquals(topHours([]), []);
  assertEquals(topHours([1, 2, 3], 1), [2]);
});

Deno.test("busiestMinute(): the earliest of the busiest minutes, bytes at the given rate", () => {
  const a = new Array<number>(60).fill(1);
  const b = new Array<number>(60).fill(2);
  a[59] = 7;
  b[0] = 7;
  b[30] = 7;
  // Searched hours may come in any order; the earliest minute wins a tie.
  assertEquals(busiestMinute([T0 + H, T0], [b, a], 100.5), {
    minuteStart: T0 + 59 * M,
    records: 7,
    bytes: 703.5,
  });
  b[30] = 8;
  assertEquals(busiestMinute([T0, T0 + H], [a, b], 2)?.minuteStart, T0 + H + 30 * M);
  assertEquals(busiestMinute([T0], [new Array(60).fill(0)], 2), null);
  assertEquals(busiestMinute([], [], 2), null);
});

Deno.test("countsBetween(): records between consecutive boundaries, never negative", () => {
  assertEquals(countsBetween([10n, 10n, 13n, 20n]), [0, 3, 7]);
  assertEquals(countsBetween([5n, 4n]), [0]);
});

/** A partition's log: the timestamp at each offset from `logStart` on. */
interface Log {
  partition: LeaderPartition;
  logStart: bigint;
  timestamps: number[];
}

/** ListOffsets by definition: the earliest offset whose timestamp is ≥ t; -1 when none. */
function offsetAt(log: Log, t: bigint): bigint {
  const i = log.timestamps.findIndex((ts) => BigInt(ts) >= t);
  return i < 0 ? -1n : log.logStart + BigInt(i);
}

/** The same, with the high watermark for none: how the hour boundaries are given. */
function boundary(log: Log, t: number): bigint {
  const o = offsetAt(log, BigInt(t));
  return o < 0n ? log.logStart + BigInt(log.timestamps.length) : o;
}

interface Call {
  partitions: string[];
  timestamps: bigint[];
}

function fakeCluster(
  logs: readonly Log[],
  options: { fail?: string; answer?: (log: Log, t: bigint, o: bigint) => bigint } = {},
) {
  const calls: Call[] = [];
  const byPartition = new Map(logs.map((l) => [l.partition, l]));
  const cluster = {
    offsets: {
      at(partitions: readonly LeaderPartition[], ts: bigint | readonly bigint[]) {
        const timestamps = partitions.map((_, i) => typeof ts === "bigint" ? ts : ts[i]!);
        const names = partitions.map((p) => `${p.topic}-${p.partition}`);
        calls.push({ partitions: names, timestamps });
        const out: OffsetsAt = {
          offsets: new BigInt64Array(partitions.length).fill(-1n),
          timestamps: new BigInt64Array(partitions.length).fill(-1n),
          failed: new Map(),
        };
        partitions.forEach((p, i) => {
          if (names[i] === options.fail) {
            out.failed.set(i, "the leader is gone");
            return;
          }
          const log = byPartition.get(p)!;
          const o = offsetAt(log, timestamps[i]!);
          out.offsets[i] = options.answer ? options.answer(log, timestamps[i]!, o) : o;
        });
        return Promise.resolve(out);
      },
    },
  };
  return { cluster: cluster as unknown as KafkaCluster, calls };
}

const part = (topic: string, partition: number): LeaderPartition => ({
  topic,
  topicId: topic,
  partition,
  leader: { nodeId: 1, host: "b1", port: 9092 },
});

/** Records at the given minutes (with repeats) of the hour, a few ms into each. */
function stamps(hourStart: number, minutes: number[]): number[] {
  return minutes.map((m, i) => hourStart + m * M + (i % 50)).sort((a, b) => a - b);
}

function request(log: Log, hourStarts: number[]): MinuteRequest {
  return {
    partition: log.partition,
    hours: hourStarts.map((h) => ({
      hourStart: h,
      start: boundary(log, h),
      end: boundary(log, h + H),
    })),
  };
}

/** The definition at every minute boundary of the hour. */
function expected(log: Log, hourStart: number): bigint[] {
  return Array.from({ length: 61 }, (_, m) => boundary(log, hourStart + m * M));
}

const LOOK_UP = { scanRecordsPerBoundary: 0 };

Deno.test("minuteOffsets(): one round per open minute, each partition at its own timestamp", async () => {
  // Two topics whose busiest hours differ; one hour of `b` has no record on partition 1.
  const a0: Log = {
    partition: part("a", 0),
    logStart: 0n,
    timestamps: [
      ...stamps(T0, [0, 0, 5, 17, 17, 17, 59]),
      ...stamps(T0 + 2 * H, [1, 2, 3, 30, 30]),
      ...stamps(T0 + 3 * H, [10]),
    ],
  };
  const b0: Log = {
    partition: part("b", 0),
    logStart: 40n,
    timestamps: [...stamps(T0 + 5 * H, [44, 44, 44, 44]), ...stamps(T0 + 6 * H, [0, 59])],
  };
  const b1: Log = {
    partition: part("b", 1),
    logStart: 7n,
    timestamps: stamps(T0 + 6 * H, [12, 13]),
  };
  const { cluster, calls } = fakeCluster([a0, b0, b1]);
  const got = await minuteOffsets(cluster, [
    request(a0, [T0, T0 + 2 * H]),
    request(b0, [T0 + 5 * H, T0 + 6 * H]),
    request(b1, [T0 + 5 * H, T0 + 6 * H]),
  ], LOOK_UP);
  assertEquals([...got.failed], []);
  assertEquals(got.offsets.get("a\u00000"), [expected(a0, T0), expected(a0, T0 + 2 * H)]);
  assertEquals(got.offsets.get("b\u00000"), [expected(b0, T0 + 5 * H), expected(b0, T0 + 6 * H)]);
  assertEquals(got.offsets.get("b\u00001"), [expected(b1, T0 + 5 * H), expected(b1, T0 + 6 * H)]);
  assertEquals(countsBetween(got.offsets.get("a\u00000")![0]!)[17], 3);
  // 2 hours × 59 inner minutes: 118 rounds, one request each; b1's empty hour asks nothing.
  assertEquals(calls.length, 118);
  for (const c of calls) {
    assertEquals(new Set(c.partitions).size, c.partitions.length, "each partition once");
  }
  assertEquals(calls.filter((c) => c.partitions.includes("b-1")).length, 59);
  assertEquals(calls[0]!.timestamps, [
    BigInt(T0 + M),
    BigInt(T0 + 5 * H + M),
    BigInt(T0 + 6 * H + M),
  ]);
});

Deno.test("minuteOffsets(): answers stay inside their hour; a failed partition fails alone", async () => {
  const log: Log = { partition: part("c", 0), logStart: 0n, timestamps: stamps(T0, [1, 2, 50]) };
  const other: Log = { partition: part("c", 1), logStart: 0n, timestamps: stamps(T0, [3]) };
  const req = request(log, [T0]);
  // An answer of "none that late" (-1), and answers outside the hour's offsets.
  const { cluster } = fakeCluster([log, other], {
    fail: "c-1",
    answer: (_, t, o) => t === BigInt(T0 + 10 * M) ? -1n : t === BigInt(T0 + 2 * M) ? 99n : o,
  });
  const got = await minuteOffsets(cluster, [req, request(other, [T0])], LOOK_UP);
  assertEquals([...got.failed.keys()], ["c\u00001"]);
  const o = got.offsets.get("c\u00000")![0]!;
  assertEquals(o.length, 61);
  assert(o.every((v, m) => m === 0 || v >= o[m - 1]!), "never decreasing");
  const counts = countsBetween(o);
  assertEquals(counts.reduce((s, n) => s + n, 0), 3, "the minutes add up to the hour");
  // 2 min answered past the hour's end (3): the hour's end, and every minute after it too.
  assertEquals(o[2], 3n);
  assertEquals(o[60], 3n);
});

Deno.test("minuteOffsets(): an hour without records, and nothing asked, need no request", async () => {
  const log: Log = { partition: part("d", 0), logStart: 5n, timestamps: stamps(T0 + H, [1]) };
  const { cluster, calls } = fakeCluster([log]);
  const got = await minuteOffsets(cluster, [request(log, [T0])], LOOK_UP);
  assertEquals(got.offsets.get("d\u00000"), [new Array(61).fill(5n)]);
  assertEquals(await minuteOffsets(cluster, []), { offsets: new Map(), failed: new Map() });
  assertEquals(calls.length, 0);
});
