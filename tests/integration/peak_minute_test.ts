// The busiest minute and the per-partition hours of the sampling source, against the real
// broker and a workload whose minutes the test declared: bursts of a share of an hour's
// records in one minute (the profile's `minuteBursts`). Every number is compared with the
// ground truth of the record plan (dev/workload/ground_truth.ts), never with the tool's own
// output: the peak minute's start and records are exact, and so is every partition's every
// hour. The minute offsets are also checked every way they can be found (reading records,
// looking each minute up, and replaying the records a whole read kept), partition by partition
// and minute by minute.
import { assert, assertAlmostEquals, assertEquals, assertNotEquals } from "../assert.ts";
import { localBroker, plaintextConnection, seedFresh } from "../support/testbed.ts";
import {
  minuteTruth,
  partitionHourly,
  peakMinuteTruth,
  topicTruth,
} from "../../dev/workload/ground_truth.ts";
import { HOUR_MS, MINUTE_MS, planHour, profileHours } from "../../dev/workload/plan.ts";
import {
  parseProfile,
  type TopicProfile,
  type WorkloadProfile,
} from "../../dev/workload/profile.ts";
import { keepRecord, type TimedOffsets, timedOffsets } from "../../src/kafka/boundary_scan.ts";
import { KafkaCluster } from "../../src/kafka/cluster.ts";
import { fetchFromLeader } from "../../src/kafka/fetch.ts";
import { countsBetween, WINDOW_LOOKUPS } from "../../src/kafka/hourly_offsets.ts";
import { countKafkaRequests, takeRequestCounts } from "../../src/kafka/request_counter.ts";
import {
  minuteOffsets,
  type MinuteOffsetsOptions,
  type MinuteRequest,
} from "../../src/kafka/minute_offsets.ts";
import type { LeaderPartition } from "../../src/kafka/types.ts";
import { planCluster } from "../../src/plan/cluster_plan.ts";
import { PEAK_MINUTE_TOP_HOURS } from "../../src/sources/peak_minute.ts";
import { measureBySampling } from "../../src/sources/sampling.ts";

const REPLAYED = "replayed from the records of a whole read";

/** Every record's offset and timestamp from `from` to the end of the log, as a whole read keeps. */
async function keptRecords(
  cluster: KafkaCluster,
  at: LeaderPartition,
  from: bigint,
): Promise<TimedOffsets> {
  let kept = timedOffsets();
  for (let offset = from, end = -1n; end < 0n || offset < end;) {
    const [r] = await fetchFromLeader(cluster, at.leader, [{ ...at, offset, maxBytes: 1 << 20 }]);
    assert(r && r.errorCode === 0, `${at.topic}[${at.partition}]@${offset}: ${r?.errorCode}`);
    end = r.highWatermark;
    if (r.batches.length === 0) break;
    for (let row = 0; row < r.records.length; row++) {
      kept = keepRecord(kept, r.records.offsets[row]!, r.records.timestamps[row]!);
    }
    offset = BigInt(r.batches.at(-1)!.nextOffset);
  }
  return kept;
}

const LIMITS = {
  batchSize: 10_000,
  maxConsecutiveNulls: 50,
  timeoutSeconds: 5,
  maxContinuousFailedBatches: 5,
};

/** The UTC hour of day `hoursAgo` hours before the anchor. */
const utcHour = (anchor: number, hoursAgo: number) =>
  new Date(anchor - hoursAgo * HOUR_MS).getUTCHours();

/**
 * The workload, for an anchor: busy hours and bursts are placed relative to it, so each case
 * holds whatever hour of the day the test runs.
 */
function burstProfile(anchor: number): WorkloadProfile {
  const value = { min: 60, max: 140 };
  return parseProfile(
    JSON.stringify({
      description: "minute bursts",
      days: 2,
      seed: 11,
      topics: [
        {
          // One burst, in the busiest hour: 120 of its 300 records in minute 17.
          name: "one_burst",
          partitions: 1,
          traffic: {
            days: 1,
            recordsPerHour: 100,
            dailyPeak: { hourUtc: utcHour(anchor, 3), multiplier: 3 },
            valueBytes: value,
            minuteBursts: [{ hoursAgo: 3, minute: 17, share: 0.4 }],
          },
        },
        {
          // Bursts in both busy hours (the later one busier), at the hour's first minute and
          // elsewhere, and a small one in every hour.
          name: "daily_bursts",
          partitions: 3,
          traffic: {
            recordsPerHour: 90,
            dailyPeak: { hourUtc: utcHour(anchor, 10), multiplier: 4 },
            growthPerDay: 0.1,
            valueBytes: value,
            minuteBursts: [
              { hourUtc: utcHour(anchor, 10), minute: 42, share: 0.25 },
              { hourUtc: utcHour(anchor, 10), minute: 0, share: 0.3 },
              { minute: 50, share: 0.05 },
            ],
          },
        },
        {
          name: "no_bursts",
          partitions: 2,
          traffic: {
            recordsPerHour: 200,
            dailyPeak: { hourUtc: utcHour(anchor, 7), multiplier: 2 },
            valueBytes: value,
          },
        },
        {
          // Six uneven partitions (keyed), heavy enough to be looked up minute by minute; the
          // burst in the last minute of the busiest hour.
          name: "multi_partition",
          partitions: 6,
          compression: "lz4",
          traffic: {
            days: 1,
            recordsPerHour: 1500,
            dailyPeak: { hourUtc: utcHour(anchor, 2), multiplier: 2 },
            valueBytes: value,
            keys: { kind: "uniform", cardinality: 40 },
            minuteBursts: [{ hoursAgo: 2, minute: 59, share: 0.6 }],
          },
        },
        {
          // Light partitions (read, not looked up): every record of the busy hours in minute
          // 30; the two days tie, and the earlier minute is the peak.
          name: "light",
          partitions: 3,
          traffic: {
            recordsPerHour: 6,
            dailyPeak: { hourUtc: utcHour(anchor, 15), multiplier: 5 },
            valueBytes: value,
            minuteBursts: [{ hourUtc: utcHour(anchor, 15), minute: 30, share: 1 }],
          },
        },
        {
          // The window's busiest minute lies in an ordinary hour: outside the top hours, so
          // not the peak minute model.md defines.
          name: "outside_top",
          partitions: 1,
          traffic: {
            recordsPerHour: 60,
            dailyPeak: { hourUtc: utcHour(anchor, 20), multiplier: 2 },
            valueBytes: value,
            minuteBursts: [{ hoursAgo: 5, minute: 8, share: 1 }],
          },
        },
        {
          // The log starts inside an hour whose rest is one burst, busier than any complete
          // hour: that hour is not counted, nor searched.
          name: "cut",
          partitions: 2,
          deleteBefore: { hoursAgo: 30.5 },
          traffic: {
            recordsPerHour: 120,
            valueBytes: value,
            minuteBursts: [{ hoursAgo: 31, minute: 45, share: 0.9 }],
          },
        },
        { name: "empty", partitions: 2 },
      ],
    }),
    "the minute-burst profile",
  );
}

/** Offsets of a partition at an instant, by the plan: its records (deleted ones too) before it. */
function plannedOffset(
  profile: WorkloadProfile,
  topic: TopicProfile,
  anchor: number,
  partition: number,
  at: number,
): bigint {
  let n = 0;
  for (const h of profileHours(profile, anchor)) {
    if (h >= at) break;
    for (const r of planHour(profile, topic, anchor, h)) {
      if (r.partition === partition && r.timestamp < at) n++;
    }
  }
  return BigInt(n);
}

Deno.test("peak minute and per-partition hours equal what the workload wrote", async (t) => {
  const info = await localBroker();
  const anchor = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
  const seeded = await seedFresh(burstProfile(anchor), "minute", { anchor });
  const { profile } = seeded;
  const cluster = new KafkaCluster(plaintextConnection(info));
  const topicOf = (name: string) => profile.topics.find((x) => x.name === name)!;
  try {
    const plan = await planCluster(cluster, {
      topicFilter: [seeded.prefix],
      includeInternalTopics: false,
    });
    assertEquals(plan.topics.length, profile.topics.length);
    countKafkaRequests();
    takeRequestCounts();
    const measured = await measureBySampling(cluster, plan.brokers, plan.topics, {
      analysisTime: anchor + 60_000,
      samplingDays: 7,
      limits: LIMITS,
    });
    const requests = takeRequestCounts();
    const byName = new Map(measured.map((m) => [m.topic.slice(seeded.prefix.length), m]));

    await t.step("the busiest minute of the three busiest hours, exactly", () => {
      for (const [name, m] of byName) {
        assert(m.error === null, `${name}: ${m.error}`);
        const window = { start: m.windowStart, end: m.windowEnd };
        const topic = topicOf(m.topic);
        const truth = peakMinuteTruth(profile, topic, anchor, window, {
          topHours: PEAK_MINUTE_TOP_HOURS,
        });
        if (name === "empty") {
          assertEquals(truth, null);
          assertEquals(m.peakMinute, null, "an empty topic has no peak minute");
          continue;
        }
        assert(truth !== null && m.peakMinute, `${name}: ${JSON.stringify(m.peakMinute)}`);
        assertEquals(
          new Date(m.peakMinute.minuteStart).toISOString(),
          new Date(truth.minuteStart).toISOString(),
          `${name}: the peak minute's start`,
        );
        assertEquals(m.peakMinute.records, truth.records, `${name}: the peak minute's records`);
        // Bytes at the rate the hourly bytes use.
        const records = m.hourly.reduce((s, h) => s + h.records, 0);
        const bytes = m.hourly.reduce((s, h) => s + h.bytes, 0);
        assertAlmostEquals(
          m.peakMinute.bytes,
          (truth.records * bytes) / records,
          1e-6 * m.peakMinute.bytes,
          `${name}: the peak minute's bytes`,
        );
      }
    });

    await t.step("the bursts are where the profile put them", () => {
      const peak = (name: string) => byName.get(name)!.peakMinute!;
      const hour = (hoursAgo: number) => anchor - hoursAgo * HOUR_MS;
      // 120 in minute 17, and 3 of the 180 spread over the hour.
      assertEquals(peak("one_burst"), {
        ...peak("one_burst"),
        minuteStart: hour(3) + 17 * MINUTE_MS,
      });
      assertEquals(peak("one_burst").records, 123);
      assertEquals(peak("daily_bursts").minuteStart, hour(10));
      assertEquals(peak("multi_partition").minuteStart, hour(2) + 59 * MINUTE_MS);
      assertEquals(peak("light").minuteStart, hour(15 + 24) + 30 * MINUTE_MS);
      assertEquals(peak("light").records, 30);
      const cut = byName.get("cut")!;
      assertEquals(cut.windowStart, hour(30), "the cut hour is not counted");
      assert(peak("cut").minuteStart >= hour(30), "nor searched");
      // Not the window's busiest minute: that one is in an ordinary hour.
      const outside = byName.get("outside_top")!;
      const window = { start: outside.windowStart, end: outside.windowEnd };
      const busiest = peakMinuteTruth(profile, topicOf(outside.topic), anchor, window);
      assertEquals(busiest?.minuteStart, hour(5) + 8 * MINUTE_MS);
      assertEquals(busiest?.records, 60);
      assertNotEquals(peak("outside_top").minuteStart, busiest?.minuteStart);
      assertEquals(peak("outside_top").records, 2);
    });

    await t.step("the minutes of the whole chunk take one ListOffsets round per minute", () => {
      // One broker: the hour boundaries of a 7-day window (169, the first and last with the log
      // start and end), the newest timestamp of the cut topic, and 3 × 59 minute boundaries,
      // each round carrying every partition of every topic at its own timestamp.
      const hourly = WINDOW_LOOKUPS + 7 * 24 - 1;
      const listOffsets = requests["ListOffsets"] ?? 0;
      console.log(`ListOffsets requests: ${listOffsets}, Fetch: ${requests["Fetch"] ?? 0}`);
      assert(listOffsets >= PEAK_MINUTE_TOP_HOURS * 59, `${listOffsets}`);
      assert(listOffsets <= hourly + 1 + PEAK_MINUTE_TOP_HOURS * 59, `${listOffsets}`);
    });

    await t.step("records per partition per hour, adding up to the hour's", () => {
      for (const [name, m] of byName) {
        const window = { start: m.windowStart, end: m.windowEnd };
        const topic = topicOf(m.topic);
        const rows = m.partitionHourly;
        assert(rows, `${name}: partitionHourly is filled`);
        assertEquals(rows, partitionHourly(profile, topic, anchor, window), name);
        assertEquals(rows.length, m.partitions);
        m.hourly.forEach((h, i) => {
          assertEquals(rows.reduce((s, r) => s + r[i]!, 0), h.records, `${name} ${h.hourStart}`);
        });
        const truth = topicTruth(profile, topic, anchor, window);
        assertEquals(m.hourly.map((h) => h.records), truth.hourly.map((h) => h.records), name);
      }
    });

    // Each way of finding the minute boundaries, on every partition and minute of each
    // topic's busiest hours (by the ground truth), against the truth per partition and minute.
    const ways: [string, MinuteOffsetsOptions][] = [
      ["read", { scanRecordsPerBoundary: Infinity }],
      ["looked up", { scanRecordsPerBoundary: 0 }],
      // What the sampling source does for a partition it read whole to count its hours.
      [REPLAYED, {}],
    ];
    for (const [way, options] of ways) {
      await t.step(`every partition's every minute, ${way}`, async () => {
        const asked: MinuteRequest[] = [];
        const expected = new Map<string, number[][]>();
        for (const tp of plan.topics) {
          const topic = topicOf(tp.name);
          const window = { start: anchor - 2 * 24 * HOUR_MS, end: anchor };
          const truth = peakMinuteTruth(profile, topic, anchor, window, { topHours: 3 });
          if (!truth) continue;
          for (const [partition, leader] of tp.leaders.entries()) {
            const hours = truth.hoursSearched;
            const at: LeaderPartition = {
              topic: tp.name,
              topicId: tp.topicId,
              partition,
              leader: plan.brokers.find((b) => b.nodeId === leader)!,
            };
            const start = plannedOffset(profile, topic, anchor, partition, hours[0]!);
            asked.push({
              partition: at,
              hours: hours.map((h) => ({
                hourStart: h,
                start: plannedOffset(profile, topic, anchor, partition, h),
                end: plannedOffset(profile, topic, anchor, partition, h + HOUR_MS),
              })),
              ...way === REPLAYED ? { records: await keptRecords(cluster, at, start) } : {},
            });
            expected.set(
              `${tp.name}/${partition}`,
              hours.map((h) => minuteTruth(profile, topic, anchor, h).perPartition[partition]!),
            );
          }
        }
        takeRequestCounts();
        const got = await minuteOffsets(cluster, asked, options);
        const sent = takeRequestCounts();
        console.log(`${way}: ListOffsets ${sent["ListOffsets"] ?? 0}, Fetch ${sent["Fetch"] ?? 0}`);
        if (way === "looked up") {
          assertEquals(sent, { ListOffsets: PEAK_MINUTE_TOP_HOURS * 59 }, "one round per minute");
        }
        if (way === REPLAYED) assertEquals(sent, {}, "answered from the kept records alone");
        assertEquals([...got.failed], []);
        for (const r of asked) {
          const key = `${r.partition.topic}/${r.partition.partition}`;
          const grid = got.offsets.get(`${r.partition.topic}\u0000${r.partition.partition}`);
          assertEquals(grid?.map(countsBetween), expected.get(key), `${key} ${way}`);
        }
      });
    }
  } finally {
    await cluster.close();
    await seeded.cleanup();
  }
});
