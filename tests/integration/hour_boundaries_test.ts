// The boundary offsets where a log is least tidy: records whose timestamps go back and forth,
// transactions, whose commit and abort markers take an offset of their own, stamped with the
// time the broker wrote them, and timestamps in nanoseconds, past 2^53. Reading the records and
// looking each boundary up with ListOffsets must both give what the test wrote: the earliest
// offset whose timestamp is ≥ the boundary, or the high watermark when none is.
import { assert, assertEquals } from "../assert.ts";
import { localBroker, plaintextConnection } from "../support/testbed.ts";
import { kafka } from "../../src/deps/kafka.ts";
import { KafkaCluster, LATEST } from "../../src/kafka/cluster.ts";
import { clientOptions, DEFAULT_TUNING } from "../../src/kafka/connection.ts";
import { fetchFromLeader } from "../../src/kafka/fetch.ts";
import { boundaryOffsets, type HourlyOffsetsOptions } from "../../src/kafka/hourly_offsets.ts";
import type { LeaderPartition } from "../../src/kafka/types.ts";

const H = 3_600_000;
const WAYS: [string, HourlyOffsetsOptions][] = [
  ["read", { scanRecordsPerHour: Infinity }],
  ["looked up", { scanRecordsPerHour: 0 }],
];

/** By definition: the earliest offset whose timestamp is ≥ each boundary. */
function expected(log: readonly number[], boundaries: readonly number[]): bigint[] {
  return boundaries.map((b) => {
    const i = log.findIndex((ts) => ts >= b);
    return BigInt(i < 0 ? log.length : i);
  });
}

Deno.test("boundary offsets over out-of-order timestamps and transaction markers", async (t) => {
  const info = await localBroker();
  const connection = plaintextConnection(info);
  const prefix = `kt${Date.now().toString(36)}edge_`;
  const topics = { ooo: `${prefix}ooo`, txn: `${prefix}txn`, nanos: `${prefix}nanos` };
  const admin = new kafka.Admin(clientOptions(connection, DEFAULT_TUNING));
  const cluster = new KafkaCluster(connection);
  const options = {
    ...clientOptions(connection, { ...DEFAULT_TUNING, clientId: "kpr-edge-test" }),
    idempotent: true,
    acks: kafka.ProduceAcks.ALL,
  };
  const message = (topic: string, timestamp: number, partition = 0) => ({
    topic,
    partition,
    timestamp: BigInt(Math.round(timestamp)),
    value: Buffer.from(`at ${timestamp}`),
  });
  try {
    await admin.createTopics({ topics: [topics.ooo, topics.txn], partitions: 1, replicas: 1 });
    // A producer that writes nanoseconds sets ~1.8e18, past 2^53; Kafka takes it where the
    // topic allows timestamps that far ahead.
    await admin.createTopics({
      topics: [topics.nanos],
      partitions: 2,
      replicas: 1,
      configs: [{ name: "message.timestamp.after.max.ms", value: "9223372036854775807" }],
    });
    const meta = await cluster.partitions(Object.values(topics));
    const { brokers } = await cluster.describe();
    const partition = (topic: string, p = 0): LeaderPartition => ({
      topic,
      topicId: meta.get(topic)!.id,
      partition: p,
      leader: brokers.find((b) => b.nodeId === meta.get(topic)!.leaders[p])!,
    });
    const check = async (topic: string, boundaries: number[], log: number[]) => {
      for (const [way, o] of WAYS) {
        const got = await boundaryOffsets(cluster, [partition(topic)], boundaries, o);
        assertEquals([...got.failed], [], `failures ${way}`);
        assertEquals(
          got.offsets.get(`${topic}\u00000`),
          expected(log, boundaries),
          `records ${way}`,
        );
      }
    };

    await t.step("timestamps that go back and forth, on and past the boundaries", async () => {
      const end = Math.floor(Date.now() / H) * H;
      const start = end - 6 * H;
      const sends = [
        [-0.5, 0.2, -0.1], // one before the window, one late
        [1, 0.9, 2.5], // one exactly on a boundary
        [1.5, 4.2, 3.1], // early and late in one batch
        [3.9, 2.2],
        [6.4, 5.5], // past the window's end, then inside it again
        [5.9],
      ].map((hours) => hours.map((h) => start + h * H));
      const producer = new kafka.Producer(options);
      try {
        for (const s of sends) {
          await producer.send({ messages: s.map((ts) => message(topics.ooo, ts)) });
        }
      } finally {
        await producer.close();
      }
      await check(topics.ooo, Array.from({ length: 7 }, (_, i) => start + i * H), sends.flat());
    });

    await t.step("commit and abort markers count at the time they were written", async () => {
      // Markers carry the broker's clock, so this log is written now and its boundaries are
      // the moments before each commit or abort: the marker is then the first offset at or
      // after the boundary, ahead of data stamped earlier.
      const plain = new kafka.Producer(options);
      const transactional = new kafka.Producer({ ...options, transactionalId: `${topics.txn}-tx` });
      const base = Date.now();
      const log: number[] = [];
      const boundaries = [base - 60_000];
      const highWatermark = async () =>
        (await cluster.offsets.at([partition(topics.txn)], LATEST)).offsets[0]!;
      const transaction = async (stamps: number[], end: "commit" | "abort") => {
        const tx = await transactional.beginTransaction();
        await tx.send({ messages: stamps.map((ts) => message(topics.txn, ts)) });
        boundaries.push(Date.now());
        await (end === "commit" ? tx.commit() : tx.abort());
        // The marker is written after the answer: wait for it before going on.
        while (await highWatermark() < BigInt(log.length + stamps.length + 1)) {
          await new Promise((r) => setTimeout(r, 20));
        }
        log.push(...stamps, Date.now());
      };
      try {
        await transaction([base - 50_000, base - 50_000, base - 50_000], "commit");
        await transaction([base - 40_000, base - 40_000], "abort");
        await plain.send({ messages: [message(topics.txn, base - 30_000)] });
        log.push(base - 30_000);
        await transaction([base + 30 * 60_000, base + 30 * 60_000], "commit");
      } finally {
        await plain.close();
        await transactional.close();
      }
      boundaries.push(base + 45 * 60_000);
      // The markers are offsets 3, 6 and 10: reading that skipped them would answer 4 and 7.
      assertEquals(expected(log, boundaries), [0n, 3n, 6n, 8n, 11n]);
      await check(topics.txn, boundaries, log);
    });

    await t.step(
      "timestamps in nanoseconds, past 2^53, beside a partition in milliseconds",
      async () => {
        const end = Math.floor(Date.now() / H) * H;
        const start = end - 4 * H;
        const nanos = Date.now() * 1e6;
        const logs = [
          [start + 0.5 * H, nanos, start + 1.5 * H, nanos + 1e9, start + 3.5 * H],
          [start + 0.2 * H, start + 2.2 * H, start + 3.2 * H],
        ];
        const producer = new kafka.Producer(options);
        try {
          for (const [p, log] of logs.entries()) {
            for (const ts of log) {
              await producer.send({ messages: [message(topics.nanos, ts, p)] });
            }
          }
        } finally {
          await producer.close();
        }
        const boundaries = Array.from({ length: 5 }, (_, i) => start + i * H);
        const parts = logs.map((_, p) => partition(topics.nanos, p));
        for (const [way, o] of WAYS) {
          const got = await boundaryOffsets(cluster, parts, boundaries, o);
          assertEquals([...got.failed], [], `failures ${way}`);
          for (const [p, log] of logs.entries()) {
            const key = `${topics.nanos}\u0000${p}`;
            const want = expected(log, boundaries);
            assertEquals(got.offsets.get(key), want, `partition ${p}, records ${way}`);
            // Read, not looked up after the read failed, which would give the same offsets.
            const read = got.wholeReads.get(key)?.records;
            assertEquals(read, way === "read" ? Number(want.at(-1)! - want[0]!) : undefined);
          }
        }
        // The sample reads whole batches up to the end of the log, the nanosecond ones too,
        // each Fetch answering from one segment (the broker rolls one at such a jump in time).
        // Both partitions go in every request: a batch the reader refused would lose them both.
        const next = parts.map(() => 0n);
        const read: number[][] = parts.map(() => []);
        for (let round = 0; next.some((o, p) => o < logs[p]!.length); round++) {
          assert(round < 20, `no progress past offsets ${next}`);
          const requests = parts.map((x, p) => ({ ...x, offset: next[p]!, maxBytes: 1 << 20 }));
          const answers = await fetchFromLeader(cluster, parts[0]!.leader, requests);
          for (const [p, r] of answers.entries()) {
            assert(r !== undefined && r.errorCode === 0, `partition ${p}: ${r?.errorCode}`);
            read[p]!.push(...r.records.timestamps.subarray(0, r.records.length));
            next[p] = BigInt(r.batches.at(-1)?.nextOffset ?? next[p]!);
          }
        }
        assertEquals(read, logs, "timestamps read, in log order");
      },
    );
  } finally {
    await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => {});
    await admin.close();
    await cluster.close();
  }
});
