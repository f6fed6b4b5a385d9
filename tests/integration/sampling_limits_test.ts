// The SAMPLING_* limits bound the sampling loop as their names say, against the real broker:
// records inspected per topic, empty fetches in a row, the time of one fetch, and failed
// fetches in a row.
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
        assert(s.stats.batchRecords >= s.stats.records, "whole batches are counted for log bytes");
      }
    });

    await t.step(
      "with a budget above the topic's size, a tenth of its records are read, never all",
      async () => {
        const s = (await sampleTopics(cluster, whole, {
          limits: { ...LIMITS, batchSize: 1_000_000 },
        }))
          .get(topic.name)!;
        assert(
          s.stats.records > 0 && s.stats.records <= 1_200,
          `${s.stats.records} of 12000 records`,
        );
      },
    );

    await t.step(
      "SAMPLING_MAX_CONSECUTIVE_NULLS gives a partition up after that many empty fetches",
      async () => {
        // Offsets past the end: every read comes back empty (offset out of range).
        const beyond = targets((p) => {
          const end = hw.get(`${topic.name}\u0000${p}`)!;
          return [end + 100n, end + 1100n];
        });
        const two = (await sampleTopics(cluster, beyond, {
          limits: { ...LIMITS, maxConsecutiveNulls: 2 },
        }))
          .get(topic.name)!;
        assertEquals(two.fetches, 2 * topic.leaders.length);
        assertEquals(two.nulls, two.fetches);
        assertEquals(two.stats.records, 0);
        // With a higher limit the loop still ends: each partition has a few sampling points.
        const many = (await sampleTopics(cluster, beyond, { limits: LIMITS })).get(
          topic.name,
        )!;
        assert(
          many.fetches > two.fetches && many.fetches <= 4 * topic.leaders.length,
          `${many.fetches} fetches`,
        );
      },
    );

    await t.step(
      "SAMPLING_TIMEOUT_SECONDS and SAMPLING_MAX_CONTINUOUS_FAILED_BATCHES stop a topic's sampling",
      async () => {
        // A "leader" that accepts connections and never answers: every fetch times out.
        const silent = Deno.listen({ hostname: "127.0.0.1", port: 0 });
        const held: Deno.Conn[] = [];
        const accepting = (async () => {
          for await (const conn of silent) held.push(conn);
        })();
        try {
          const blackHole = { nodeId: 99, host: "127.0.0.1", port: silent.addr.port };
          const stuck = whole.map((x) => ({ ...x, leader: blackHole }));
          const limits = { ...LIMITS, timeoutSeconds: 0.2, maxContinuousFailedBatches: 3 };
          // A stalled leader that metadata keeps naming, as it does until the controller
          // fences the broker: refreshing the leaders finds it again.
          const stalled = {
            admin: cluster.admin,
            api: <T extends VersionedApi>(name: string) => cluster.api<T>(name),
            suspect: () => {},
            refreshLeaders: () => Promise.resolve(),
            retryBudgetMs: 60_000,
          };
          const s = (await sampleTopics(stalled, stuck, { limits })).get(topic.name)!;
          assertEquals(s.failures, 3);
          assertEquals(s.fetches, 0);
          assertEquals(s.stats.records, 0);
          assertStringIncludes(s.lastError ?? "", "fetch timed out after 0.2 s");

          // Once metadata names the real leader, the next round reads from it.
          const moved = structuredClone(stuck);
          const r = (await sampleTopics(cluster, moved, { limits })).get(topic.name)!;
          assertEquals(r.failures, 1);
          assert(r.stats.records > 0, "sampled from the leader metadata names");
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
