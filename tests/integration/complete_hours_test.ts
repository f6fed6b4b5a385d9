// model.md's window rule on a log that retention has cut inside an hour: the hour holding the
// first kept record lost its earlier records and is not counted; the window starts at the
// next whole hour, and every hour from there holds exactly the records the workload wrote.
// The cut is made by DeleteRecords after seeding (the seeder's `deleteBefore`), at 30.5,
// 20.25 and 40.75 hours ago, on logs whose segments roll hourly, half-hourly or by size.
import { assert, assertEquals } from "../assert.ts";
import { fixture, localBroker, plaintextConnection, seedFresh } from "../support/testbed.ts";
import { topicTruth } from "../../dev/workload/ground_truth.ts";
import { HOUR_MS } from "../../dev/workload/plan.ts";
import { parseProfile, type WorkloadProfile } from "../../dev/workload/profile.ts";
import { KafkaCluster, partitionKey } from "../../src/kafka/cluster.ts";
import { analyzeTopic } from "../../src/model/analyze.ts";
import { DEFAULT_MODEL_PARAMS } from "../../src/model/params.ts";
import { planCluster } from "../../src/plan/cluster_plan.ts";
import { measureBySampling } from "../../src/sources/sampling.ts";

Deno.test("an hour that retention cut into is not counted: the window starts at the next whole hour", async () => {
  const info = await localBroker();
  const seeded = await seedFresh(fixture("hostile_deleted.json"), "cut");
  const cluster = new KafkaCluster(plaintextConnection(info));
  try {
    const plan = await planCluster(cluster, {
      topicFilter: [seeded.prefix],
      includeInternalTopics: false,
    });
    const measured = await measureBySampling(cluster, plan.brokers, plan.topics, {
      analysisTime: seeded.anchor + 60_000,
      samplingDays: 7,
      limits: {
        batchSize: 10_000,
        maxConsecutiveNulls: 50,
        timeoutSeconds: 5,
        maxContinuousFailedBatches: 5,
      },
    });
    assertEquals(measured.length, seeded.profile.topics.length);
    for (const m of measured) {
      assert(m.error === null, `${m.topic}: ${m.error}`);
      const r = analyzeTopic(m, DEFAULT_MODEL_PARAMS, { brokerCount: 1 });
      const topic = seeded.profile.topics.find((t) => t.name === m.topic)!;
      const truth = topicTruth(seeded.profile, topic, seeded.anchor, {
        start: r.windowStart,
        end: r.windowEnd,
      });
      assert(truth.firstCompleteHourStart !== null, `${topic.name} has a cut`);
      assertEquals(
        new Date(r.windowStart).toISOString(),
        new Date(truth.firstCompleteHourStart!).toISOString(),
        `${topic.name}: the window starts after the cut hour`,
      );
      assert(r.warnings.includes("window_capped"), `${topic.name}: ${r.warnings}`);
      assertEquals(r.recordsInWindow, truth.records, `${topic.name}: records in the window`);
      assertEquals(
        [...r.hourly.records],
        truth.hourly.filter((h) => h.hourStart >= r.windowStart).map((h) => h.records),
        `${topic.name}: records per hour`,
      );
    }
  } finally {
    await cluster.close();
    await seeded.cleanup();
  }
});

Deno.test("after DeleteRecords, ListOffsets' -1 for hours below the log start reads as the log start", async () => {
  // Segments that roll every hour of timestamps, and a log start moved by DeleteRecords (as
  // Kafka Streams purges its repartition topics): until the broker's retention check deletes
  // the segments below the new start, ListOffsets by timestamp answers -1 (none that late)
  // for timestamps whose first segment lies below it, though the records are there.
  const info = await localBroker();
  const cutHours = 30.5;
  // Parsed, so the format's defaults fill in what is not said.
  const declared: WorkloadProfile = parseProfile(
    JSON.stringify({
      days: 2,
      seed: 17,
      topics: [{
        name: "purged",
        partitions: 2,
        configs: { "segment.ms": "3600000" },
        traffic: { recordsPerHour: 40, valueBytes: { min: 100, max: 300 } },
        deleteBefore: { hoursAgo: cutHours },
      }],
    }),
    "the purged topic's profile",
  );
  // Seeded without the seeder's own deletion (which holds the rolls back to avoid this), then
  // cut here at the same instant.
  const { deleteBefore: _, ...plain } = declared.topics[0]!;
  const seeded = await seedFresh({ ...declared, topics: [plain] }, "purge");
  const topic = { ...declared.topics[0]!, name: seeded.profile.topics[0]!.name };
  const cluster = new KafkaCluster(plaintextConnection(info));
  try {
    const refs = [0, 1].map((partition) => ({ topic: topic.name, partition }));
    const cut = seeded.anchor - cutHours * HOUR_MS;
    const at = await cluster.offsetsAt(refs, BigInt(cut));
    await cluster.admin.deleteRecords({
      topics: [{
        name: topic.name,
        partitions: refs.map((r) => ({
          partition: r.partition,
          offset: at.get(partitionKey(r.topic, r.partition))!,
        })),
      }],
    });
    // The condition under test: an hour before the cut answers -1 on some partition.
    const early = await cluster.offsetsAt(refs, BigInt(cut - 5 * HOUR_MS));
    assert([...early.values()].some((o) => o < 0n), "ListOffsets answers -1 below the log start");

    const plan = await planCluster(cluster, {
      topicFilter: [seeded.prefix],
      includeInternalTopics: false,
    });
    const [m] = await measureBySampling(cluster, plan.brokers, plan.topics, {
      analysisTime: seeded.anchor + 60_000,
      samplingDays: 7,
      limits: {
        batchSize: 10_000,
        maxConsecutiveNulls: 50,
        timeoutSeconds: 5,
        maxContinuousFailedBatches: 5,
      },
    });
    assert(m && m.error === null, `${m?.error}`);
    const r = analyzeTopic(m, DEFAULT_MODEL_PARAMS, { brokerCount: 1 });
    const truthProfile = { ...declared, topics: [topic] };
    const truth = topicTruth(truthProfile, topic, seeded.anchor, {
      start: r.windowStart,
      end: r.windowEnd,
    });
    assertEquals(r.windowStart, truth.firstCompleteHourStart);
    assertEquals(r.recordsInWindow, truth.records);
    assertEquals(
      [...r.hourly.records],
      truth.hourly.filter((h) => h.hourStart >= r.windowStart).map((h) => h.records),
    );
  } finally {
    await cluster.close();
    await seeded.cleanup();
  }
});
