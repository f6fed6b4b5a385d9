// The results topic writer (src/writer/results_topic.ts) against real brokers: the local
// single broker (PLAINTEXT and SASL_SSL, replication factor 1), the ACL-enforcing broker, and
// the 3-broker test cluster (replication factor 3, and a produce answer lost in toxiproxy).
// What was written is read back by an independent client (kafka.Consumer's group-free
// fetch, by offset, straight from each leader), never by the writer's own code; configs are
// read with a separate Admin.
import { assert, assertEquals, assertMatch, assertRejects } from "../assert.ts";
import {
  authorizerBroker,
  clusterConnection,
  localBroker,
  plaintextConnection,
  saslSslConnection,
  testCluster,
  toxiproxyOf,
} from "../support/testbed.ts";
import { fixtureReport, T0 } from "../unit/_report_fixture.ts";
import { kafka } from "../../src/deps/kafka.ts";
import {
  clientOptions,
  type ClientTuning,
  type KafkaConnection,
} from "../../src/kafka/connection.ts";
import type { TopicResult } from "../../src/model/mod.ts";
import { toJsonReport } from "../../src/report/json.ts";
import { ResultsTopicError } from "../../src/writer/errors.ts";
import {
  type ResultsTopicSpec,
  writeResults,
  type WriteResultsOptions,
} from "../../src/writer/results_topic.ts";

const TUNING: ClientTuning = {
  clientId: "kpr-results-test",
  connectTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
  retries: 2,
};

const REPORT = fixtureReport();
const TOPICS: TopicResult[] = REPORT.topics;
const JSON_TOPICS = new Map(toJsonReport(REPORT).topics.map((t) => [t.topic_name, t]));
const IDENTITY_FIELDS = ["schema_version", "analysis_time", "cluster_id", "method"];

const uniquePrefix = (label: string) => `kt${Date.now().toString(36)}${label}_`;

function spec(name: string, overrides: Partial<ResultsTopicSpec> = {}): ResultsTopicSpec {
  return { name, partitions: 3, replicationFactor: 1, retentionDays: 0, ...overrides };
}

function run(
  connection: KafkaConnection,
  topic: ResultsTopicSpec,
  extra: Partial<WriteResultsOptions> = {},
) {
  const lines: string[] = [];
  const outcome = writeResults({
    connection,
    tuning: TUNING,
    topic,
    identity: { analysisTime: T0, clusterId: connection.clusterId, method: "sampling" },
    topics: TOPICS,
    log: (line) => lines.push(line),
    ...extra,
  });
  return { outcome, lines };
}

async function withAdmin<T>(c: KafkaConnection, fn: (a: kafka.Admin) => Promise<T>): Promise<T> {
  const admin = new kafka.Admin(clientOptions(c, TUNING));
  try {
    return await fn(admin);
  } finally {
    await admin.close();
  }
}

async function deleteTopics(c: KafkaConnection, topics: string[]): Promise<void> {
  await withAdmin(c, async (admin) => {
    for (const t of topics) await admin.deleteTopics({ topics: [t] }).catch(() => {});
  });
}

/** Every config of the topic, name → "value (source)". */
async function topicConfigs(c: KafkaConnection, topic: string): Promise<Record<string, string>> {
  return await withAdmin(c, async (admin) => {
    const [d] = await admin.describeConfigs({
      resources: [{ resourceType: kafka.ConfigResourceTypes.TOPIC, resourceName: topic }],
    });
    assert(d, `no configs for ${topic}`);
    return Object.fromEntries(d.configs.map((x) => [x.name, `${x.value} (${x.configSource})`]));
  });
}

async function layoutOf(c: KafkaConnection, topic: string) {
  return await withAdmin(c, async (admin) => {
    const t = (await admin.metadata({ topics: [topic], forceUpdate: true })).topics.get(topic);
    assert(t, `${topic} is not in the metadata`);
    return {
      partitions: t.partitionsCount,
      replicas: t.partitions.map((p) => p.replicas.length),
      leaders: t.partitions.map((p) => p.leader),
    };
  });
}

async function topicExists(c: KafkaConnection, topic: string): Promise<boolean> {
  return await withAdmin(
    c,
    async (admin) => (await admin.listTopics({ includeInternals: false })).includes(topic),
  );
}

interface ReadRecord {
  partition: number;
  offset: bigint;
  key: string;
  value: string;
  timestamp: number;
  /** ≥ 0 only for records of an idempotent (or transactional) producer. */
  producerId: bigint;
  firstSequence: number;
}

/**
 * Every record of the topic, read with kafka.Consumer's fetch by offset from each
 * partition's leader: no group, nothing committed, nothing of the writer's code.
 */
async function readTopic(c: KafkaConnection, topic: string): Promise<ReadRecord[]> {
  const base = clientOptions(c, TUNING);
  const admin = new kafka.Admin(base);
  const consumer = new kafka.Consumer({ ...base, groupId: "kpr-results-test-never-joined" });
  try {
    const t = (await admin.metadata({ topics: [topic], forceUpdate: true })).topics.get(topic);
    assert(t, `${topic} is not in the metadata`);
    const out: ReadRecord[] = [];
    for (const [partition, p] of t.partitions.entries()) {
      let offset = 0n;
      for (let round = 0; round < 1000; round++) {
        const response: kafka.fetchV17.FetchResponse = await consumer.fetch({
          node: p.leader,
          maxWaitTime: 10,
          topics: [{
            topicId: t.id,
            partitions: [{
              partition,
              fetchOffset: offset,
              partitionMaxBytes: 4 * 1024 * 1024,
              currentLeaderEpoch: -1,
              lastFetchedEpoch: -1,
            }],
          }],
        });
        const r = response.responses[0]?.partitions[0];
        assert(r, "no partition in the fetch response");
        assertEquals(r.errorCode, 0, `fetch ${topic}[${partition}]`);
        for (const batch of r.records ?? []) {
          for (const rec of batch.records) {
            const at = batch.firstOffset + BigInt(rec.offsetDelta);
            if (at < offset) continue;
            out.push({
              partition,
              offset: at,
              key: rec.key?.toString("utf8") ?? "",
              value: rec.value?.toString("utf8") ?? "",
              timestamp: Number(batch.firstTimestamp + rec.timestampDelta),
              producerId: batch.producerId,
              firstSequence: batch.firstSequence,
            });
          }
          offset = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n;
        }
        if (offset >= r.highWatermark) break;
      }
    }
    return out;
  } finally {
    await consumer.close();
    await admin.close();
  }
}

/** What every run of this file must find in the topic: its records, keyed and valued as documented. */
function checkRun(records: ReadRecord[], clusterId: string, analysisTime = T0): void {
  assertEquals(records.length, TOPICS.length, "one record per analysed topic");
  const keys = records.map((r) => JSON.parse(r.key));
  assertEquals(
    keys.map((k) => JSON.stringify(k)).sort(),
    TOPICS.map((t) => JSON.stringify([clusterId, t.topicName])).sort(),
    "keys are [cluster id, topic], one per topic",
  );
  assertEquals(new Set(records.map((r) => r.key)).size, records.length, "keys are distinct");
  for (const r of records) {
    const [, topic] = JSON.parse(r.key) as [string, string];
    const value = JSON.parse(r.value);
    assertEquals(value.schema_version, 1);
    assertEquals(value.analysis_time, new Date(analysisTime).toISOString());
    assertEquals(value.cluster_id, clusterId);
    assertEquals(value.method, "sampling");
    const rest = Object.fromEntries(
      Object.entries(value).filter(([k]) => !IDENTITY_FIELDS.includes(k)),
    );
    assertEquals(
      rest,
      JSON.parse(JSON.stringify(JSON_TOPICS.get(topic))),
      `${topic}: the report's topic`,
    );
    assertEquals(r.timestamp, analysisTime, "timestamped at the analysis time");
    assert(r.producerId >= 0n, "written by an idempotent producer (the batch has a producer id)");
    assert(r.firstSequence >= 0, "with sequence numbers, which the broker deduplicates on");
  }
}

Deno.test("results writer: creates the missing topic, one record per topic keyed [cluster, topic], read back independently", async () => {
  const info = await localBroker();
  const c = plaintextConnection(info);
  const name = `${uniquePrefix("rw")}results`;
  try {
    assert(!(await topicExists(c, name)));
    const { outcome, lines } = run(c, spec(name, { partitions: 3, retentionDays: 0 }));
    assertEquals(await outcome, {
      topic: name,
      created: true,
      retentionChanged: false,
      records: TOPICS.length,
    });
    assertMatch(
      lines.join("\n"),
      /created \(3 partitions, replication factor 1, retention forever\)/,
    );
    const configs = await topicConfigs(c, name);
    assertMatch(configs["retention.ms"]!, /^-1 /);
    assertEquals((await layoutOf(c, name)).partitions, 3);
    checkRun(await readTopic(c, name), c.clusterId);
  } finally {
    await deleteTopics(c, [name]);
  }
});

Deno.test("results writer: a second run (over SASL_SSL) appends a second set, each key on the partition of its first", async () => {
  const info = await localBroker();
  const plain = plaintextConnection(info);
  const sasl = await saslSslConnection(info);
  const name = `${uniquePrefix("rw2")}results`;
  const later = T0 + 3_600_000;
  try {
    assertEquals((await run(plain, spec(name)).outcome).created, true);
    const before = await topicConfigs(plain, name);
    const second = run(sasl, spec(name), {
      identity: { analysisTime: later, clusterId: sasl.clusterId, method: "sampling" },
    });
    assertEquals(await second.outcome, {
      topic: name,
      created: false,
      retentionChanged: false,
      records: TOPICS.length,
    });
    assertEquals(await topicConfigs(plain, name), before, "nothing changed on the topic");
    const records = await readTopic(plain, name);
    assertEquals(records.length, 2 * TOPICS.length);
    const first = records.filter((r) =>
      JSON.parse(r.value).analysis_time.startsWith("2026-09-08T00")
    );
    const again = records.filter((r) =>
      JSON.parse(r.value).analysis_time.startsWith("2026-09-08T01")
    );
    checkRun(first, plain.clusterId);
    checkRun(again, plain.clusterId, later);
    const partitionOf = new Map(first.map((r) => [r.key, r.partition]));
    for (const r of again) {
      assertEquals(r.partition, partitionOf.get(r.key), `${r.key}: same partition`);
    }
  } finally {
    await deleteTopics(plain, [name]);
  }
});

Deno.test("results writer: an existing topic keeps every other config, partitions and replication; only retention.ms changes, and only when it differs", async () => {
  const info = await localBroker();
  const c = plaintextConnection(info);
  const name = `${uniquePrefix("rw3")}results`;
  const own = {
    "cleanup.policy": "compact",
    "max.message.bytes": "2000000",
    "segment.ms": "3600000",
    "min.cleanable.dirty.ratio": "0.3",
    "retention.ms": "604800000",
  };
  try {
    await withAdmin(c, (admin) =>
      admin.createTopics({
        topics: [name],
        partitions: 2,
        replicas: 1,
        configs: Object.entries(own).map(([n, value]) => ({ name: n, value })),
      }));
    const before = await topicConfigs(c, name);
    for (const [n, v] of Object.entries(own)) assertMatch(before[n]!, new RegExp(`^${v} `));

    // 30 days asked, 7 set: retention.ms changes, nothing else, and the settings for
    // partitions and replication (6, 1) do not apply to a topic that exists.
    const first = run(c, spec(name, { partitions: 6, retentionDays: 30 }));
    assertEquals(await first.outcome, {
      topic: name,
      created: false,
      retentionChanged: true,
      records: TOPICS.length,
    });
    const after = await topicConfigs(c, name);
    assertEquals(after, { ...before, "retention.ms": after["retention.ms"] });
    assertMatch(after["retention.ms"]!, /^2592000000 /);
    assertEquals((await layoutOf(c, name)).partitions, 2);
    const log = first.lines.join("\n");
    assertMatch(log, /retention\.ms changed from 604800000 \(7 days\) to 2592000000 \(30 days\)/);
    assertMatch(log, /exists with 2 partitions .* kept as is/);

    // The same setting again: nothing to change, and nothing changed.
    const second = run(c, spec(name, { partitions: 6, retentionDays: 30 }));
    assertEquals((await second.outcome).retentionChanged, false);
    assertEquals(await topicConfigs(c, name), after);

    // 0 days: forever, as Kafka spells it.
    assertEquals((await run(c, spec(name, { retentionDays: 0 })).outcome).retentionChanged, true);
    const forever = await topicConfigs(c, name);
    assertEquals(forever, { ...before, "retention.ms": forever["retention.ms"] });
    assertMatch(forever["retention.ms"]!, /^-1 /);

    // Compaction keeps the latest record per key: distinct keys are what make that sane.
    const records = await readTopic(c, name);
    assertEquals(records.length, 3 * TOPICS.length);
  } finally {
    await deleteTopics(c, [name]);
  }
});

Deno.test("results writer: writers racing to create the topic all succeed; exactly one creates it (TOPIC_ALREADY_EXISTS is an existing topic)", async () => {
  const info = await localBroker();
  const c = plaintextConnection(info);
  const name = `${uniquePrefix("rw4")}results`;
  const writers = 4;
  try {
    const runs = Array.from({ length: writers }, () => run(c, spec(name)));
    const outcomes = await Promise.all(runs.map((r) => r.outcome));
    assertEquals(outcomes.filter((o) => o.created).length, 1, "one run created the topic");
    for (const o of outcomes) assertEquals(o.records, TOPICS.length);
    const raced = runs.filter((r) => r.lines.some((l) => l.includes("created by another client")));
    // A run that found the topic missing and then got TOPIC_ALREADY_EXISTS says so: at least
    // one must have, or this test did not exercise the race it is named for.
    assert(raced.length >= 1, "no run lost the creation race: the race path went untested");
    assertEquals((await readTopic(c, name)).length, writers * TOPICS.length);
  } finally {
    await deleteTopics(c, [name]);
  }
});

Deno.test("results writer: a replication factor above the broker count is a clear error naming KAFKA_WRITER_TOPIC_REPLICATION_FACTOR; nothing is created", async () => {
  const info = await localBroker();
  const c = plaintextConnection(info);
  const name = `${uniquePrefix("rw5")}results`;
  try {
    const e = await assertRejects(
      () => run(c, spec(name, { replicationFactor: 3 })).outcome,
      ResultsTopicError,
    );
    assertEquals(e.problem, "replication_factor");
    assertEquals(
      e.message,
      `cluster ${c.clusterId}: cannot create results topic ${name} with ` +
        "KAFKA_WRITER_TOPIC_REPLICATION_FACTOR=3: the cluster has 1 broker; " +
        "set KAFKA_WRITER_TOPIC_REPLICATION_FACTOR to 1 or less",
    );
    assert(!(await topicExists(c, name)), "no topic was created");
  } finally {
    await deleteTopics(c, [name]);
  }
});

Deno.test("results writer: no topics, no contact: an unreachable cluster is not even tried", async () => {
  const nowhere: KafkaConnection = {
    clusterId: "nowhere",
    bootstrapServers: ["127.0.0.1:1"],
    securityProtocol: "PLAINTEXT",
    sasl: null,
    caPem: null,
  };
  assertEquals(await run(nowhere, spec("x"), { topics: [] }).outcome, {
    topic: "x",
    created: false,
    retentionChanged: false,
    records: 0,
  });
});

// ACLs of the user `analyst` on the authorizer broker, on one topic only (other tests of the
// suite manage the analyst's ACLs on their own prefixes).
const ANALYST = "User:analyst";
const { AclOperations: Op, ResourceTypes: Res, ResourcePatternTypes: Pat } = kafka;

function allowOnTopic(topic: string, operation: number): kafka.Acl {
  return {
    resourceType: Res.TOPIC,
    resourceName: topic,
    resourcePatternType: Pat.LITERAL,
    principal: ANALYST,
    host: "*",
    operation,
    permissionType: kafka.AclPermissionTypes.ALLOW,
  } as kafka.Acl;
}

function aclsOnTopic(topic: string): kafka.AclFilter {
  return {
    resourceType: Res.TOPIC,
    resourceName: topic,
    resourcePatternType: Pat.LITERAL,
    principal: ANALYST,
    host: null,
    operation: Op.ANY,
    permissionType: kafka.AclPermissionTypes.ANY,
  } as kafka.AclFilter;
}

/** ACLs reach the authorizer through the metadata log: waits until the analyst may describe the topic's configs. */
async function waitForAcls(analyst: KafkaConnection, topic: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const error = await withAdmin(analyst, (admin) =>
      admin.describeConfigs({
        resources: [{ resourceType: kafka.ConfigResourceTypes.TOPIC, resourceName: topic }],
      }).then(() => null, (e: unknown) => e));
    const text = Deno.inspect(error, { depth: 8 });
    if (!text.includes("TOPIC_AUTHORIZATION_FAILED")) return;
    if (Date.now() > deadline) throw new Error(`the ACLs on ${topic} never took effect`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

Deno.test("results writer: without ACLs a clear error names CREATE, WRITE and ALTER_CONFIGS; with exactly those it creates, writes and aligns retention", async () => {
  const info = await authorizerBroker();
  const admin = await saslSslConnection(info, "admin", "SCRAM-SHA-256");
  const analyst = await saslSslConnection(info, "analyst");
  const name = `${uniquePrefix("rwacl")}results`;
  const other = `${uniquePrefix("rwacl2")}results`;
  try {
    await withAdmin(
      admin,
      (a) => a.deleteAcls({ filters: [aclsOnTopic(name), aclsOnTopic(other)] }),
    );
    const e = await assertRejects(() => run(analyst, spec(name)).outcome, ResultsTopicError);
    assertEquals(e.problem, "authorization");
    assertEquals(
      e.message,
      `cluster ${analyst.clusterId}: not authorized to read the configs of results topic ${name} ` +
        `(TOPIC_AUTHORIZATION_FAILED). USE_KAFKA_WRITER needs CREATE, WRITE and ALTER_CONFIGS on ` +
        `topic ${name} for the API key; grant them, or set USE_KAFKA_WRITER=False.`,
    );
    assert(!e.message.includes(analyst.sasl!.password), "no secret in the message");
    assert(!(await topicExists(admin, name)));

    // Exactly the documented grants (ALTER_CONFIGS implies DESCRIBE_CONFIGS, WRITE implies
    // DESCRIBE, and WRITE on a topic lets an idempotent producer start).
    await withAdmin(admin, (a) =>
      a.createAcls({
        creations: [Op.CREATE, Op.WRITE, Op.ALTER_CONFIGS].flatMap((op) => [
          allowOnTopic(name, op),
          allowOnTopic(other, op),
        ]),
      }));
    await waitForAcls(analyst, name);
    assertEquals(await run(analyst, spec(name)).outcome, {
      topic: name,
      created: true,
      retentionChanged: false,
      records: TOPICS.length,
    });
    checkRun(await readTopic(admin, name), analyst.clusterId);

    // A topic someone else made, with another retention: aligned with the same grants.
    await withAdmin(admin, (a) =>
      a.createTopics({
        topics: [other],
        partitions: 1,
        replicas: 1,
        configs: [{ name: "retention.ms", value: "86400000" }],
      }));
    await waitForAcls(analyst, other);
    const aligned = await run(analyst, spec(other, { retentionDays: 2 })).outcome;
    assertEquals(aligned.retentionChanged, true);
    assertMatch((await topicConfigs(admin, other))["retention.ms"]!, /^172800000 /);

    // Without ALTER_CONFIGS (so without DESCRIBE_CONFIGS either) the same clear error.
    await withAdmin(
      admin,
      (a) => a.deleteAcls({ filters: [{ ...aclsOnTopic(other), operation: Op.ALTER_CONFIGS }] }),
    );
    const deadline = Date.now() + 20_000;
    let denied: ResultsTopicError | null = null;
    while (denied === null && Date.now() < deadline) {
      denied = await run(analyst, spec(other, { retentionDays: 3 })).outcome.then(
        () => null,
        (x: unknown) => x instanceof ResultsTopicError && x.problem === "authorization" ? x : null,
      );
      if (denied === null) await new Promise((r) => setTimeout(r, 250));
    }
    assert(denied, "the writer was still allowed after ALTER_CONFIGS was revoked");
    assertMatch(denied.message, /needs CREATE, WRITE and ALTER_CONFIGS on topic/);
  } finally {
    await withAdmin(
      admin,
      (a) => a.deleteAcls({ filters: [aclsOnTopic(name), aclsOnTopic(other)] }).catch(() => {}),
    );
    await deleteTopics(admin, [name, other]);
  }
});

Deno.test("results writer on 3 brokers: replication factor 3, records on every partition readable; 4 is a clear error", async () => {
  const info = await testCluster();
  const c = await clusterConnection(info, "sasl_ssl");
  const name = `${uniquePrefix("rw3b")}results`;
  const tooMany = `${uniquePrefix("rw3b4")}results`;
  try {
    const outcome = await run(c, spec(name, { partitions: 6, replicationFactor: 3 })).outcome;
    assertEquals(outcome, {
      topic: name,
      created: true,
      retentionChanged: false,
      records: TOPICS.length,
    });
    const layout = await layoutOf(c, name);
    assertEquals(layout.replicas, [3, 3, 3, 3, 3, 3]);
    checkRun(await readTopic(c, name), c.clusterId);

    const e = await assertRejects(
      () => run(c, spec(tooMany, { replicationFactor: 4 })).outcome,
      ResultsTopicError,
    );
    assertEquals(e.problem, "replication_factor");
    assertMatch(
      e.message,
      /KAFKA_WRITER_TOPIC_REPLICATION_FACTOR=4: the cluster has 3 brokers; set KAFKA_WRITER_TOPIC_REPLICATION_FACTOR to 3 or less/,
    );
    assert(!(await topicExists(c, tooMany)));
  } finally {
    await deleteTopics(c, [name, tooMany]);
  }
});

Deno.test("results writer on 3 brokers: a produce answer lost on its way back is retried, and the broker keeps one copy", async () => {
  const info = await testCluster();
  const direct = await clusterConnection(info, "plaintext");
  const proxied = await clusterConnection(info, "proxied_plaintext");
  const name = `${uniquePrefix("rwdup")}results`;
  const toxiproxy = toxiproxyOf(info);
  // One partition led by the last node; the writer bootstraps from the first node only, so
  // metadata, configs and InitProducerId go there, and only Produce goes to the leader.
  const leader = info.nodes[2]!;
  const others = info.nodes.slice(0, 2).map((n) => n.nodeId);
  const writerConnection = {
    ...proxied,
    bootstrapServers: [info.nodes[0]!.proxiedPlaintextBootstrap],
  };
  const retries: string[] = [];
  const onInstance = (message: unknown) => {
    const { type, instance } = message as { type: string; instance: kafka.Producer };
    if (type !== "producer") return;
    instance.on("client:performWithRetry:retry", (operation: string) => retries.push(operation));
  };
  kafka.instancesChannel.subscribe(onInstance);
  let toxic = false;
  try {
    await withAdmin(direct, (a) =>
      a.createTopics({
        topics: [name],
        assignments: [{ partition: 0, brokers: [leader.nodeId, ...others] }],
        configs: [{ name: "retention.ms", value: "-1" }],
      }));
    const deadline = Date.now() + 20_000;
    while ((await layoutOf(direct, name)).leaders[0] !== leader.nodeId) {
      assert(Date.now() < deadline, `node ${leader.nodeId} never led ${name}`);
      await new Promise((r) => setTimeout(r, 100));
    }

    // Answers from the leader are dropped; requests still reach it.
    await toxiproxy.addToxic(leader.proxies.plaintext, {
      name: "lost_answers",
      type: "timeout",
      stream: "downstream",
      attributes: { timeout: 0 },
    });
    toxic = true;
    let settled = false;
    const writing = writeResults({
      connection: writerConnection,
      tuning: { ...TUNING, connectTimeoutMs: 4_000, requestTimeoutMs: 4_000 },
      topic: spec(name, { partitions: 1, replicationFactor: 3 }),
      identity: { analysisTime: T0, clusterId: direct.clusterId, method: "sampling" },
      topics: TOPICS,
    }).finally(() => settled = true);

    // The records reach the log (and every replica: the high watermark) while the writer
    // still waits for the answer that the proxy drops.
    const endOffset = () =>
      withAdmin(direct, async (a) => {
        const [t] = await a.listOffsets({
          topics: [{ name, partitions: [{ partitionIndex: 0, timestamp: -1n }] }],
        });
        return t?.partitions[0]?.offset ?? -1n;
      });
    const until = Date.now() + 20_000;
    while ((await endOffset()) < BigInt(TOPICS.length)) {
      assert(Date.now() < until, "the records never reached the log");
      await new Promise((r) => setTimeout(r, 50));
    }
    // Long enough for the answer to have been sent, and dropped.
    await new Promise((r) => setTimeout(r, 500));
    assert(!settled, "the writer had its answer although the proxy drops them");
    await toxiproxy.removeToxic(leader.proxies.plaintext, "lost_answers");
    toxic = false;

    const outcome = await writing;
    assertEquals(outcome.records, TOPICS.length);
    assert(retries.includes("produce"), `the producer retried its send (retries: ${retries})`);
    assertEquals(await endOffset(), BigInt(TOPICS.length), "the retry added nothing to the log");
    checkRun(await readTopic(direct, name), direct.clusterId);
  } finally {
    kafka.instancesChannel.unsubscribe(onInstance);
    if (toxic) {
      await toxiproxy.removeToxic(leader.proxies.plaintext, "lost_answers").catch(() => {});
    }
    await deleteTopics(direct, [name]);
  }
});
