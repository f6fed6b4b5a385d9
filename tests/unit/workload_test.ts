import { assert, assertEquals, assertThrows } from "../assert.ts";
import {
  DEMO_PROFILE_URL,
  loadProfile,
  parseProfile,
  ProfileError,
  withTopicPrefix,
} from "../../dev/workload/profile.ts";
import { HOUR_MS, planHour, profileHours, recordsInHour } from "../../dev/workload/plan.ts";
import { groundTruth, topicTruth } from "../../dev/workload/ground_truth.ts";

const ANCHOR = Date.UTC(2026, 8, 8, 0, 0, 0);
const DAY_MS = 24 * HOUR_MS;

Deno.test("demo profile declares ~270,000 records over the last day for both stock-trade topics", async () => {
  const profile = await loadProfile(DEMO_PROFILE_URL);
  const truth = groundTruth(profile, ANCHOR, { start: ANCHOR - 7 * DAY_MS, end: ANCHOR });
  for (const name of ["stock_trades", "stock_trades_with_totals"]) {
    const t = truth.get(name)!;
    assertEquals(t.partitions, 6);
    assertEquals(t.records, 270_000);
    assertEquals(t.hourly.filter((h) => h.records > 0).length, 24);
  }
});

Deno.test("demo profile covers every case the analyzer must handle", async () => {
  const profile = await loadProfile(DEMO_PROFILE_URL);
  const codecs = new Set(profile.topics.map((t) => t.compression));
  for (const c of ["gzip", "snappy", "lz4", "zstd"]) assert(codecs.has(c as never), c);
  assert(profile.topics.some((t) => t.cleanupPolicy === "compact"));
  assert(profile.topics.some((t) => t.retentionMs === DAY_MS && (t.traffic?.days ?? 7) === 7));
  assert(profile.topics.some((t) => !t.traffic));
  assert(profile.topics.some((t) => t.traffic?.keys.kind === "hot"));
  assert(profile.topics.some((t) => t.traffic?.dailyPeak));
  assert(profile.topics.some((t) => t.name.startsWith("_")));
  assert(profile.topics.some((t) => t.partitions > 6), "an over-partitioned topic");
});

Deno.test("recordsInHour() follows the declared days, daily peak and growth", () => {
  const profile = parseProfile(
    JSON.stringify({
      days: 3,
      topics: [{
        name: "t",
        partitions: 2,
        traffic: {
          days: 2,
          recordsPerHour: 100,
          dailyPeak: { hourUtc: 14, multiplier: 5 },
          growthPerDay: 0.1,
          valueBytes: { min: 10, max: 10 },
        },
      }],
    }),
    "inline",
  );
  const topic = profile.topics[0]!;
  const firstActive = ANCHOR - 2 * DAY_MS;
  assertEquals(recordsInHour(profile, topic, ANCHOR, firstActive - HOUR_MS), 0);
  assertEquals(recordsInHour(profile, topic, ANCHOR, firstActive), 100);
  assertEquals(recordsInHour(profile, topic, ANCHOR, firstActive + 14 * HOUR_MS), 500);
  assertEquals(recordsInHour(profile, topic, ANCHOR, firstActive + DAY_MS), 110);
  assertEquals(recordsInHour(profile, topic, ANCHOR, firstActive + DAY_MS + 14 * HOUR_MS), 550);
  assertEquals(recordsInHour(profile, topic, ANCHOR, ANCHOR), 0);
  const truth = topicTruth(profile, topic, ANCHOR, { start: ANCHOR - 3 * DAY_MS, end: ANCHOR });
  assertEquals(truth.hourly.length, 72);
  assertEquals(truth.peakHourStart, firstActive + DAY_MS + 14 * HOUR_MS);
});

Deno.test("planHour() is deterministic, time-ordered and inside its hour", () => {
  const profile = parseProfile(
    JSON.stringify({
      days: 1,
      topics: [{
        name: "k",
        partitions: 4,
        traffic: {
          recordsPerHour: 1000,
          valueBytes: { min: 5, max: 9 },
          keys: { kind: "hot", cardinality: 10, hotShare: 0.8 },
        },
      }],
    }),
    "inline",
  );
  const topic = profile.topics[0]!;
  const hour = ANCHOR - HOUR_MS;
  const a = planHour(profile, topic, ANCHOR, hour);
  assertEquals(a, planHour(profile, topic, ANCHOR, hour));
  assertEquals(a.length, 1000);
  for (let i = 0; i < a.length; i++) {
    const r = a[i]!;
    assert(r.timestamp >= hour && r.timestamp < hour + HOUR_MS);
    if (i > 0) assert(r.timestamp >= a[i - 1]!.timestamp);
    assert(r.valueBytes >= 5 && r.valueBytes <= 9);
    assert(r.key !== null);
  }
  const hot = a.filter((r) => r.key === "hot-key").length;
  assert(hot > 700 && hot < 900, `hot-key share ${hot}`);
  const truth = topicTruth(profile, topic, ANCHOR, { start: hour, end: ANCHOR });
  assertEquals(truth.perPartition.reduce((s, n) => s + n, 0), 1000);
  assert(truth.perPartition[0]! > 2 * (1000 / 4), "the hot key's partition is skewed");
});

Deno.test("parseProfile() names every problem with its path", () => {
  const err = assertThrows(
    () =>
      parseProfile(
        JSON.stringify({
          days: 0,
          topics: [
            { name: "bad name!", partitions: 0 },
            {
              name: "c",
              partitions: 1,
              cleanupPolicy: "compact",
              traffic: { recordsPerHour: 1, valueBytes: { min: 1, max: 1 } },
            },
          ],
        }),
        "p.json",
      ),
    ProfileError,
  );
  for (const path of ["days", "topics.0.name", "topics.0.partitions", "topics.1.traffic.keys"]) {
    assert(err.message.includes(`${path}:`), `${path} missing in:\n${err.message}`);
  }
  assertThrows(
    () => parseProfile("{", "broken.json"),
    ProfileError,
    "broken.json is not valid JSON",
  );
});

Deno.test("withTopicPrefix() keeps internal topics internal", async () => {
  const profile = withTopicPrefix(await loadProfile(DEMO_PROFILE_URL), "t1_");
  assert(profile.topics.some((t) => t.name === "t1_stock_trades"));
  assert(profile.topics.some((t) => t.name === "_t1_internal_metrics"));
});

Deno.test("profileHours() lists days × 24 whole hours before the anchor", () => {
  const profile = parseProfile(
    JSON.stringify({ days: 2, topics: [{ name: "e", partitions: 1 }] }),
    "x",
  );
  const hours = profileHours(profile, ANCHOR);
  assertEquals(hours.length, 48);
  assertEquals(hours[0], ANCHOR - 2 * DAY_MS);
  assertEquals(hours.at(-1), ANCHOR - HOUR_MS);
  assertThrows(() => profileHours(profile, ANCHOR + 1), RangeError);
});
