// The seeder's hostile workloads (issue 12) on the local broker: each hostile fixture is
// seeded with a seed other than its own (the per-run override), and the broker must hold
// exactly what the ground truth says: the hourly records of every partition (ListOffsets by
// timestamp), the log start DeleteRecords left inside the partial hour, and every record
// batch (Fetch and the segment files agree, batch by batch). It prints, per topic, the
// broker's segment bytes ÷ records: the truth an analyzer's bytes-per-record estimate is
// compared with.
import { join } from "node:path";
import { assert, assertEquals } from "../assert.ts";
import {
  fixture,
  localBroker,
  plaintextConnection,
  type SeededProfile,
  seedFresh,
} from "../support/testbed.ts";
import { brokerLogStats } from "../support/broker_log.ts";
import {
  batchTruth,
  deletionTruth,
  partitionHourly,
  topicTruth,
} from "../../dev/workload/ground_truth.ts";
import { HOUR_MS, profileHours } from "../../dev/workload/plan.ts";
import { loadProfile, type TopicProfile } from "../../dev/workload/profile.ts";
import { EARLIEST, KafkaCluster, LATEST, partitionKey } from "../../src/kafka/cluster.ts";
import { type FetchedBatch, fetchFromLeader } from "../../src/kafka/fetch.ts";
import { hourlyRecordCounts } from "../../src/kafka/hourly_offsets.ts";

const FIXTURES = [
  "hostile_sizes.json",
  "hostile_batches.json",
  "hostile_compressible.json",
  "hostile_large.json",
  "hostile_deleted.json",
];

/** A batch, and the timestamp of its first record read (none for a batch of none). */
type ReadBatch = FetchedBatch & { firstTimestamp: number | undefined };

/** Every batch of a partition from `from` to the high watermark, through Fetch. */
async function readBatches(
  cluster: KafkaCluster,
  topic: string,
  partition: number,
  from: bigint,
  to: bigint,
): Promise<ReadBatch[]> {
  const [leader] = await cluster.leadersOf([{ topic, partition }]);
  const out: ReadBatch[] = [];
  for (let offset = from; offset < to;) {
    const [r] = await fetchFromLeader(cluster, leader!.leader, [{
      topic,
      topicId: leader!.topicId,
      partition,
      offset,
      maxBytes: 4 * 1024 * 1024,
    }]);
    assert(r && r.errorCode === 0, `fetch ${topic}[${partition}]@${offset}: ${r?.errorCode}`);
    assert(r.batches.length > 0, `no batch at ${topic}[${partition}]@${offset}`);
    for (const b of r.batches) {
      const firstTimestamp = b.endRow > b.firstRow ? r.records.timestamps[b.firstRow] : undefined;
      out.push({ ...b, firstTimestamp });
    }
    offset = BigInt(r.batches.at(-1)!.nextOffset);
  }
  return out;
}

/** Checks one seeded topic against the broker; returns its line of the printed table. */
async function checkTopic(
  cluster: KafkaCluster,
  dataDir: string,
  seeded: SeededProfile,
  topic: TopicProfile,
): Promise<string> {
  const { profile, anchor } = seeded;
  const hours = profileHours(profile, anchor);
  const window = { start: hours[0]!, end: anchor };
  const refs = Array.from(
    { length: topic.partitions },
    (_, partition) => ({ topic: topic.name, partition }),
  );
  const key = (p: number) => partitionKey(topic.name, p);

  // Records per partition and hour: ListOffsets by timestamp at every boundary.
  const counts = await hourlyRecordCounts(cluster, refs, [...hours, anchor]);
  const expected = partitionHourly(profile, topic, anchor, window);
  for (let p = 0; p < topic.partitions; p++) {
    assertEquals(counts.get(key(p)), expected[p], `${topic.name}[${p}] hourly records`);
  }

  // The log start: where DeleteRecords put it, inside the hour the truth calls partial.
  const [start, end, atPartial] = await Promise.all([
    cluster.offsetsAt(refs, EARLIEST),
    cluster.offsetsAt(refs, LATEST),
    cluster.offsetsAt(refs, BigInt(window.start)),
  ]);
  const deletion = deletionTruth(profile, topic, anchor);
  const truth = topicTruth(profile, topic, anchor, window);
  for (let p = 0; p < topic.partitions; p++) {
    assertEquals(
      start.get(key(p)),
      BigInt(deletion?.logStartOffsets[p] ?? 0),
      `${topic.name}[${p}] log start`,
    );
    // Nothing older is left: the earliest record at or after the profile's start is the log start.
    assertEquals(atPartial.get(key(p)), start.get(key(p)));
  }
  assertEquals(
    [...end].reduce((s, [k, hw]) => s + Number(hw - start.get(k)!), 0),
    truth.recordsInLog,
    `${topic.name} records in the log`,
  );

  // Every batch, through Fetch, against the plan and the segment files.
  const stats = await brokerLogStats(cluster, dataDir, topic);
  const batches = batchTruth(profile, topic, anchor);
  const fetched: ReadBatch[][] = [];
  for (let p = 0; p < topic.partitions; p++) {
    fetched.push(
      await readBatches(cluster, topic.name, p, start.get(key(p))!, end.get(key(p))!),
    );
    assertEquals(
      fetched[p]!.map((b) => b.recordCount),
      batches.perPartition[p],
      `${topic.name}[${p}] records per batch`,
    );
    assert(fetched[p]!.every((b) => b.codec === topic.compression && !b.control));
    const inFiles = stats.batches.filter((b) => b.partition === p);
    assertEquals(
      inFiles.map((b) => [b.baseOffset, b.sizeBytes, b.records]),
      fetched[p]!.map((b) => [BigInt(b.baseOffset), b.sizeBytes, b.recordCount]),
      `${topic.name}[${p}] segment files and Fetch`,
    );
  }
  assertEquals(stats.records, truth.recordsInLog);

  if (deletion) {
    assert(deletion.partialHourStart !== null, `${topic.name}: a partial hour`);
    assertEquals(truth.partialHourStart, deletion.partialHourStart);
    for (let p = 0; p < topic.partitions; p++) {
      const first = fetched[p]![0]!;
      // The log start is a batch's first offset, and its first record lies inside the
      // partial hour, where the truth says.
      assertEquals(first.baseOffset, Number(start.get(key(p))));
      const ts = first.firstTimestamp!;
      assertEquals(ts, deletion.firstRetainedTimestamps[p]);
      assert(ts >= deletion.cut && ts < deletion.partialHourStart! + HOUR_MS);
    }
    assert(stats.segments.some((n) => n > 1), `${topic.name}: segments rolled`);
    // As retention leaves a log: no segment wholly below the log start (see the seeder).
    assertEquals(stats.segmentsBelowLogStart, refs.map(() => 0));
  }

  const all = fetched.flat();
  const ones = all.filter((b) => b.recordCount === 1).length;
  const multi = all.filter((b) => b.recordCount > 1);
  const multiRecords = multi.reduce((s, b) => s + b.recordCount, 0);
  const payload = truth.records > 0 ? truth.payloadBytes / truth.records : 0;
  return [
    topic.name.slice(seeded.prefix.length).padEnd(26),
    topic.compression.padEnd(6),
    `${stats.bytesPerRecord.toFixed(1)} B/rec`.padStart(14),
    `payload ${payload.toFixed(1)}`.padStart(16),
    `${stats.records} rec`.padStart(9),
    `${all.length} batches`.padStart(13),
    `${((100 * ones) / all.length).toFixed(1)}% one-record`.padStart(17),
    `(${((100 * ones) / stats.records).toFixed(1)}% of records)`.padStart(20),
    `multi ${multi.length ? (multiRecords / multi.length).toFixed(1) : "-"} rec/batch`,
    `segments ${stats.segments.join(",")}`,
    deletion ? `log start ${stats.logStartOffsets.join(",")}` : "",
  ].join("  ");
}

for (const name of FIXTURES) {
  Deno.test(`hostile workload ${name}: the broker holds exactly the ground truth`, async () => {
    const info = await localBroker();
    const declared = await loadProfile(fixture(name));
    const started = performance.now();
    const seeded = await seedFresh(fixture(name), name.slice(8, 12), { seed: declared.seed + 1 });
    const seedSeconds = (performance.now() - started) / 1000;
    const { profile } = seeded;
    assertEquals(profile.seed, declared.seed + 1);
    const cluster = new KafkaCluster(plaintextConnection(info));
    const lines: string[] = [];
    try {
      for (const topic of profile.topics) {
        lines.push(await checkTopic(cluster, join(info.dataDir, "data"), seeded, topic));
      }
    } finally {
      await cluster.close();
      await seeded.cleanup();
    }
    console.log(
      `${name} (seed ${profile.seed}): seeded ${seeded.result.records} records` +
        (seeded.result.deleted ? ` (${seeded.result.deleted} deleted)` : "") +
        ` in ${seeded.result.requests} requests, ${seedSeconds.toFixed(2)} s\n  ${
          lines.join("\n  ")
        }`,
    );
  });
}
