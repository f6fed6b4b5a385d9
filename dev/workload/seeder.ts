// Writes a workload profile to a broker: (re)creates its topics with their configs and
// produces the record plan with explicit CreateTime timestamps, partitions and codecs, so
// every hour holds exactly its declared record count. What it writes, exactly:
//
// - records: planHour() (plan.ts): per hour, the declared count, spread evenly over the hour
//   (but for the `minuteBursts` share, spread inside its minute), with their partitions, keys,
//   headers and value sizes (sizes.ts), values from values.ts;
// - batches: planRequests() (plan.ts): one produce request at a time per topic, each stored
//   as one batch per partition; never a batch across an hour boundary (nor across a
//   `deleteBefore` cut), nor one above the topic's max.message.bytes;
// - `configs`: passed to CreateTopics as they are, except that a topic with `deleteBefore`
//   rolls no segment until every partition holds a record after the cut (see HELD_ROLLING);
// - then, for a topic with `deleteBefore`, DeleteRecords on every partition at its first
//   record at or after the cut, checked against ListOffsets by timestamp; the records before
//   it are gone from the log (ground_truth.ts counts what is left).
import { Buffer } from "node:buffer";
import { kafka } from "../../src/deps/kafka.ts";
import { clientOptions, type KafkaConnection } from "../../src/kafka/connection.ts";
import { deletionCut, HOUR_MS, planHour, planRequests, profileHours } from "./plan.ts";
import type { TopicProfile, WorkloadProfile } from "./profile.ts";
import { plannedValue } from "./values.ts";

export interface SeedOptions {
  /** Exclusive end of the seeded history, a whole UTC hour. */
  anchor: number;
  /** Progress lines; the default is silent. */
  log?: (line: string) => void;
  /**
   * Payload bytes per produce request (default 512 KiB; plan.ts DEFAULT_CHUNK_BYTES); below
   * the broker's 1 MiB message limit even if one partition takes all. Changing it changes
   * the log's batches: pass the same value to the ground truth's batch functions.
   */
  chunkBytes?: number;
  /** Topics produced at the same time. */
  concurrency?: number;
  /** Replicas of each topic; 1 by default (one broker), 3 on the 3-broker test bed. */
  replicationFactor?: number;
}

export interface SeedResult {
  anchor: number;
  topics: number;
  /** Records produced (those DeleteRecords removed afterwards included). */
  records: number;
  /** Records DeleteRecords removed (`deleteBefore`). */
  deleted: number;
  /** Produce requests sent. */
  requests: number;
  millis: number;
  /** Per topic, in the profile's order. */
  perTopic: TopicSeedResult[];
}

export interface TopicSeedResult {
  topic: string;
  records: number;
  deleted: number;
  requests: number;
  /** Producing and deleting this topic (topics are produced concurrently). */
  millis: number;
}

const CODECS = {
  none: undefined,
  gzip: kafka.CompressionAlgorithms.GZIP,
  snappy: kafka.CompressionAlgorithms.SNAPPY,
  lz4: kafka.CompressionAlgorithms.LZ4,
  zstd: kafka.CompressionAlgorithms.ZSTD,
} as const;

export async function seedProfile(
  profile: WorkloadProfile,
  connection: KafkaConnection,
  options: SeedOptions,
): Promise<SeedResult> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const base = clientOptions(connection, {
    clientId: "kpr-seeder",
    connectTimeoutMs: 10_000,
    requestTimeoutMs: 60_000,
    retries: 3,
  });
  const admin = new kafka.Admin(base);
  // Idempotent: a send retried after a lost answer must not write its records twice, or
  // the ground truth would be off by a batch.
  const producer = new kafka.Producer({ ...base, idempotent: true, acks: kafka.ProduceAcks.ALL });
  try {
    await recreateTopics(admin, profile.topics, log, options.replicationFactor ?? 1);
    const perTopic = new Map<string, TopicSeedResult>();
    const queue = [...profile.topics];
    const workers = Array.from({ length: options.concurrency ?? 16 }, async () => {
      for (let t = queue.shift(); t; t = queue.shift()) {
        const began = performance.now();
        const { records, requests } = await produceTopic(
          producer,
          profile,
          t,
          options,
          releaseRollingAfterCut(admin, profile, t, options.anchor),
        );
        const deleted = await deleteBefore(admin, profile, t, options.anchor);
        const millis = performance.now() - began;
        perTopic.set(t.name, { topic: t.name, records, deleted, requests, millis });
        log(
          `seeded ${t.name}: ${records} records in ${requests} requests` +
            (t.deleteBefore ? `, ${deleted} deleted before the cut` : ""),
        );
      }
    });
    await Promise.all(workers);
    const results = profile.topics.map((t) => perTopic.get(t.name)!);
    const sum = (f: (r: TopicSeedResult) => number) => results.reduce((s, r) => s + f(r), 0);
    return {
      anchor: options.anchor,
      topics: profile.topics.length,
      records: sum((r) => r.records),
      deleted: sum((r) => r.deleted),
      requests: sum((r) => r.requests),
      millis: performance.now() - started,
      perTopic: results,
    };
  } finally {
    await producer.close();
    await admin.close();
  }
}

async function recreateTopics(
  admin: kafka.Admin,
  topics: TopicProfile[],
  log: (line: string) => void,
  replicas: number,
): Promise<void> {
  const names = new Set(topics.map((t) => t.name));
  const existing = (await admin.listTopics({ includeInternals: true })).filter((n) => names.has(n));
  if (existing.length > 0) {
    log(`replacing ${existing.length} existing topic(s) so the counts stay exact`);
    for (let i = 0; i < existing.length; i += 200) {
      await admin.deleteTopics({ topics: existing.slice(i, i + 200) });
    }
    await waitUntil(async () => {
      const now = new Set(await admin.listTopics({ includeInternals: true }));
      return existing.every((n) => !now.has(n));
    }, "deleted topics to disappear");
  }
  // One CreateTopics request per group of topics that share partitions and configs (the
  // request's configs apply to every topic in it): a thousand topics take a few requests.
  const groups = new Map<
    string,
    { partitions: number; configs: { name: string; value: string }[]; names: string[] }
  >();
  for (const t of topics) {
    const configs: { name: string; value: string }[] = [{
      name: "cleanup.policy",
      value: t.cleanupPolicy,
    }];
    if (t.retentionMs !== undefined) {
      configs.push({ name: "retention.ms", value: String(t.retentionMs) });
    }
    for (const [name, value] of Object.entries(t.configs ?? {})) {
      if (!(heldUntilCut(t) && name in HELD_ROLLING)) configs.push({ name, value: String(value) });
    }
    if (heldUntilCut(t)) {
      for (const [name, value] of Object.entries(HELD_ROLLING)) configs.push({ name, value });
    }
    const key = JSON.stringify([t.partitions, configs]);
    const group = groups.get(key) ?? { partitions: t.partitions, configs, names: [] };
    group.names.push(t.name);
    groups.set(key, group);
  }
  for (const g of groups.values()) {
    for (let i = 0; i < g.names.length; i += 200) {
      const names = g.names.slice(i, i + 200);
      // A deleted topic of the same name can linger a moment in KRaft: retry its creation.
      await retry(() => createMissing(admin, names, g.partitions, g.configs, replicas));
    }
  }
  await waitUntil(async () => {
    const meta = await admin.metadata({ topics: topics.map((t) => t.name), forceUpdate: true });
    return topics.every((t) => meta.topics.get(t.name)?.partitionsCount === t.partitions);
  }, "created topics to have leaders");
}

async function produceTopic(
  producer: kafka.Producer,
  profile: WorkloadProfile,
  topic: TopicProfile,
  options: SeedOptions,
  /** Called after each hour is written. */
  afterHour: (hour: number) => Promise<void> = () => Promise.resolve(),
): Promise<{ records: number; requests: number }> {
  const compression = CODECS[topic.compression];
  const traffic = topic.traffic;
  const headerCount = traffic?.headers ?? 0;
  let records = 0;
  let requests = 0;
  if (!traffic) return { records, requests };
  for (const hour of profileHours(profile, options.anchor)) {
    const plan = planHour(profile, topic, options.anchor, hour);
    // A producer never puts records of different hours in one batch (it waits milliseconds,
    // not hours, to fill one): each hour's requests are its own.
    for (
      const request of planRequests(profile, topic, options.anchor, hour, plan, options.chunkBytes)
    ) {
      const messages = request.map((i) => {
        const r = plan[i]!;
        const message: kafka.MessageToProduce = {
          topic: topic.name,
          partition: r.partition,
          timestamp: BigInt(r.timestamp),
          value: Buffer.from(plannedValue(profile, traffic, r, i)),
        };
        if (r.key !== null) message.key = Buffer.from(r.key);
        if (headerCount > 0) {
          message.headers = new Map(
            Array.from(
              { length: headerCount },
              (_, h) => [Buffer.from(`h${h}`), Buffer.from("seed")],
            ),
          );
        }
        return message;
      });
      await producer.send(compression === undefined ? { messages } : { messages, compression });
      requests++;
    }
    records += plan.length;
    await afterHour(hour);
  }
  return { records, requests };
}

/**
 * Segment rolling held back, for a topic with `deleteBefore`, until every partition has a
 * record at or after the cut: so the segment that holds the log start is the first one, and
 * no segment lies wholly below it. After DeleteRecords, the broker keeps such segments until
 * its retention check (every 5 minutes) deletes them, and meanwhile ListOffsets by timestamp
 * answers -1 ("no such record") for every timestamp whose first segment is one of them, i.e.
 * every timestamp before the cut: an hourly count would find nothing. Retention never leaves
 * a log like that (it moves the log start and drops the segments together), so the seeder
 * does not either; the declared segment configs apply from then on, and segments roll.
 */
const HELD_ROLLING: Record<string, string> = {
  "segment.ms": "9223372036854775807",
  "segment.bytes": "2147483647",
};

function heldUntilCut(t: TopicProfile): boolean {
  return t.deleteBefore !== undefined && t.traffic !== undefined;
}

/** After each hour: once every partition has a record at or after the cut, the declared rolling configs. */
function releaseRollingAfterCut(
  admin: kafka.Admin,
  profile: WorkloadProfile,
  topic: TopicProfile,
  anchor: number,
): (hour: number) => Promise<void> {
  const cut = deletionCut(topic, anchor);
  if (cut === null || !heldUntilCut(topic)) return () => Promise.resolve();
  const reached = new Set<number>();
  let released = false;
  return async (hour) => {
    if (released || hour + HOUR_MS <= cut) return;
    for (const r of planHour(profile, topic, anchor, hour)) {
      if (r.timestamp >= cut) reached.add(r.partition);
    }
    const last = hour + HOUR_MS >= anchor;
    if (reached.size < topic.partitions && !last) return;
    released = true;
    await admin.incrementalAlterConfigs({
      resources: [{
        resourceType: kafka.ConfigResourceTypes.TOPIC,
        resourceName: topic.name,
        configs: Object.keys(HELD_ROLLING).map((name) => {
          const declared = topic.configs?.[name];
          return declared === undefined
            ? { name, configOperation: kafka.IncrementalAlterConfigOperationTypes.DELETE }
            : {
              name,
              configOperation: kafka.IncrementalAlterConfigOperationTypes.SET,
              value: String(declared),
            };
        }),
      }],
    });
  };
}

/**
 * `deleteBefore`: DeleteRecords on every partition at its first record at or after the cut.
 * The offsets come from the plan (a fresh topic's offsets count its records) and must equal
 * what ListOffsets by timestamp answers, or the log is not what the ground truth says.
 * Returns the records deleted.
 */
async function deleteBefore(
  admin: kafka.Admin,
  profile: WorkloadProfile,
  topic: TopicProfile,
  anchor: number,
): Promise<number> {
  const cut = deletionCut(topic, anchor);
  if (cut === null || !topic.traffic) return 0;
  const before = new Array<number>(topic.partitions).fill(0);
  for (const hour of profileHours(profile, anchor)) {
    if (hour >= cut) break;
    for (const r of planHour(profile, topic, anchor, hour)) {
      if (r.timestamp < cut) before[r.partition]!++;
    }
  }
  const partitions = before.map((_, partition) => partition);
  const listed = await admin.listOffsets({
    topics: [
      {
        name: topic.name,
        partitions: partitions.map((p) => ({ partitionIndex: p, timestamp: BigInt(cut) })),
      },
    ],
  });
  const latest = await admin.listOffsets({
    topics: [{
      name: topic.name,
      partitions: partitions.map((p) => ({ partitionIndex: p, timestamp: -1n })),
    }],
  });
  const offsetOf = (answer: typeof listed, p: number) =>
    answer[0]?.partitions.find((x) => x.partitionIndex === p)?.offset;
  for (const p of partitions) {
    const at = offsetOf(listed, p);
    const found = at === undefined || at < 0n ? offsetOf(latest, p) : at;
    if (found !== BigInt(before[p]!)) {
      throw new Error(
        `${topic.name}[${p}]: the first record at or after the cut is at offset ${found}, ` +
          `but the plan puts ${before[p]} records before it`,
      );
    }
  }
  const deleted = await admin.deleteRecords({
    topics: [{
      name: topic.name,
      partitions: partitions.map((p) => ({ partition: p, offset: BigInt(before[p]!) })),
    }],
  });
  // The log must answer like one retention cut: a timestamp before the cut finds the log start.
  const early = await admin.listOffsets({
    topics: [{
      name: topic.name,
      partitions: partitions.map((p) => ({
        partitionIndex: p,
        timestamp: BigInt(profileHours(profile, anchor)[0]!),
      })),
    }],
  });
  for (const p of partitions) {
    const low = deleted[0]?.partitions.find((x) => x.partition === p)?.lowWatermark;
    if (low !== BigInt(before[p]!)) {
      throw new Error(
        `${topic.name}[${p}]: DeleteRecords left the log start at ${low}, not ${before[p]}`,
      );
    }
    const found = offsetOf(early, p);
    if (found !== low && !(found === -1n && offsetOf(latest, p) === low)) {
      throw new Error(
        `${topic.name}[${p}]: after DeleteRecords, ListOffsets for the profile's first hour ` +
          `answers ${found}, not the log start ${low} (a segment wholly below the log start?)`,
      );
    }
  }
  return before.reduce((s, n) => s + n, 0);
}

async function createMissing(
  admin: kafka.Admin,
  names: string[],
  partitions: number,
  configs: { name: string; value: string }[],
  replicas: number,
): Promise<void> {
  const existing = new Set(await admin.listTopics({ includeInternals: true }));
  const missing = names.filter((n) => !existing.has(n));
  if (missing.length > 0) {
    await admin.createTopics({ topics: missing, partitions, replicas, configs });
  }
}

async function retry<T>(fn: () => Promise<T>, attempts = 20): Promise<T> {
  for (let i = 1;; i++) {
    try {
      return await fn();
    } catch (e) {
      if (i >= attempts) throw e;
      await new Promise((r) => setTimeout(r, 250 * Math.min(i, 8)));
    }
  }
}

/** Polls `check` every 200 ms (a failed check counts as false) until it holds; throws after. */
export async function waitUntil(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
