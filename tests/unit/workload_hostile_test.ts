// The seeder's hostile workloads (issue 12): value-size distributions, value contents, mixed
// batch sizes, records near max.message.bytes and deletion mid-hour, all planned
// deterministically; and the ground truth of what stays in the log.
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../assert.ts";
import {
  DEMO_PROFILE_URL,
  loadProfile,
  parseProfile,
  ProfileError,
  withSeed,
  withTopicPrefix,
  type WorkloadProfile,
} from "../../dev/workload/profile.ts";
import {
  BATCH_HEADER_BYTES,
  deletionCut,
  HOUR_MS,
  keyAndHeaderBytes,
  mulberry32,
  planBatches,
  planHour,
  planRequests,
  profileHours,
  recordsInHour,
} from "../../dev/workload/plan.ts";
import {
  batchTruth,
  deletionTruth,
  partitionHourly,
  recordsInLog,
  topicTruth,
} from "../../dev/workload/ground_truth.ts";
import {
  drawValueBytes,
  meanValueBytes,
  tailShare,
  type ValueSizes,
} from "../../dev/workload/sizes.ts";
import { plannedValue, plannedValueBytes } from "../../dev/workload/values.ts";

const ANCHOR = Date.UTC(2026, 8, 8, 0, 0, 0);
const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url);
const DAY_MS = 24 * HOUR_MS;
const HOSTILE = [
  "hostile_sizes.json",
  "hostile_batches.json",
  "hostile_compressible.json",
  "hostile_large.json",
  "hostile_deleted.json",
];

function profileOf(topics: unknown[], days = 1, seed = 7): WorkloadProfile {
  return parseProfile(JSON.stringify({ days, seed, topics }), "inline");
}

/** Within `sds` binomial standard deviations of the declared share. */
function assertShare(hits: number, n: number, p: number, what: string, sds = 5): void {
  const sd = Math.sqrt((p * (1 - p)) / n);
  assertAlmostEquals(hits / n, p, sds * sd + 1e-9, `${what}: ${hits}/${n} vs ${p}`);
}

Deno.test("the demo profile plans exactly the records, values and requests it always did", async () => {
  // The fingerprint of the demo's plan as the seeder wrote it before distributions, contents,
  // batching and deletion existed (computed with that code): every record's request,
  // partition, key, timestamp and size, and every 37th record's value.
  const profile = await loadProfile(DEMO_PROFILE_URL);
  const hash = createHash("sha256");
  const enc = new TextEncoder();
  for (const topic of profile.topics) {
    let request = 0;
    for (const hour of profileHours(profile, ANCHOR)) {
      const plan = planHour(profile, topic, ANCHOR, hour);
      for (const req of planRequests(profile, topic, ANCHOR, hour, plan)) {
        for (const i of req) {
          const r = plan[i]!;
          hash.update(
            enc.encode(
              `${topic.name}|${request}|${r.partition}|${r.key}|${r.timestamp}|${r.valueBytes}|`,
            ),
          );
          if (i % 37 === 0) hash.update(plannedValue(profile, topic.traffic!, r, i));
        }
        request++;
      }
    }
  }
  assertEquals(
    hash.digest("hex"),
    "e685ff102f787e7bf5150983e88047372c721b426db66a93c2d72befe884619c",
  );
});

Deno.test("every hostile fixture parses and stays small enough to seed in seconds", async () => {
  for (const name of HOSTILE) {
    const profile = await loadProfile(fixture(name));
    let records = 0;
    for (const t of profile.topics) {
      for (const h of profileHours(profile, ANCHOR)) {
        records += recordsInHour(profile, t, ANCHOR, h);
      }
    }
    assert(records > 0 && records <= 12_000, `${name}: ${records} records`);
    assert(profile.days <= 3, name);
  }
});

Deno.test("uniform sizes draw exactly what valueBytes {min, max} always drew", () => {
  const a = mulberry32(5);
  const b = mulberry32(5);
  for (let i = 0; i < 1000; i++) {
    assertEquals(drawValueBytes({ min: 90, max: 160 }, a), 90 + Math.floor(b() * 71));
  }
  const explicit = mulberry32(9);
  const implicit = mulberry32(9);
  for (let i = 0; i < 100; i++) {
    assertEquals(
      drawValueBytes({ distribution: "uniform", min: 1, max: 9 }, explicit),
      drawValueBytes({ min: 1, max: 9 }, implicit),
    );
  }
});

Deno.test("bimodal sizes: the declared share of large values, each mode in its range", () => {
  const sizes: ValueSizes = {
    distribution: "bimodal",
    min: 50,
    max: 150,
    largeMin: 4000,
    largeMax: 8000,
    largeShare: 0.05,
  };
  const rng = mulberry32(12345);
  const n = 40_000;
  let large = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const s = drawValueBytes(sizes, rng);
    sum += s;
    if (s >= 4000) {
      large++;
      assert(s <= 8000, `large ${s}`);
    } else {
      assert(s >= 50 && s <= 150, `small ${s}`);
    }
  }
  assertShare(large, n, 0.05, "large share");
  // sd of the mean ≈ sqrt(0.05·0.95)·6000/sqrt(n)
  assertAlmostEquals(sum / n, meanValueBytes(sizes), 5 * 6000 * Math.sqrt(0.05 * 0.95 / n));
  assertAlmostEquals(meanValueBytes(sizes), 0.95 * 100 + 0.05 * 6000, 1e-9);
});

Deno.test("pareto sizes: a heavy tail with the declared shape, truncated at max", () => {
  const sizes: ValueSizes = { distribution: "pareto", min: 100, max: 65_536, shape: 1.2 };
  const rng = mulberry32(777);
  const n = 60_000;
  const draws = Array.from({ length: n }, () => drawValueBytes(sizes, rng));
  assert(draws.every((s) => Number.isInteger(s) && s >= 100 && s <= 65_536));
  for (const x of [150, 200, 500, 1_000, 5_000, 20_000]) {
    assertShare(draws.filter((s) => s > x).length, n, tailShare(sizes, x), `P(size > ${x})`);
  }
  // The declared law: P(> 2·min) ≈ 2^-1.2 ≈ 0.435 (truncation changes it by < 0.1 %).
  assertAlmostEquals(tailShare(sizes, 199), 2 ** -1.2, 0.001);
  // Heavy-tailed: the mean is far above the median.
  const sorted = [...draws].sort((a, b) => a - b);
  const median = sorted[n / 2]!;
  const mean = draws.reduce((s, x) => s + x, 0) / n;
  assertAlmostEquals(median, 100 * 2 ** (1 / 1.2), 5);
  assert(mean > 2 * median, `mean ${mean} vs median ${median}`);
  // The mean (minus ~0.5 for rounding down) within 5 standard errors.
  const sd = Math.sqrt(draws.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
  assertAlmostEquals(mean, meanValueBytes(sizes) - 0.5, (5 * sd) / Math.sqrt(n));
  // shape 1 has its own closed form.
  const one: ValueSizes = { distribution: "pareto", min: 10, max: 1000, shape: 1 };
  const r1 = mulberry32(3);
  const m1 = Array.from({ length: n }, () => drawValueBytes(one, r1)).reduce((s, x) => s + x, 0) /
    n;
  assertAlmostEquals(m1, meanValueBytes(one) - 0.5, 1);
});

Deno.test("the plan follows the profile's seed alone: deterministic, another seed draws others, a prefix none", () => {
  const profile = profileOf([{
    name: "p",
    partitions: 2,
    traffic: {
      recordsPerHour: 500,
      valueBytes: { distribution: "pareto", min: 100, max: 10_000, shape: 1.5 },
    },
  }]);
  const topic = profile.topics[0]!;
  const hour = ANCHOR - HOUR_MS;
  const a = planHour(profile, topic, ANCHOR, hour);
  assertEquals(a, planHour(profile, topic, ANCHOR, hour));
  const other = withSeed(profile, 8);
  const b = planHour(other, other.topics[0]!, ANCHOR, hour);
  assertEquals(b.map((r) => r.timestamp), a.map((r) => r.timestamp), "the same records");
  assert(b.some((r, i) => r.valueBytes !== a[i]!.valueBytes), "other sizes");
  assertEquals(profile.seed, 7, "withSeed() leaves the profile it was given alone");
  assertThrows(() => withSeed(profile, 1.5), RangeError);
  // A prefixed copy (every test seeds one) plans the same records: the seed alone decides.
  const copy = withTopicPrefix(profile, "kt123_");
  assertEquals(copy.topics[0]!.name, "kt123_p");
  assertEquals(planHour(copy, copy.topics[0]!, ANCHOR, hour), a);
  const mixed = profileOf([{
    name: "m",
    partitions: 2,
    batching: { oneRecordShare: 0.4, batchRecords: 20 },
    traffic: { recordsPerHour: 300, valueBytes: { min: 10, max: 20 } },
  }]);
  const mixedCopy = withTopicPrefix(mixed, "x_");
  assertEquals(
    batchTruth(mixedCopy, mixedCopy.topics[0]!, ANCHOR).perPartition,
    batchTruth(mixed, mixed.topics[0]!, ANCHOR).perPartition,
  );
});

Deno.test("value contents: exact sizes; compressible values compress tens of times, random ones not at all", () => {
  const record = (valueBytes: number, timestamp: number) => ({
    partition: 0,
    key: null,
    valueBytes,
    timestamp,
  });
  const batch = (content: "trade" | "random" | "compressible") => {
    const parts = Array.from(
      { length: 200 },
      (_, i) =>
        plannedValue({ seed: 1 }, { valueContent: content }, record(300 + i, ANCHOR + i), i),
    );
    parts.forEach((p, i) => assertEquals(p.length, plannedValueBytes(content, 300 + i), content));
    const all = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    return all.length / gzipSync(all).length;
  };
  const trade = batch("trade");
  const random = batch("random");
  const compressible = batch("compressible");
  assert(trade > 3 && trade < 8, `trade ${trade}`);
  assert(random < 1.01, `random ${random}`);
  assert(compressible > 30, `compressible ${compressible}`);
  // The default content is "trade", a trade value is at least 8 bytes; the others exactly the size.
  assertEquals(plannedValueBytes(undefined, 3), 8);
  assertEquals(plannedValue({ seed: 1 }, {}, record(3, ANCHOR), 0).length, 8);
  assertEquals(
    plannedValue({ seed: 1 }, { valueContent: "random" }, record(3, ANCHOR), 0).length,
    3,
  );
  // Random and compressible values change with the seed; trade values never did.
  const r = record(64, ANCHOR);
  assert(
    plannedValue({ seed: 1 }, { valueContent: "random" }, r, 0).some((b, i) =>
      b !== plannedValue({ seed: 2 }, { valueContent: "random" }, r, 0)[i]
    ),
  );
  assertEquals(plannedValue({ seed: 1 }, {}, r, 0), plannedValue({ seed: 2 }, {}, r, 0));
});

/** Checks the invariants of one hour's requests and returns its batches. */
function checkRequests(profile: WorkloadProfile, hour: number, name = profile.topics[0]!.name) {
  const topic = profile.topics.find((t) => t.name === name)!;
  const plan = planHour(profile, topic, ANCHOR, hour);
  const requests = planRequests(profile, topic, ANCHOR, hour, plan);
  const seen = requests.flat();
  assertEquals([...seen].sort((a, b) => a - b), plan.map((_, i) => i), "every record once");
  const last = new Map<number, number>();
  for (const request of requests) {
    for (const i of request) {
      const p = plan[i]!.partition;
      assert((last.get(p) ?? -1) < i, "a partition's records stay in order");
      last.set(p, i);
    }
  }
  return { plan, requests, batches: planBatches(profile, topic, ANCHOR, hour, plan) };
}

Deno.test("mixed batching: the declared share in one-record batches, the rest in few big ones", () => {
  const profile = profileOf([{
    name: "m",
    partitions: 3,
    compression: "lz4",
    batching: { oneRecordShare: 0.3, batchRecords: 50 },
    traffic: { recordsPerHour: 600, valueBytes: { min: 100, max: 400 } },
  }], 2);
  let records = 0;
  let singles = 0;
  for (const hour of profileHours(profile, ANCHOR)) {
    const { plan, requests, batches } = checkRequests(profile, hour);
    // Per partition and hour: round(0.3 × 200) ± 1 one-record batches, multi-record batches ≤ 50.
    for (let p = 0; p < 3; p++) {
      const mine = batches.filter((b) => b.partition === p);
      const ones = mine.filter((b) => b.records.length === 1).length;
      assert(Math.abs(ones - 0.3 * 200) <= 1, `partition ${p}: ${ones} one-record batches`);
      const big = mine.filter((b) => b.records.length > 1);
      assertEquals(big.length, Math.ceil(140 / 50));
      assert(big.every((b) => b.records.length <= 50 && b.records.length >= 46));
    }
    // A request holds at most one batch per partition.
    let at = 0;
    for (const request of requests) {
      const parts = new Set(request.map((i) => plan[i]!.partition));
      assertEquals(
        batches.slice(at, at + parts.size).map((b) => b.partition).sort(),
        [...parts].sort(),
      );
      at += parts.size;
    }
    records += plan.length;
    singles += batches.filter((b) => b.records.length === 1).length;
  }
  assertAlmostEquals(singles / records, 0.3, 0.005);
  const truth = batchTruth(profile, profile.topics[0]!, ANCHOR);
  assertEquals(truth.records, records);
  assertEquals(truth.oneRecordBatches, singles);
  assert(truth.oneRecordBatches / truth.batches > 0.9, "most batches hold one record");
  assertEquals(truth.largestBatchRecords, 47);
  assertAlmostEquals(
    truth.headerBytesPerRecord,
    (truth.batches * BATCH_HEADER_BYTES) / records,
    1e-9,
  );
  // The batch mix follows the seed: another seed interleaves differently.
  const other = withSeed(profile, 99);
  assert(
    JSON.stringify(batchTruth(other, other.topics[0]!, ANCHOR).perPartition) !==
      JSON.stringify(truth.perPartition),
  );
  // Shares 0 and 1.
  for (const share of [0, 1]) {
    const p = profileOf([{
      name: "s",
      partitions: 2,
      batching: { oneRecordShare: share, batchRecords: 10 },
      traffic: { recordsPerHour: 40, valueBytes: { min: 10, max: 10 } },
    }]);
    const t = batchTruth(p, p.topics[0]!, ANCHOR);
    assertEquals(t.oneRecordBatches, share * t.records);
    if (share === 0) assertEquals(t.batches, 24 * 2 * 2);
  }
});

Deno.test("default batching: one batch per partition per request, flushed every hour", () => {
  const profile = profileOf([{
    name: "d",
    partitions: 4,
    traffic: { recordsPerHour: 1000, valueBytes: { min: 100, max: 200 } },
  }]);
  const topic = profile.topics[0]!;
  const truth = batchTruth(profile, topic, ANCHOR);
  assertEquals(truth.batches, 24 * 4);
  assertEquals(truth.oneRecordBatches, 0);
  assertEquals(truth.perPartition.map((b) => b.length), [24, 24, 24, 24]);
  assertEquals(truth.records, 24_000);
  // 512 KiB per request: 6,000 records of ~1 KiB take 12 requests, so 12 batches per partition.
  const big = profileOf([{
    name: "b",
    partitions: 2,
    traffic: { recordsPerHour: 6000, valueBytes: { min: 1000, max: 1000 } },
  }]);
  const { requests } = checkRequests(big, ANCHOR - HOUR_MS);
  assertEquals(requests.length, Math.ceil((6000 * 1064) / (512 * 1024)));
});

Deno.test("records near max.message.bytes: no batch over the topic's limit, each big one alone", () => {
  const profile = profileOf([{
    name: "l",
    partitions: 2,
    compression: "zstd",
    configs: { "max.message.bytes": "2097152" },
    traffic: {
      recordsPerHour: 60,
      valueBytes: {
        distribution: "bimodal",
        min: 100,
        max: 1000,
        largeMin: 1_800_000,
        largeMax: 1_887_436,
        largeShare: 0.2,
      },
    },
  }]);
  let large = 0;
  for (const hour of profileHours(profile, ANCHOR)) {
    const { plan, batches, requests } = checkRequests(profile, hour);
    for (const b of batches) {
      const bytes = b.records.reduce(
        (s, i) => s + plan[i]!.valueBytes + keyAndHeaderBytes(plan[i]!, 0) + 36,
        BATCH_HEADER_BYTES,
      );
      assert(bytes <= 2_097_152 - 1024, `a batch of ${bytes} bytes`);
      const big = b.records.filter((i) => plan[i]!.valueBytes >= 1_800_000).length;
      if (big > 0) assertEquals(b.records.length, 1, "a near-limit value shares its batch");
      large += big;
    }
    for (const request of requests) {
      if (request.some((i) => plan[i]!.valueBytes >= 512 * 1024)) {
        assertEquals(request.length, 1, "a value over a request's size shares its request");
      }
    }
  }
  assert(large > 200, `${large} near-limit values`);
  // A value that cannot fit under the limit is a profile error, not a broker error.
  const err = assertThrows(
    () =>
      profileOf([{
        name: "x",
        partitions: 1,
        traffic: { recordsPerHour: 1, valueBytes: { min: 1, max: 1_048_000 } },
      }]),
    ProfileError,
  );
  assert(err.message.includes("topics.0.traffic.valueBytes:"), err.message);
  assert(err.message.includes("max.message.bytes (1048588)"), err.message);
});

Deno.test("deleteBefore mid-hour: the cut hour is partial, earlier hours gone, batches end at the cut", () => {
  const profile = profileOf([{
    name: "del",
    partitions: 3,
    batching: { oneRecordShare: 0.2, batchRecords: 30 },
    deleteBefore: { hoursAgo: 30.5 },
    traffic: { recordsPerHour: 120, valueBytes: { min: 200, max: 600 }, headers: 1 },
  }], 2);
  const topic = profile.topics[0]!;
  const cut = ANCHOR - 30.5 * HOUR_MS;
  assertEquals(deletionCut(topic, ANCHOR), cut);
  const cutHour = ANCHOR - 31 * HOUR_MS;
  const d = deletionTruth(profile, topic, ANCHOR)!;
  assertEquals(d.cut, cut);
  assertEquals(d.partialHourStart, cutHour);
  assertEquals(d.droppedHourStarts, [cutHour]);
  assertEquals(d.firstCompleteHourStart, cutHour + HOUR_MS);
  // 17 whole hours and half of the cut hour: (17 × 120 + 60) / 3 per partition.
  assertEquals(d.logStartOffsets, [700, 700, 700]);
  assertEquals(d.deletedRecords, 2100);
  for (const ts of d.firstRetainedTimestamps) assert(ts! >= cut && ts! < cutHour + HOUR_MS);

  assertEquals(recordsInLog(profile, topic, ANCHOR, cutHour - HOUR_MS), 0);
  assertEquals(recordsInLog(profile, topic, ANCHOR, cutHour), 60);
  assertEquals(recordsInHour(profile, topic, ANCHOR, cutHour), 120, "written, deleted or not");
  assertEquals(recordsInLog(profile, topic, ANCHOR, cutHour + HOUR_MS), 120);

  const window = { start: ANCHOR - 2 * DAY_MS, end: ANCHOR };
  const truth = topicTruth(profile, topic, ANCHOR, window);
  assertEquals(truth.partialHourStart, cutHour);
  assertEquals(truth.firstCompleteHourStart, cutHour + HOUR_MS);
  assertEquals(truth.recordsInLog, 30 * 120 + 60);
  assertEquals(truth.records, 30 * 120, "model.md drops the partial hour");
  assertEquals(truth.perPartition, [1200, 1200, 1200]);
  assertEquals(truth.hourly.find((h) => h.hourStart === cutHour)!.records, 60);
  assertEquals(
    truth.hourly.filter((h) => h.hourStart < cutHour).every((h) => h.records === 0),
    true,
  );
  const byPartition = partitionHourly(profile, topic, ANCHOR, window);
  assertEquals(
    truth.hourly.map((_, j) => byPartition.reduce((s, p) => s + p[j]!, 0)),
    truth.hourly.map((h) => h.records),
  );
  // Payload: mean value 400, key none, one header "h0" = "seed" (6 bytes).
  assertAlmostEquals(truth.payloadBytes / truth.records, 406, 6);

  // No batch holds records from both sides of the cut, so the log start is a batch's base.
  const plan = planHour(profile, topic, ANCHOR, cutHour);
  for (const b of planBatches(profile, topic, ANCHOR, cutHour, plan)) {
    const sides = new Set(b.records.map((i) => plan[i]!.timestamp >= cut));
    assertEquals(sides.size, 1);
  }
  const batches = batchTruth(profile, topic, ANCHOR);
  assertEquals(batches.records, truth.recordsInLog);

  // A window that starts after the cut sees no partial hour.
  const later = topicTruth(profile, topic, ANCHOR, { start: ANCHOR - DAY_MS, end: ANCHOR });
  assertEquals(later.partialHourStart, null);
  assertEquals(later.firstCompleteHourStart, ANCHOR - DAY_MS);
  assertEquals(later.records, 24 * 120);
});

Deno.test("deleteBefore on a whole hour: nothing of that hour is deleted, but the log cannot show it", () => {
  const profile = profileOf([{
    name: "w",
    partitions: 2,
    deleteBefore: { hoursAgo: 10 },
    traffic: { recordsPerHour: 10, valueBytes: { min: 10, max: 10 } },
  }]);
  const topic = profile.topics[0]!;
  const d = deletionTruth(profile, topic, ANCHOR)!;
  const cutHour = ANCHOR - 10 * HOUR_MS;
  assertEquals(d.partialHourStart, null);
  assertEquals(d.droppedHourStarts, [cutHour]);
  assertEquals(d.firstCompleteHourStart, cutHour + HOUR_MS);
  assertEquals(d.deletedRecords, 140);
  const truth = topicTruth(profile, topic, ANCHOR, { start: ANCHOR - DAY_MS, end: ANCHOR });
  assertEquals(truth.recordsInLog, 100);
  assertEquals(truth.records, 90);
  // No deleteBefore: no deletion truth, and the truth is what it always was.
  const plain = profileOf([{
    name: "p",
    partitions: 2,
    traffic: { recordsPerHour: 10, valueBytes: { min: 10, max: 10 } },
  }]);
  assertEquals(deletionTruth(plain, plain.topics[0]!, ANCHOR), null);
  const t = topicTruth(plain, plain.topics[0]!, ANCHOR, { start: ANCHOR - DAY_MS, end: ANCHOR });
  assertEquals([t.records, t.recordsInLog, t.partialHourStart], [240, 240, null]);
  assertEquals(t.firstCompleteHourStart, ANCHOR - DAY_MS);
});

Deno.test("parseProfile() names the problems of the new options", () => {
  const err = assertThrows(
    () =>
      profileOf([
        {
          name: "a",
          partitions: 1,
          traffic: {
            recordsPerHour: 1,
            valueBytes: {
              distribution: "bimodal",
              min: 1,
              max: 2,
              largeMin: 9,
              largeMax: 3,
              largeShare: 2,
            },
          },
        },
        {
          name: "b",
          partitions: 1,
          batching: { oneRecordShare: 1.5, batchRecords: 1 },
          traffic: {
            recordsPerHour: 1,
            valueContent: "zeros",
            valueBytes: { distribution: "lognormal", min: 1, max: 2 },
          },
        },
        {
          name: "c",
          partitions: 1,
          traffic: {
            recordsPerHour: 1,
            valueBytes: { distribution: "pareto", min: 10, max: 100, shape: 0 },
          },
        },
      ]),
    ProfileError,
  );
  for (
    const path of [
      "topics.0.traffic.valueBytes.largeShare",
      "topics.1.batching.oneRecordShare",
      "topics.1.batching.batchRecords",
      "topics.1.traffic.valueContent",
      "topics.1.traffic.valueBytes.distribution",
      "topics.2.traffic.valueBytes.shape",
    ]
  ) {
    assert(err.message.includes(`${path}:`), `${path} missing in:\n${err.message}`);
  }
  assert(err.message.includes("min must not exceed max, nor largeMin largeMax"), err.message);
  // Checks across fields run once every field is valid.
  const across = assertThrows(
    () =>
      profileOf([{
        name: "a",
        partitions: 1,
        configs: {
          "retention.ms": "1000",
          "cleanup.policy": "compact",
          "max.message.bytes": "lots",
        },
        deleteBefore: { hoursAgo: 24 },
        traffic: { recordsPerHour: 1, valueBytes: { min: 1, max: 2 } },
      }]),
    ProfileError,
  );
  for (
    const path of [
      "topics.0.configs.retention.ms",
      "topics.0.configs.cleanup.policy",
      "topics.0.configs.max.message.bytes",
      "topics.0.deleteBefore.hoursAgo",
    ]
  ) {
    assert(across.message.includes(`${path}:`), `${path} missing in:\n${across.message}`);
  }
});
