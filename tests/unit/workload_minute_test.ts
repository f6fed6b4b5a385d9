// Minute-level bursts in the declared workload (profile `minuteBursts`): where the plan puts
// their records, that profiles without them plan exactly what they did, and the ground
// truth per minute and of the busiest minute.
import { assert, assertEquals, assertThrows } from "../assert.ts";
import { parseProfile, ProfileError, type WorkloadProfile } from "../../dev/workload/profile.ts";
import {
  burstsInHour,
  HOUR_MS,
  hourTimestamps,
  MINUTE_MS,
  planHour,
  profileHours,
  recordsInHour,
} from "../../dev/workload/plan.ts";
import {
  minuteTruth,
  partitionHourly,
  peakMinuteTruth,
  recordsInLog,
  topicTruth,
} from "../../dev/workload/ground_truth.ts";

// A Tuesday, 00:00 UTC.
const ANCHOR = Date.UTC(2026, 8, 8, 0, 0, 0);
const DAY_MS = 24 * HOUR_MS;

function profileOf(topics: unknown[], days = 1, seed = 7): WorkloadProfile {
  return parseProfile(JSON.stringify({ days, seed, topics }), "inline");
}

function perMinute(stamps: readonly number[], hourStart: number): number[] {
  const counts = new Array<number>(60).fill(0);
  for (const ts of stamps) counts[Math.floor((ts - hourStart) / MINUTE_MS)]!++;
  return counts;
}

Deno.test("hourTimestamps(): without bursts, exactly the even spread every profile had", () => {
  const h = ANCHOR - 5 * HOUR_MS;
  for (const n of [1, 7, 60, 61, 1000, 11_250]) {
    const even = Array.from({ length: n }, (_, i) => h + Math.floor(((i + 0.5) * HOUR_MS) / n));
    assertEquals(hourTimestamps(n, h), even, `n = ${n}`);
    assertEquals(hourTimestamps(n, h, []), even, `n = ${n}, no bursts`);
  }
});

Deno.test("hourTimestamps(): each burst's share in its minute, the rest spread over the hour", () => {
  const h = ANCHOR - 5 * HOUR_MS;
  // 600 records: 300 in minute 17, 120 in minute 0, 60 in minute 59; 120 spread (2 a minute).
  const stamps = hourTimestamps(600, h, [
    { minute: 17, share: 0.5 },
    { minute: 0, share: 0.2 },
    { minute: 59, share: 0.1 },
  ]);
  assertEquals(stamps.length, 600);
  assert(stamps.every((ts, i) => i === 0 || ts >= stamps[i - 1]!), "ascending");
  assert(stamps.every((ts) => ts >= h && ts < h + HOUR_MS), "inside the hour");
  const counts = perMinute(stamps, h);
  assertEquals(counts[17], 302);
  assertEquals(counts[0], 122);
  assertEquals(counts[59], 62);
  assert(counts.every((n, m) => [0, 17, 59].includes(m) || n === 2), `${counts}`);
  // Shares round by their running total, so they never take more records than the hour has.
  const thirds = hourTimestamps(10, h, [
    { minute: 1, share: 1 / 3 },
    { minute: 2, share: 1 / 3 },
    { minute: 3, share: 1 / 3 },
  ]);
  assertEquals(perMinute(thirds, h).slice(0, 5), [0, 3, 4, 3, 0]);
  // A whole hour in one minute; two bursts in the same minute add up.
  assertEquals(perMinute(hourTimestamps(50, h, [{ minute: 30, share: 1 }]), h)[30], 50);
  assertEquals(
    perMinute(hourTimestamps(100, h, [{ minute: 9, share: 0.3 }, { minute: 9, share: 0.3 }]), h)[
      9
    ],
    61,
  );
  assertEquals(hourTimestamps(0, h, [{ minute: 3, share: 1 }]), []);
});

Deno.test("burstsInHour(): one hour (hoursAgo), that hour of every day (hourUtc), or every hour", () => {
  const profile = profileOf([{
    name: "b",
    partitions: 1,
    traffic: {
      recordsPerHour: 60,
      valueBytes: { min: 10, max: 10 },
      minuteBursts: [
        { hoursAgo: 3, minute: 10, share: 0.5 },
        { hourUtc: 21, minute: 20, share: 0.25 },
        { minute: 30, share: 0.1 },
      ],
    },
  }], 2);
  const topic = profile.topics[0]!;
  const at = (hoursAgo: number) => burstsInHour(topic, ANCHOR, ANCHOR - hoursAgo * HOUR_MS);
  // 3 hours before the anchor is 21:00 UTC: all three apply.
  assertEquals(at(3), [
    { minute: 10, share: 0.5 },
    { minute: 20, share: 0.25 },
    { minute: 30, share: 0.1 },
  ]);
  // 21:00 UTC the day before: not the hoursAgo one.
  assertEquals(at(27), [{ minute: 20, share: 0.25 }, { minute: 30, share: 0.1 }]);
  assertEquals(at(4), [{ minute: 30, share: 0.1 }]);
  const none = profileOf([{
    name: "n",
    partitions: 1,
    traffic: { recordsPerHour: 60, valueBytes: { min: 10, max: 10 } },
  }]);
  assertEquals(burstsInHour(none.topics[0]!, ANCHOR, ANCHOR - HOUR_MS), []);
});

Deno.test("planHour() with bursts moves timestamps only: partitions, keys and sizes stay", () => {
  const topic = (bursts: unknown) => ({
    name: "k",
    partitions: 4,
    traffic: {
      recordsPerHour: 500,
      valueBytes: { distribution: "pareto", min: 20, max: 2000, shape: 1.5 },
      keys: { kind: "uniform", cardinality: 50 },
      headers: 1,
      ...(bursts === undefined ? {} : { minuteBursts: bursts }),
    },
  });
  const plain = profileOf([topic(undefined)]);
  const empty = profileOf([topic([])]);
  const bursty = profileOf([topic([{ minute: 42, share: 0.6 }])]);
  for (const h of profileHours(plain, ANCHOR).slice(0, 3)) {
    const a = planHour(plain, plain.topics[0]!, ANCHOR, h);
    assertEquals(planHour(empty, empty.topics[0]!, ANCHOR, h), a, "an empty list is no list");
    const b = planHour(bursty, bursty.topics[0]!, ANCHOR, h);
    assertEquals(
      b.map(({ timestamp: _, ...r }) => r),
      a.map(({ timestamp: _, ...r }) => r),
    );
    assertEquals(b.map((r) => r.timestamp), hourTimestamps(500, h, [{ minute: 42, share: 0.6 }]));
    assertEquals(perMinute(b.map((r) => r.timestamp), h)[42], 300 + 3);
    assertEquals(recordsInHour(bursty, bursty.topics[0]!, ANCHOR, h), 500);
  }
});

Deno.test("parseProfile() names the problems of minuteBursts", () => {
  const bad = (bursts: unknown[], days = 1) =>
    assertThrows(
      () =>
        profileOf([{
          name: "t",
          partitions: 1,
          traffic: { recordsPerHour: 1, valueBytes: { min: 1, max: 1 }, minuteBursts: bursts },
        }], days),
      ProfileError,
    ).message;
  assert(bad([{ minute: 60, share: 0.1 }]).includes("topics.0.traffic.minuteBursts.0.minute:"));
  assert(bad([{ minute: 1, share: 0 }]).includes("topics.0.traffic.minuteBursts.0.share:"));
  assert(bad([{ minute: 1, share: 1.5 }]).includes("minuteBursts.0.share:"));
  assert(bad([{ minute: 1, share: 0.5, hoursAgo: 2, hourUtc: 3 }]).includes("not both"));
  assert(bad([{ minute: 1, share: 0.5, hoursAgo: 25 }]).includes("minuteBursts.0.hoursAgo:"));
  assert(bad([{ minute: 1, share: 0.6 }, { minute: 2, share: 0.6 }]).includes("every hour"));
  assert(
    bad([{ minute: 1, share: 0.5 }, { minute: 2, share: 0.6, hourUtc: 4 }]).includes(
      "hour 4 UTC",
    ),
  );
  assert(
    bad([{ minute: 1, share: 0.7, hoursAgo: 2 }, { minute: 2, share: 0.6, hoursAgo: 2 }])
      .includes("2 hours before the anchor"),
  );
  // Shares that meet only for some anchors are checked when the hour is planned.
  const profile = profileOf([{
    name: "t",
    partitions: 1,
    traffic: {
      recordsPerHour: 10,
      valueBytes: { min: 1, max: 1 },
      minuteBursts: [{ minute: 1, share: 0.7, hoursAgo: 3 }, {
        minute: 2,
        share: 0.7,
        hourUtc: 21,
      }],
    },
  }]);
  assertThrows(
    () => planHour(profile, profile.topics[0]!, ANCHOR, ANCHOR - 3 * HOUR_MS),
    RangeError,
    "more than 1",
  );
  assertEquals(planHour(profile, profile.topics[0]!, ANCHOR, ANCHOR - 4 * HOUR_MS).length, 10);
  // Float noise in shares that add up to 1 is fine.
  profileOf([{
    name: "t",
    partitions: 1,
    traffic: {
      recordsPerHour: 10,
      valueBytes: { min: 1, max: 1 },
      minuteBursts: [{ minute: 1, share: 0.1 }, { minute: 2, share: 0.2 }, {
        minute: 3,
        share: 0.7,
      }],
    },
  }]);
});

Deno.test("minuteTruth(): every record of the hour in its minute, per partition, deletions left out", () => {
  const profile = profileOf([{
    name: "m",
    partitions: 3,
    deleteBefore: { hoursAgo: 5.5 },
    traffic: {
      recordsPerHour: 240,
      valueBytes: { min: 10, max: 20 },
      minuteBursts: [{ hoursAgo: 3, minute: 44, share: 0.5 }, { minute: 5, share: 0.25 }],
    },
  }]);
  const topic = profile.topics[0]!;
  const window = { start: ANCHOR - DAY_MS, end: ANCHOR };
  const byPartition = partitionHourly(profile, topic, ANCHOR, window);
  profileHours(profile, ANCHOR).forEach((h, j) => {
    const m = minuteTruth(profile, topic, ANCHOR, h);
    assertEquals(m.hourStart, h);
    assertEquals(m.records.length, 60);
    assertEquals(m.records.reduce((s, n) => s + n, 0), recordsInLog(profile, topic, ANCHOR, h));
    m.perPartition.forEach((minutes, p) => {
      assertEquals(minutes.reduce((s, n) => s + n, 0), byPartition[p]![j], `partition ${p}`);
    });
    assertEquals(
      m.records,
      m.records.map((_, k) => m.perPartition.reduce((s, row) => s + row[k]!, 0)),
    );
  });
  // 21:00 holds the hoursAgo burst: 120 in minute 44, 60 in minute 5, 60 spread (1 a minute).
  const burst = minuteTruth(profile, topic, ANCHOR, ANCHOR - 3 * HOUR_MS);
  assertEquals([burst.records[44], burst.records[5], burst.records[6]], [121, 61, 1]);
  // 18:30 is the cut: the first half of that hour is gone, its burst in minute 5 too; 3 of
  // the 180 spread records a minute are left after it. Earlier hours are gone; 19:00 keeps
  // its 60 + 3 in minute 5.
  const cut = minuteTruth(profile, topic, ANCHOR, ANCHOR - 6 * HOUR_MS);
  assertEquals(cut.records.slice(0, 30).reduce((s, n) => s + n, 0), 0);
  assertEquals(cut.records[30], 3);
  assertEquals(minuteTruth(profile, topic, ANCHOR, ANCHOR - 7 * HOUR_MS).records[5], 0);
  assertEquals(minuteTruth(profile, topic, ANCHOR, ANCHOR - 5 * HOUR_MS).records[5], 63);
  // An hour the topic has no traffic in.
  assertEquals(minuteTruth(profile, topic, ANCHOR, ANCHOR).records, new Array(60).fill(0));
});

Deno.test("peakMinuteTruth(): the busiest minute of the counted hours, or of the top hours", () => {
  const profile = profileOf([
    {
      // Busy hours at 14:00 UTC, growing by 10 % a day, with bursts; one bigger burst in an
      // ordinary hour, which the top three hours do not include.
      name: "p",
      partitions: 2,
      traffic: {
        recordsPerHour: 100,
        dailyPeak: { hourUtc: 14, multiplier: 3 },
        growthPerDay: 0.1,
        valueBytes: { min: 10, max: 20 },
        minuteBursts: [
          { hourUtc: 14, minute: 59, share: 0.25 },
          { hoursAgo: 5, minute: 0, share: 1 },
        ],
      },
    },
    { name: "empty", partitions: 1 },
    {
      // The same every day: the earliest of the tied minutes.
      name: "flat",
      partitions: 1,
      traffic: {
        recordsPerHour: 120,
        valueBytes: { min: 10, max: 20 },
        minuteBursts: [{ minute: 7, share: 0.5 }],
      },
    },
  ], 3);
  const window = { start: ANCHOR - 3 * DAY_MS, end: ANCHOR };
  const [p, empty, flat] = profile.topics;
  const lastPeak = ANCHOR - DAY_MS + 14 * HOUR_MS;
  const top = peakMinuteTruth(profile, p!, ANCHOR, window, { topHours: 3 });
  // Day 3's 14:00 hour: round(100 × 3 × 1.21) = 363 records, 91 of them in minute 59 plus 272
  // spread over 60 minutes (4 or 5 a minute).
  assertEquals(recordsInHour(profile, p!, ANCHOR, lastPeak), 363);
  assertEquals(top?.minuteStart, lastPeak + 59 * MINUTE_MS);
  assertEquals(top?.records, minuteTruth(profile, p!, ANCHOR, lastPeak).records[59]);
  assertEquals(top?.hoursSearched, [0, 1, 2].map((d) => window.start + d * DAY_MS + 14 * HOUR_MS));
  // Over every hour: the ordinary hour whose 121 records all fall in its minute 0.
  const all = peakMinuteTruth(profile, p!, ANCHOR, window);
  assertEquals(all?.minuteStart, ANCHOR - 5 * HOUR_MS);
  assertEquals(all?.records, recordsInHour(profile, p!, ANCHOR, ANCHOR - 5 * HOUR_MS));
  assertEquals(all?.records, 121);
  assertEquals(peakMinuteTruth(profile, empty!, ANCHOR, window), null);
  const tied = peakMinuteTruth(profile, flat!, ANCHOR, window, { topHours: 3 });
  assertEquals(tied?.minuteStart, window.start + 7 * MINUTE_MS);
  // 60 in minute 7, and one of the 60 spread over the hour (one a minute).
  assertEquals(tied?.records, 61);
  assertEquals(tied?.hoursSearched, [0, 1, 2].map((i) => window.start + i * HOUR_MS));
  // The window's hours only; a topic's truth agrees on what is counted.
  const late = { start: ANCHOR - DAY_MS, end: ANCHOR };
  assertEquals(
    peakMinuteTruth(profile, flat!, ANCHOR, late, { topHours: 1 })?.minuteStart,
    late.start + 7 * MINUTE_MS,
  );
  assertEquals(topicTruth(profile, flat!, ANCHOR, late).firstCompleteHourStart, late.start);
});

Deno.test("peakMinuteTruth() counts from the first complete hour: a cut hour is not searched", () => {
  const profile = profileOf([{
    name: "cut",
    partitions: 1,
    deleteBefore: { hoursAgo: 30.5 },
    traffic: {
      recordsPerHour: 60,
      valueBytes: { min: 10, max: 20 },
      // In the hour the cut falls in (after the cut), and a smaller one later.
      minuteBursts: [{ hoursAgo: 31, minute: 50, share: 0.9 }, {
        hoursAgo: 10,
        minute: 3,
        share: 0.5,
      }],
    },
  }], 2);
  const topic = profile.topics[0]!;
  const window = { start: ANCHOR - 2 * DAY_MS, end: ANCHOR };
  // 54 in minute 50; the 6 spread over the hour fall in minutes 5, 15, …, 55.
  assertEquals(minuteTruth(profile, topic, ANCHOR, ANCHOR - 31 * HOUR_MS).records[50], 54);
  const peak = peakMinuteTruth(profile, topic, ANCHOR, window);
  assertEquals(peak?.minuteStart, ANCHOR - 10 * HOUR_MS + 3 * MINUTE_MS);
  // 30 in minute 3, and one of the 30 spread one every other minute (1, 3, 5, …).
  assertEquals(peak?.records, 31);
  assertEquals(peak?.hoursSearched[0], ANCHOR - 30 * HOUR_MS);
});
