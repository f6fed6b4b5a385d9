// The SAMPLING_* limits bound the sampling as their names say, against the real broker:
// records inspected per topic, reads of a partition that find nothing, the time of one
// fetch, and failed reads of a topic.
import { assert, assertEquals, assertStringIncludes } from "../assert.ts";
import { fixture, localBroker, plaintextConnection, seedFresh } from "../support/testbed.ts";
import type { SamplingLimits } from "../../src/config/types.ts";
import { KafkaCluster, LATEST } from "../../src/kafka/cluster.ts";
import type { VersionedApi } from "../../src/kafka/api_versions.ts";
import { planCluster } from "../../src/plan/cluster_plan.ts";
import { type SampleTarget, sampleTopics } from "../../src/sources/_sampler.ts";

const LIMITS: SamplingLimits = {
  batchSize: 10_000,
  maxConsecutiveNulls: 50,
  timeoutSeconds: 5,
  maxContinuousFailedBatches: 5,
};

Deno.test("sampling limits bound the loop", async (t) => {
  const info = await localBroker();
  const seeded = await seedFresh(fixture("sampler_profile.json"), "lim");
  const cluster = new KafkaCluster(plaintextConnection(info));
  try {
    const plan = await planCluster(cluster, {
      topicFilter: [seeded.prefix],
      includeInternalTopics: false,
    });
    assertEquals(plan.topics.length, 1);
    const topic = plan.topics[0]!;
    const leaders = new Map(plan.brokers.map((b) => [b.nodeId, b]));
    const hw = await cluster.offsetsAt(
      topic.leaders.map((_, partition) => ({ topic: topic.name, partition })),
      LATEST,
    );
    const targets = (offset: (p: number) => [bigint, bigint]): SampleTarget[] =>
      topic.leaders.map((leader, partition) => ({
        topic: topic.name,
        topicId: topic.topicId,
        partition,
        leader: leaders.get(leader)!,
        startOffset: offset(partition)[0],
        endOffset: offset(partition)[1],
      }));
    const whole = targets((p) => [0n, hw.get(`${topic.name}\u0000${p}`)!]);

    await t.step("SAMPLING_BATCH_SIZE caps the records inspected per topic", async () => {
      for (const batchSize of [1, 50, 700]) {
        const s = (await sampleTopics(cluster, whole, { limits: { ...LIMITS, batchSize } }))
          .get(topic.name)!;
        assert(
          s.stats.records > 0 && s.stats.records <= batchSize,
          `${s.stats.records} records for ${batchSize}`,
        );
        assert(s.recordBytes !== null, "bytes per record measured whatever the budget");
        assert(s.stats.batchRecords >= s.stats.records, "whole batches are counted for log bytes");
      }
    });

    await t.step(
      "with a budget above the topic's size, a tenth of its records are read (at least 2000), never all",
      async () => {
        const s = (await sampleTopics(cluster, whole, {
          limits: { ...LIMITS, batchSize: 1_000_000 },
        }))
          .get(topic.name)!;
        // max(2000, a tenth of 12000): neither fewer nor the whole topic.
        assertEquals(s.stats.records, 2_000, `${s.stats.records} of 12000 records`);
      },
    );

    await t.step(
      "SAMPLING_MAX_CONSECUTIVE_NULLS gives a partition up after that many reads found nothing",
      async () => {
        // Partition 1's window lies past its end: every read there finds nothing (offset out
        // of range, as when retention deleted it); partition 0 reads normally. The pilot reads
        // both; the main sample reads partition 1 again only while its limit allows.
        const half = targets((p) => {
          const end = hw.get(`${topic.name}\u0000${p}`)!;
          return p === 0 ? [0n, end] : [end + 100n, 2n * end + 100n];
        });
        // A pilot of one point per partition, then the main sample.
        const sample = async (maxConsecutiveNulls: number) =>
          (await sampleTopics(cluster, half, {
            limits: { ...LIMITS, maxConsecutiveNulls },
            pilotPoints: 2,
            random: () => 0.5,
          })).get(topic.name)!;
        const one = await sample(1);
        assertEquals(one.nulls, 1, "given up after the pilot's empty read");
        assert(one.stats.batches > 1, "partition 0 was read on");
        const many = await sample(1000);
        assert(many.nulls > 1, `${many.nulls} empty reads without the limit`);
      },
    );

    await t.step(
      "SAMPLING_TIMEOUT_SECONDS and SAMPLING_MAX_CONTINUOUS_FAILED_BATCHES stop a topic's sampling",
      async () => {
        // A "leader" that accepts connections and never answers: every read there times out.
        const silent = Deno.listen({ hostname: "127.0.0.1", port: 0 });
        const held: Deno.Conn[] = [];
        const accepting = (async () => {
          for await (const conn of silent) held.push(conn);
        })();
        try {
          const blackHole = { nodeId: 99, host: "127.0.0.1", port: silent.addr.port };
          // Partition 1 is led by the stalled "broker"; partition 0 by the real one.
          const stuck = () =>
            whole.map((x) => x.partition === 1 ? { ...x, leader: blackHole } : { ...x });
          // A stalled leader that metadata keeps naming, as it does until the controller
          // fences the broker, with no time to wait for it: every timeout is a failed read.
          const stalled = {
            admin: cluster.admin,
            api: <T extends VersionedApi>(name: string) => cluster.api<T>(name),
            suspect: () => {},
            refreshLeaders: () => Promise.resolve(),
            retryBudgetMs: 0,
          };
          const sample = async (maxContinuousFailedBatches: number) =>
            (await sampleTopics(stalled, stuck(), {
              limits: { ...LIMITS, timeoutSeconds: 0.2, maxContinuousFailedBatches },
              pilotPoints: 2,
              random: () => 0.5,
            })).get(topic.name)!;
          const stopped = await sample(1);
          assertEquals(stopped.failures, 1);
          assertStringIncludes(stopped.lastError ?? "", "fetch timed out after 0.2 s");
          // Stopped after the pilot: partition 0's pilot read is all it has.
          assertEquals(stopped.stats.batches, 1);
          const goingOn = await sample(1000);
          assert(goingOn.failures > 1, `${goingOn.failures} failed reads`);
          assert(goingOn.stats.batches > 1, "the main sample read on");

          // When metadata names the real leader, the read moves there: no read fails.
          const moved = stuck();
          const r = (await sampleTopics(cluster, moved, {
            limits: { ...LIMITS, timeoutSeconds: 0.2 },
          })).get(topic.name)!;
          assertEquals(r.failures, 0);
          assert(
            r.recordBytes !== null && r.stats.batches > 0,
            "sampled from the leader metadata names",
          );
          assert(moved.every((m) => m.leader.port !== silent.addr.port), "leaders refreshed");
        } finally {
          silent.close();
          await accepting.catch(() => {});
          for (const c of held) c.close();
        }
      },
    );
  } finally {
    await cluster.close();
    await seeded.cleanup();
  }
});
