// Writes a workload profile to a broker: (re)creates its topics with their configs and
// produces the record plan with explicit CreateTime timestamps, partitions and codecs, so
// every hour holds exactly its declared record count.
import { Buffer } from "node:buffer";
import { kafka } from "../../src/deps/kafka.ts";
import { clientOptions, type KafkaConnection } from "../../src/kafka/connection.ts";
import { planHour, profileHours } from "./plan.ts";
import type { TopicProfile, WorkloadProfile } from "./profile.ts";
import { recordValue } from "./values.ts";

export interface SeedOptions {
  /** Exclusive end of the seeded history, a whole UTC hour. */
  anchor: number;
  /** Progress lines; the default is silent. */
  log?: (line: string) => void;
  /** Payload bytes per produce request; below the broker's 1 MiB message limit even if one partition takes all. */
  chunkBytes?: number;
  /** Topics produced at the same time. */
  concurrency?: number;
  /** Replicas of each topic; 1 by default (one broker), 3 on the 3-broker test bed. */
  replicationFactor?: number;
}

export interface SeedResult {
  anchor: number;
  topics: number;
  records: number;
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
    let records = 0;
    const queue = [...profile.topics];
    const workers = Array.from({ length: options.concurrency ?? 16 }, async () => {
      for (let t = queue.shift(); t; t = queue.shift()) {
        const n = await produceTopic(producer, profile, t, options);
        records += n;
        log(`seeded ${t.name}: ${n} records`);
      }
    });
    await Promise.all(workers);
    return {
      anchor: options.anchor,
      topics: profile.topics.length,
      records,
      millis: performance.now() - started,
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
): Promise<number> {
  const chunkBytes = options.chunkBytes ?? 512 * 1024;
  const compression = CODECS[topic.compression];
  const headerCount = topic.traffic?.headers ?? 0;
  let produced = 0;
  let pending: kafka.MessageToProduce[] = [];
  let pendingBytes = 0;
  const flush = async () => {
    if (pending.length === 0) return;
    const messages = pending;
    pending = [];
    pendingBytes = 0;
    await producer.send(compression === undefined ? { messages } : { messages, compression });
  };
  for (const hour of profileHours(profile, options.anchor)) {
    const plan = planHour(profile, topic, options.anchor, hour);
    for (let i = 0; i < plan.length; i++) {
      const r = plan[i]!;
      const message: kafka.MessageToProduce = {
        topic: topic.name,
        partition: r.partition,
        timestamp: BigInt(r.timestamp),
        value: Buffer.from(recordValue(r.timestamp ^ (i * 2654435761), r.valueBytes)),
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
      pending.push(message);
      pendingBytes += r.valueBytes + 64;
      if (pendingBytes >= chunkBytes) await flush();
    }
    produced += plan.length;
    // A producer never puts records of different hours in one batch (it waits milliseconds,
    // not hours, to fill one): flushing at every hour keeps the log's batches realistic.
    await flush();
  }
  return produced;
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

async function waitUntil(
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
