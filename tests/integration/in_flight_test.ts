// Requests that do not depend on each other are in flight together (issue 15), against the
// real broker and without timing anything: the request counter's high-water mark of
// ListOffsets requests sent and not yet answered, for a chunk whose hour boundaries and
// minute boundaries are looked up one round each. Before, at most 4 rounds were in flight
// (and the client sent at most 5 requests per connection). The answers and the number of
// requests are those of the same rounds sent one after the other, and the sample's Fetch
// responses in flight stay within the client's byte budget.
import { assert, assertEquals } from "../assert.ts";
import { localBroker, plaintextConnection, seedFresh } from "../support/testbed.ts";
import { HOUR_MS } from "../../dev/workload/plan.ts";
import { parseProfile } from "../../dev/workload/profile.ts";
import { KafkaCluster } from "../../src/kafka/cluster.ts";
import { boundaryOffsets } from "../../src/kafka/hourly_offsets.ts";
import { FETCH_BYTES_IN_FLIGHT, fetchBudgetOf } from "../../src/kafka/in_flight.ts";
import { minuteOffsets, type MinuteRequest } from "../../src/kafka/minute_offsets.ts";
import {
  countKafkaRequests,
  takeInFlightHighWater,
  takeRequestCounts,
} from "../../src/kafka/request_counter.ts";
import type { LeaderPartition } from "../../src/kafka/types.ts";
import { planCluster } from "../../src/plan/cluster_plan.ts";
import { measureBySampling } from "../../src/sources/sampling.ts";

/** What the code before issue 15 allowed: 4 rounds in flight (and 5 requests a connection). */
const OLD_LANES = 4;
const OLD_CLIENT_IN_FLIGHT = 5;

Deno.test("ListOffsets rounds of a chunk are in flight together, with the same answers", async (t) => {
  const info = await localBroker();
  const anchor = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
  // 100 records an hour per partition: every boundary is looked up, none read.
  const seeded = await seedFresh(
    parseProfile(
      JSON.stringify({
        description: "a week of hours to look up",
        days: 7,
        seed: 15,
        topics: [{
          name: "week",
          partitions: 3,
          traffic: { recordsPerHour: 300, valueBytes: { min: 80, max: 200 } },
        }],
      }),
      "in_flight_test",
    ),
    "inflight",
    { anchor },
  );
  const cluster = new KafkaCluster(plaintextConnection(info));
  try {
    const plan = await planCluster(cluster, {
      topicFilter: [seeded.prefix],
      includeInternalTopics: false,
    });
    assertEquals(plan.topics.length, 1);
    const topic = plan.topics[0]!;
    const partitions: LeaderPartition[] = topic.leaders.map((leader, partition) => ({
      topic: topic.name,
      topicId: topic.topicId,
      partition,
      leader: plan.brokers.find((b) => b.nodeId === leader)!,
    }));
    const boundaries = Array.from(
      { length: 7 * 24 + 1 },
      (_, i) => anchor - (7 * 24 - i) * HOUR_MS,
    );
    countKafkaRequests();

    await t.step("every hour boundary at once", async () => {
      takeRequestCounts();
      takeInFlightHighWater();
      const together = await boundaryOffsets(cluster, partitions, boundaries);
      const peak = takeInFlightHighWater()["ListOffsets"] ?? 0;
      const sent = takeRequestCounts();
      console.log(`hour boundaries: ${sent["ListOffsets"]} ListOffsets, at most ${peak} at once`);
      assert(peak > OLD_CLIENT_IN_FLIGHT, `at most ${peak} ListOffsets in flight`);
      assertEquals([...together.failed], []);
      assertEquals(together.wholeReads.size, 0, "looked up, not read");

      const oneByOne = await boundaryOffsets(cluster, partitions, boundaries, { concurrency: 1 });
      const peakAlone = takeInFlightHighWater()["ListOffsets"] ?? 0;
      assertEquals(takeRequestCounts(), sent, "the same requests");
      // One round at a time: the 4 window lookups go together, then one at a time.
      assert(peakAlone <= OLD_LANES, `${peakAlone}`);
      assertEquals(together.offsets, oneByOne.offsets);
      assertEquals(together.logStarts, oneByOne.logStarts);
    });

    await t.step("every minute boundary of the busiest hours at once", async () => {
      const hours = [30, 20, 10].map((ago) => anchor - ago * HOUR_MS);
      const hourly = await boundaryOffsets(
        cluster,
        partitions,
        hours.flatMap((h) => [h, h + HOUR_MS]),
        {
          concurrency: 1,
        },
      );
      const requests: MinuteRequest[] = partitions.map((p) => {
        const o = hourly.offsets.get(`${p.topic}\u0000${p.partition}`)!;
        return {
          partition: p,
          hours: hours.map((hourStart, i) => ({ hourStart, start: o[2 * i]!, end: o[2 * i + 1]! })),
        };
      });
      const lookUp = { scanRecordsPerBoundary: 0 };
      takeRequestCounts();
      takeInFlightHighWater();
      const together = await minuteOffsets(cluster, requests, lookUp);
      const peak = takeInFlightHighWater()["ListOffsets"] ?? 0;
      const sent = takeRequestCounts();
      console.log(`minute boundaries: ${sent["ListOffsets"]} ListOffsets, at most ${peak} at once`);
      assertEquals(sent, { ListOffsets: 3 * 59 }, "one round per minute boundary");
      assert(peak > OLD_CLIENT_IN_FLIGHT, `at most ${peak} ListOffsets in flight`);
      const oneByOne = await minuteOffsets(cluster, requests, { ...lookUp, concurrency: 1 });
      assertEquals(takeInFlightHighWater()["ListOffsets"], 1);
      assertEquals(takeRequestCounts(), sent);
      assertEquals([...together.failed], []);
      assertEquals(together.offsets, oneByOne.offsets);
    });

    await t.step("the sample's fetches go together, within the Fetch byte budget", async () => {
      takeRequestCounts();
      takeInFlightHighWater();
      const budget = fetchBudgetOf(cluster.admin);
      const [m] = await measureBySampling(cluster, plan.brokers, plan.topics, {
        analysisTime: anchor + 60_000,
        samplingDays: 7,
        limits: {
          batchSize: 10_000,
          maxConsecutiveNulls: 50,
          timeoutSeconds: 30,
          maxContinuousFailedBatches: 5,
        },
      });
      const peak = takeInFlightHighWater();
      const sent = takeRequestCounts();
      console.log(
        `measured: ${JSON.stringify(sent)}; at most ${JSON.stringify(peak)} at once; ` +
          `Fetch budget held at most ${budget.highWater} bytes`,
      );
      assert(m && m.error === null, m?.error ?? "measured");
      assert(m.sample !== null && m.sample.records > 0, "sampled");
      assert((peak["Fetch"] ?? 0) > 1, `at most ${peak["Fetch"]} Fetch in flight`);
      assert(peak["ListOffsets"]! > OLD_CLIENT_IN_FLIGHT, `${peak["ListOffsets"]}`);
      assert(budget.highWater <= FETCH_BYTES_IN_FLIGHT, `${budget.highWater}`);
      assertEquals(budget.used, 0);
    });
  } finally {
    await cluster.close();
    await seeded.cleanup();
  }
});
