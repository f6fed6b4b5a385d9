// Proves the test bed with the project's own Kafka client: both listeners, every codec read
// back by both Fetch readers (v12 and up, and the Kafka client's below), and hourly counts from
// ListOffsets by timestamp equal to the profile's ground truth, on the main thread and inside a
// Web Worker.
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../assert.ts";
import {
  fixture,
  localBroker,
  plaintextConnection,
  saslSslConnection,
  seedFresh,
} from "../support/testbed.ts";
import { groundTruth } from "../../dev/workload/ground_truth.ts";
import { HOUR_MS } from "../../dev/workload/plan.ts";
import { KafkaCluster, partitionKey, type PartitionRef } from "../../src/kafka/cluster.ts";
import type { KafkaConnection } from "../../src/kafka/connection.ts";
import {
  type FetchClient,
  fetchFromLeader,
  NO_KEY,
  type RecordColumns,
} from "../../src/kafka/fetch.ts";
import type { VersionedApi } from "../../src/kafka/api_versions.ts";
import { kafka } from "../../src/deps/kafka.ts";
import { describeError } from "../../src/describe_error.ts";
import { countKafkaRequests, takeRequestCounts } from "../../src/kafka/request_counter.ts";
import {
  type HourlyOffsetsOptions,
  hourlyRecordCounts,
  WINDOW_LOOKUPS,
} from "../../src/kafka/hourly_offsets.ts";
import type { Reply, Request } from "./_testbed_worker.ts";

async function withCluster<T>(c: KafkaConnection, fn: (k: KafkaCluster) => Promise<T>): Promise<T> {
  const cluster = new KafkaCluster(c);
  try {
    return await fn(cluster);
  } finally {
    await cluster.close();
  }
}

function countInWorker(request: Request): Promise<Reply> {
  const worker = new Worker(new URL("./_testbed_worker.ts", import.meta.url), { type: "module" });
  return new Promise<Reply>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<Reply>) => resolve(e.data);
    worker.onerror = (e) => {
      e.preventDefault();
      reject(new Error(`worker failed: ${e.message}`));
    };
    worker.postMessage(request);
  }).finally(() => worker.terminate());
}

Deno.test("test bed: both listeners, every codec, exact hourly counts (main thread and worker)", async (t) => {
  const info = await localBroker();
  const seeded = await seedFresh(fixture("testbed_profile.json"), "bed");
  const { profile, anchor } = seeded;
  try {
    const window = { start: anchor - profile.days * 24 * HOUR_MS, end: anchor };
    const truth = groundTruth(profile, anchor, window);
    const names = profile.topics.map((t) => t.name);
    const boundaries: number[] = [];
    for (let h = window.start; h <= window.end; h += HOUR_MS) boundaries.push(h);
    const partitions: PartitionRef[] = profile.topics.flatMap((t) =>
      Array.from({ length: t.partitions }, (_, partition) => ({ topic: t.name, partition }))
    );
    const sasl = await saslSslConnection(info, "analyst", "PLAIN");

    await t.step(
      "the PLAINTEXT listener lists the seeded topics with their partitions",
      async () => {
        await withCluster(plaintextConnection(info), async (k) => {
          const topics = await k.listTopics(false);
          for (const n of names) {
            assert(topics.includes(n), `${n} missing from ${topics.length} topics`);
          }
          const parts = await k.partitions(names);
          for (const topic of profile.topics) {
            assertEquals(parts.get(topic.name)?.leaders.length, topic.partitions);
          }
          assertEquals((await k.describe()).clusterId, info.clusterId);
        });
      },
    );

    await t.step(
      "the SASL_SSL listener accepts PLAIN and SCRAM users, verifying the CA and host",
      async () => {
        for (const mechanism of ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] as const) {
          for (const user of ["analyst", "admin"]) {
            const topics = await withCluster(
              await saslSslConnection(info, user, mechanism),
              (k) => k.listTopics(false),
            );
            assert(
              names.every((n) => topics.includes(n)),
              `${user}/${mechanism} sees the seeded topics`,
            );
          }
        }
      },
    );

    await t.step("the SASL_SSL listener refuses a wrong password and an unknown CA", async () => {
      const fast = {
        connectTimeoutMs: 3000,
        requestTimeoutMs: 5000,
        retries: 0,
        clientId: "kpr-test",
      };
      const wrong = {
        ...sasl,
        sasl: { mechanism: "PLAIN" as const, username: "analyst", password: "nope" },
      };
      const refusal = async (c: KafkaConnection) => {
        const k = new KafkaCluster(c, fast);
        return describeError(
          await assertRejects(() => k.listTopics(false)).finally(() => k.close()),
        );
      };
      assertStringIncludes(await refusal(wrong), "SASL authentication failed");
      // The system's CAs do not know the test bed's own.
      assertStringIncludes(await refusal({ ...sasl, caPem: null }), "self-signed certificate");
    });

    // Fetch v12 and up are read by src/kafka/_record_batches.ts; older versions, which brokers
    // before Kafka 2.7 answer at most, by the Kafka client's decoder (fetch.ts fromClient).
    // This broker speaks both, so both are read against the same ground truth.
    const readers: [string, (k: KafkaCluster) => FetchClient][] = [
      ["the broker's newest Fetch", (k) => k],
      ["Fetch v11, the Kafka client's decoder", (k) => ({
        admin: k.admin,
        api: async <T>(name: string) =>
          name === "Fetch" ? kafka.fetchV11.api as T : await k.api<T & VersionedApi>(name),
      })],
    ];
    for (const [reader, client] of readers) {
      await t.step(
        `records of all four codecs read back whole, by offset, with no consumer group (${reader})`,
        async () => {
          await withCluster(sasl, async (k) => {
            const groupsBefore = await k.listGroups();
            const { brokers } = await k.describe();
            const parts = await k.partitions(names);
            for (const topic of profile.topics.filter((t) => t.compression !== "none")) {
              const meta = parts.get(topic.name)!;
              const leader = brokers.find((b) => b.nodeId === meta.leaders[0])!;
              let offset = 0n;
              let records = 0;
              let highWatermark = -1n;
              while (highWatermark < 0n || offset < highWatermark) {
                const [r] = await fetchFromLeader(client(k), leader, [{
                  topic: topic.name,
                  topicId: meta.id,
                  partition: 0,
                  offset,
                  maxBytes: 256 * 1024,
                }]);
                assert(r && r.errorCode === 0, `${topic.name}: fetch error ${r?.errorCode}`);
                highWatermark = r.highWatermark;
                assert(
                  r.batches.length > 0,
                  `${topic.name}: no batch at offset ${offset} of ${highWatermark}`,
                );
                for (const b of r.batches) {
                  assertEquals(b.codec, topic.compression, `${topic.name} batch codec`);
                  assert(b.sizeBytes > 61, "a batch is larger than its header");
                  const rec: RecordColumns = r.records;
                  for (let row = b.firstRow; row < b.endRow; row++) {
                    assert(rec.offsets[row]! >= offset);
                    // What the seeder declared, read back through decompression (the reader
                    // keeps sizes, not contents: tests/unit/record_batches_test.ts compares it
                    // with the Kafka client's decoder, record by record, in every codec).
                    const size = rec.valueBytes[row]!;
                    const { min, max } = topic.traffic!.valueBytes;
                    assert(size >= min && size <= max, `${topic.name}: value of ${size} bytes`);
                    const timestamp = rec.timestamps[row]!;
                    assert(timestamp >= window.start && timestamp < window.end);
                    assertEquals(
                      rec.keyHashes[row] !== NO_KEY,
                      topic.traffic!.keys.kind !== "none",
                    );
                    assertEquals(rec.headerBytes[row]! > 0, topic.traffic!.headers > 0);
                    records++;
                  }
                  offset = BigInt(b.nextOffset);
                }
              }
              assertEquals(
                records,
                truth.get(topic.name)!.perPartition[0],
                `${topic.name}[0] records`,
              );
            }
            assertEquals(await k.listGroups(), groupsBefore, "reading created no consumer group");
          });
        },
      );
    }

    const expectCounts = (counts: Map<string, number[]>) => {
      for (const topic of profile.topics) {
        const tt = truth.get(topic.name)!;
        const hourly = tt.hourly.map((_, i) =>
          Array.from(
            { length: topic.partitions },
            (_, p) => counts.get(partitionKey(topic.name, p))![i]!,
          )
            .reduce((s, n) => s + n, 0)
        );
        assertEquals(hourly, tt.hourly.map((h) => h.records), `${topic.name}: records per hour`);
        const perPartition = Array.from(
          { length: topic.partitions },
          (_, p) => counts.get(partitionKey(topic.name, p))!.reduce((s, n) => s + n, 0),
        );
        assertEquals(perPartition, tt.perPartition, `${topic.name}: records per partition`);
      }
    };

    await t.step(
      "ListOffsets by timestamp gives exactly the profile's records per hour",
      async () => {
        expectCounts(await withCluster(sasl, (k) => hourlyRecordCounts(k, partitions, boundaries)));
      },
    );

    await t.step(
      "reading the records instead, in one go, in small rounds or cut short, gives the same counts",
      async () => {
        const small = { fetchBytes: 1024, responseBytes: 8192, maxBytes: 1 << 30 };
        const inner = boundaries.length - 2;
        // What each way must cost, in requests to the one broker: proof it took that way.
        type Cost = (r: { fetch: number; listOffsets: number }) => boolean;
        const variants: [string, HourlyOffsetsOptions, Cost][] = [
          [
            "every partition read",
            { scanRecordsPerHour: Infinity },
            (r) => r.listOffsets === WINDOW_LOOKUPS && r.fetch > 0,
          ],
          [
            "nothing read",
            { scanRecordsPerHour: 0 },
            (r) => r.listOffsets === WINDOW_LOOKUPS + inner,
          ],
          [
            "read in 1 KiB rounds (larger for larger batches)",
            { scanRecordsPerHour: Infinity, scanLimits: small },
            (r) => r.listOffsets === WINDOW_LOOKUPS && r.fetch > 20,
          ],
          // Reading stops after the first round: ListOffsets answers what it left open.
          [
            "reads cut short",
            { scanRecordsPerHour: Infinity, scanLimits: { ...small, maxBytes: 4096 } },
            (r) => r.fetch > 0 && r.listOffsets > WINDOW_LOOKUPS,
          ],
          // No whole batch fits in what a partition may read: every boundary is looked up.
          [
            "no batch fits",
            {
              scanRecordsPerHour: Infinity,
              scanLimits: { fetchBytes: 64, responseBytes: 64, maxBytes: 64 },
            },
            (r) => r.listOffsets === WINDOW_LOOKUPS + inner,
          ],
        ];
        countKafkaRequests();
        for (const [label, options, cost] of variants) {
          takeRequestCounts();
          const counts = await withCluster(
            sasl,
            (k) => hourlyRecordCounts(k, partitions, boundaries, options),
          );
          const taken = takeRequestCounts();
          const requests = { fetch: taken["Fetch"] ?? 0, listOffsets: taken["ListOffsets"] ?? 0 };
          assert(cost(requests), `${label}: requests ${JSON.stringify(requests)}`);
          try {
            expectCounts(counts);
          } catch (e) {
            throw new Error(`${label}: ${(e as Error).message}`);
          }
        }
      },
    );

    await t.step(
      "a Web Worker with its own SASL_SSL connection gets the same exact counts",
      async () => {
        const reply = await countInWorker({
          type: "count",
          connection: sasl,
          partitions,
          boundaries,
        });
        if (reply.type === "error") throw new Error(reply.message);
        assert(names.every((n) => reply.topics.includes(n)));
        expectCounts(new Map(reply.counts));
      },
    );
  } finally {
    await seeded.cleanup();
  }
});
