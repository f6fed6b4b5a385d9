// readConsumerGroups() against real brokers and real consumer groups that the test makes:
// members that joined (classic and KIP-848 protocols) and stay while it reads, a group with
// more members than partitions, one with only committed offsets. Its answer is compared with
// what the test did (who joined, records produced minus offsets committed); the broker's
// group list shows it created no group, and the requests it sent are only the read-only
// ones. Then, on the test bed's broker that enforces ACLs, credentials that may not list or
// describe groups get a note, never an error.
import { assert, assertEquals, assertMatch } from "../assert.ts";
import {
  allGroups,
  type CommitOffset,
  commitWithoutMembers,
  GroupMembers,
  testAdmin,
  waitForStableGroup,
} from "../support/consumer_groups.ts";
import {
  authorizerBroker,
  clusterConnection,
  ensureCluster,
  localBroker,
  plaintextConnection,
  saslSslConnection,
} from "../support/testbed.ts";
import { brokerOptionsFromEnv } from "../../dev/kafka/broker.ts";
import { stopCluster } from "../../dev/kafka/cluster.ts";
import { waitUntil } from "../../dev/workload/seeder.ts";
import { inLanes } from "../../src/in_lanes.ts";
import { kafka } from "../../src/deps/kafka.ts";
import { KafkaCluster } from "../../src/kafka/cluster.ts";
import { clientOptions, type KafkaConnection } from "../../src/kafka/connection.ts";
import {
  GROUPS_PER_REQUEST,
  type GroupsRead,
  readConsumerGroups,
} from "../../src/kafka/consumer_groups.ts";
import { countKafkaRequests, takeRequestCounts } from "../../src/kafka/request_counter.ts";
import type { ConsumerGroupLag } from "../../src/model/measurement.ts";

async function read(connection: KafkaConnection, topics: string[]): Promise<GroupsRead> {
  const cluster = new KafkaCluster(connection);
  try {
    return await readConsumerGroups(cluster, topics);
  } finally {
    await cluster.close();
  }
}

/** Creates the topics and writes exactly `counts[p]` records to each partition p. */
async function createAndFill(
  connection: KafkaConnection,
  admin: kafka.Admin,
  topics: Record<string, number[]>,
): Promise<void> {
  for (const [name, counts] of Object.entries(topics)) {
    await admin.createTopics({ topics: [name], partitions: counts.length, replicas: 1 });
  }
  const producer = new kafka.Producer({
    ...clientOptions(connection, {
      clientId: "kpr-test-groups",
      connectTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      retries: 3,
    }),
    idempotent: true,
    acks: kafka.ProduceAcks.ALL,
  });
  try {
    const messages = Object.entries(topics).flatMap(([topic, counts]) =>
      counts.flatMap((n, partition) =>
        Array.from({ length: n }, (_, i) => ({
          topic,
          partition,
          value: Buffer.from(`${topic}/${partition}/${i}`),
        }))
      )
    );
    await producer.send({ messages });
  } finally {
    await producer.close();
  }
}

/** Σ over the committed partitions of (records produced − committed offset). */
function lagOf(produced: Record<string, number[]>, commits: CommitOffset[], topic: string) {
  return commits.filter((c) => c.topic === topic).reduce(
    (sum, c) => sum + produced[topic]![c.partition]! - c.offset,
    0,
  );
}

function asObject(read: GroupsRead): Record<string, ConsumerGroupLag[]> {
  assertEquals(read.note, null, `unexpected note: ${read.note}`);
  return Object.fromEntries(read.byTopic!);
}

const WRITES = new Set([
  "JoinGroup",
  "SyncGroup",
  "Heartbeat",
  "LeaveGroup",
  "OffsetCommit",
  "TxnOffsetCommit",
  "ConsumerGroupHeartbeat",
  "DeleteGroups",
  "OffsetDelete",
]);
const READS = new Set([
  "ApiVersions",
  "Metadata",
  "DescribeCluster",
  "ListGroups",
  "OffsetFetch",
  "DescribeGroups",
  "ConsumerGroupDescribe",
  "FindCoordinator",
  "ListOffsets",
]);

Deno.test("consumer groups: per topic, the groups with committed offsets, their members and exact lag", async (t) => {
  const info = await localBroker();
  const connection = plaintextConnection(info);
  const broker = { host: "127.0.0.1", port: Number(info.plaintextBootstrap.split(":")[1]) };
  const prefix = `kt${Date.now().toString(36)}cg_`;
  const [A, B, C] = [`${prefix}a`, `${prefix}b`, `${prefix}c`];
  const produced = { [A]: [10, 20, 30], [B]: [5, 7], [C]: [4] };
  const g = {
    classic2: `${prefix}classic2`, // 2 members on A's 3 partitions
    idle: `${prefix}idle`, // 4 members on A's 3 partitions
    kip848: `${prefix}kip848`, // KIP-848 protocol, 3 members on A (3) and B (2)
    empty: `${prefix}empty`, // committed offsets only, on A, B and C
    other: `${prefix}other`, // 1 member and offsets on C only
    nocommit: `${prefix}nocommit`, // 1 member on A, no committed offset
  };
  const commits: Record<string, CommitOffset[]> = {
    [g.classic2]: [
      { topic: A, partition: 0, offset: 4 },
      { topic: A, partition: 1, offset: 20 },
      { topic: A, partition: 2, offset: 25 },
    ],
    [g.idle]: [{ topic: A, partition: 0, offset: 7 }],
    [g.kip848]: [
      { topic: A, partition: 1, offset: 15 },
      { topic: B, partition: 0, offset: 1 },
      { topic: B, partition: 1, offset: 7 },
    ],
    [g.empty]: [
      { topic: A, partition: 2, offset: 0 },
      { topic: B, partition: 1, offset: 2 },
      { topic: C, partition: 0, offset: 1 },
    ],
    [g.other]: [{ topic: C, partition: 0, offset: 2 }],
  };
  const admin = testAdmin(connection);
  const members = new GroupMembers(connection);
  countKafkaRequests();
  try {
    const atStart = await allGroups(admin);
    await createAndFill(connection, admin, produced);
    const joins: [string, "classic" | "consumer", string[], number][] = [
      [g.classic2, "classic", [A], 2],
      [g.idle, "classic", [A], 4],
      [g.kip848, "consumer", [A, B], 3],
      [g.other, "classic", [C], 1],
      [g.nocommit, "classic", [A], 1],
    ];
    for (const [id, protocol, topics, n] of joins) await members.join(id, protocol, topics, n);
    for (const [id, protocol, , n] of joins) {
      await waitForStableGroup(admin, broker, id, protocol, n);
    }
    for (const [id, offsets] of Object.entries(commits)) {
      if (id === g.empty) await commitWithoutMembers(admin, id, offsets);
      else await members.commit(id, offsets);
    }
    // Still Stable after the commits (a commit from a member must not move the group).
    for (const [id, protocol, , n] of joins) {
      await waitForStableGroup(admin, broker, id, protocol, n);
    }

    const before = await allGroups(admin);
    const ours = Object.values(g).sort();
    assertEquals(
      before.filter((x) => !atStart.includes(x)).map((x) => x.split(" ")[0]).sort(),
      ours,
      "the broker lists the test's own groups",
    );

    const expected: Record<string, ConsumerGroupLag[]> = {
      [A]: [
        { groupId: g.classic2, state: "Stable", members: 2, lag: 11 },
        { groupId: g.empty, state: "Empty", members: 0, lag: 30 },
        { groupId: g.idle, state: "Stable", members: 4, lag: 3 },
        { groupId: g.kip848, state: "Stable", members: 3, lag: 5 },
      ],
      [B]: [
        { groupId: g.empty, state: "Empty", members: 0, lag: 5 },
        { groupId: g.kip848, state: "Stable", members: 3, lag: 4 },
      ],
    };
    // The expected lags are the test's arithmetic, spelled out above; check them once.
    for (const [topic, list] of Object.entries(expected)) {
      for (const x of list) assertEquals(x.lag, lagOf(produced, commits[x.groupId]!, topic));
    }

    await t.step("PLAINTEXT: exact groups, states, members and lag; no group created", async () => {
      takeRequestCounts();
      const got = await read(connection, [A, B, `${prefix}missing`]);
      const requests = takeRequestCounts();
      assertEquals(asObject(got), expected);
      assertEquals(await allGroups(admin), before, "reading created no group");
      assertEquals(
        before.filter((x) => !atStart.includes(x)).length,
        ours.length,
        "the list differs from the start only by the test's own groups",
      );
      for (const api of Object.keys(requests)) {
        assert(!WRITES.has(api), `sent ${api}: ${JSON.stringify(requests)}`);
        assert(READS.has(api), `unexpected ${api}: ${JSON.stringify(requests)}`);
      }
      // One broker: it coordinates every group, leads every partition.
      const listed = before.filter((x) => / (classic|consumer)$/.test(x)).length;
      assertEquals(requests["ListGroups"], 1, JSON.stringify(requests));
      assertEquals(
        requests["OffsetFetch"],
        Math.ceil(listed / GROUPS_PER_REQUEST),
        JSON.stringify(requests),
      );
      assertEquals(requests["DescribeGroups"], 1, JSON.stringify(requests));
      assertEquals(requests["ConsumerGroupDescribe"], 1, JSON.stringify(requests));
      assertEquals(requests["ListOffsets"], 1, JSON.stringify(requests));
      assertEquals(requests["DescribeCluster"], 1, JSON.stringify(requests));
      assertEquals(requests["Metadata"], 1, JSON.stringify(requests));
      assertEquals(requests["FindCoordinator"], undefined, JSON.stringify(requests));
    });

    await t.step(
      "SASL_SSL as analyst (no authorizer on this broker): the same answer",
      async () => {
        const got = await read(await saslSslConnection(info, "analyst", "SCRAM-SHA-512"), [A, B]);
        assertEquals(asObject(got), expected);
        assertEquals(await allGroups(admin), before, "reading created no group");
      },
    );

    await t.step("a topic no group committed on maps to []; no topics, no requests", async () => {
      takeRequestCounts();
      assertEquals(asObject(await read(connection, [C])), {
        [C]: [
          { groupId: g.empty, state: "Empty", members: 0, lag: 3 },
          { groupId: g.other, state: "Stable", members: 1, lag: 2 },
        ],
      });
      const empty = `${prefix}d`;
      await admin.createTopics({ topics: [empty], partitions: 1, replicas: 1 });
      // CreateTopics may answer before Metadata shows the topic, which a run never reads
      // before its plan (Metadata) has it: wait until it does.
      const cluster = new KafkaCluster(connection);
      await waitUntil(
        async () => (await cluster.metadata([empty])).topics.has(empty),
        `${empty} in Metadata`,
        10_000,
      ).finally(() => cluster.close());
      assertEquals(asObject(await read(connection, [empty])), { [empty]: [] });
      takeRequestCounts();
      assertEquals(asObject(await read(connection, [])), {});
      assertEquals(takeRequestCounts(), {});
    });
  } finally {
    await members.close();
    await admin.deleteGroups({ groups: Object.values(g) }).catch(() => {});
    await admin.deleteTopics({ topics: [A, B, C, `${prefix}d`] }).catch(() => {});
    await admin.close();
  }
});

// ACL filters and bindings for the user `analyst` on the authorizer broker.
const ANALYST = "User:analyst";
const { AclOperations: Op, ResourceTypes: Res, ResourcePatternTypes: Pat } = kafka;

function allow(
  resourceType: number,
  resourceName: string,
  resourcePatternType: number,
  operation: number,
) {
  return {
    resourceType,
    resourceName,
    resourcePatternType,
    principal: ANALYST,
    host: "*",
    operation,
    permissionType: kafka.AclPermissionTypes.ALLOW,
  } as kafka.Acl;
}

const ANALYST_ACLS = {
  resourceType: Res.ANY,
  resourceName: null,
  resourcePatternType: Pat.ANY,
  principal: ANALYST,
  host: null,
  operation: Op.ANY,
  permissionType: kafka.AclPermissionTypes.ANY,
} as kafka.AclFilter;

/** Deletes the groups an earlier, failed run of this file left on a broker of its own. */
async function deleteLeftovers(admin: kafka.Admin, pattern: RegExp): Promise<void> {
  const left = (await allGroups(admin)).map((x) => x.split(" ")[0]!).filter((id) =>
    pattern.test(id)
  );
  if (left.length > 0) await admin.deleteGroups({ groups: left });
}

/** ACL changes reach the broker's authorizer through the metadata log, a moment later. */
async function eventually(
  what: string,
  attempt: () => Promise<GroupsRead>,
  done: (r: GroupsRead) => boolean,
): Promise<GroupsRead> {
  const deadline = Date.now() + 20_000;
  let last: GroupsRead | undefined;
  while (Date.now() < deadline) {
    last = await attempt();
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `${what}: still ${JSON.stringify(last, (_, v) => v instanceof Map ? [...v] : v)}`,
  );
}

Deno.test("consumer groups: credentials that may not list or describe groups get a note, not an error", async (t) => {
  const info = await authorizerBroker();
  const adminConnection = await saslSslConnection(info, "admin", "SCRAM-SHA-256");
  const analyst = await saslSslConnection(info, "analyst");
  const prefix = `kt${Date.now().toString(36)}acl_`;
  const T = `${prefix}t`;
  const produced = { [T]: [3, 4] };
  const empty = `${prefix}empty`;
  const live = `${prefix}live`;
  const kip = `${prefix}kip`;
  // Outside the prefix the analyst's topic ACLs cover.
  const hidden = `${prefix.slice(0, -1)}hidden`;
  const admin = testAdmin(adminConnection);
  const members = new GroupMembers(adminConnection);
  const broker = { host: "localhost", port: Number(info.saslSslBootstrap.split(":")[1]) };
  try {
    // This broker is the tests' own: a run that failed may have left its groups behind, and
    // the analyst's group ACLs below cover this run's prefix only.
    await deleteLeftovers(admin, /^kt[0-9a-z]+acl_/);
    await admin.deleteAcls({ filters: [ANALYST_ACLS] });
    await createAndFill(adminConnection, admin, produced);
    await commitWithoutMembers(admin, empty, [{ topic: T, partition: 1, offset: 1 }]);
    await members.join(live, "classic", [T], 1);
    await waitForStableGroup(admin, broker, live, "classic", 1);
    await members.commit(live, [{ topic: T, partition: 0, offset: 2 }]);
    const before = await allGroups(admin);
    assert(
      before.includes(`${empty} classic`) || before.includes(`${empty} consumer`),
      before.join(),
    );
    // The topics only: metadata and offsets, as the analyzer needs them.
    await admin.createAcls({
      creations: [Op.DESCRIBE, Op.READ, Op.DESCRIBE_CONFIGS].map((op) =>
        allow(Res.TOPIC, prefix, Pat.PREFIXED, op)
      ),
    });

    await t.step(
      "DESCRIBE on the cluster, none on groups: GROUP_AUTHORIZATION_FAILED note",
      async () => {
        await admin.createAcls({
          creations: [allow(Res.CLUSTER, "kafka-cluster", Pat.LITERAL, Op.DESCRIBE)],
        });
        const got = await eventually(
          "a note about groups",
          () => read(analyst, [T]),
          (r) => r.note?.includes("GROUP_AUTHORIZATION_FAILED") ?? false,
        );
        assertEquals(got.byTopic, null);
        assertMatch(got.note!, /^consumer groups not read: the credentials may not describe /);
        assertMatch(got.note!, /DESCRIBE on the groups/);
        assertEquals(await allGroups(admin), before, "reading created no group");
      },
    );

    await t.step(
      "no DESCRIBE on the cluster: ListGroups would hide groups, so a note",
      async () => {
        await admin.deleteAcls({
          filters: [{ ...ANALYST_ACLS, resourceType: Res.CLUSTER } as kafka.AclFilter],
        });
        const got = await eventually(
          "a note about the cluster",
          () => read(analyst, [T]),
          (r) => r.note?.includes("no DESCRIBE on it") ?? false,
        );
        assertEquals(got.byTopic, null);
        assertMatch(got.note!, /DESCRIBE on the cluster \(for ListGroups\)/);
        // Why the check is needed: ListGroups itself says nothing, it just lists fewer groups.
        const analystAdmin = testAdmin(analyst);
        try {
          assertEquals(await allGroups(analystAdmin), []);
        } finally {
          await analystAdmin.close();
        }
        assertEquals(await allGroups(admin), before, "reading created no group");
      },
    );

    await t.step("DESCRIBE on some groups only: a note, since the rest are unknown", async () => {
      await admin.createAcls({
        creations: [
          allow(Res.CLUSTER, "kafka-cluster", Pat.LITERAL, Op.DESCRIBE),
          allow(Res.GROUP, live, Pat.LITERAL, Op.DESCRIBE),
        ],
      });
      const got = await eventually(
        "a note about some groups",
        () => read(analyst, [T]),
        (r) => /may not describe \d+ of the cluster's \d+ consumer groups/.test(r.note ?? ""),
      );
      assertEquals(got.byTopic, null);
      assertMatch(got.note!, /\(GROUP_AUTHORIZATION_FAILED, e\.g\. \S+\)/);
    });

    await t.step("DESCRIBE on the cluster and on the groups: the groups are read", async () => {
      await admin.createAcls({ creations: [allow(Res.GROUP, prefix, Pat.PREFIXED, Op.DESCRIBE)] });
      const got = await eventually(
        "the groups",
        () => read(analyst, [T]),
        (r) => r.note === null,
      );
      assertEquals(asObject(got), {
        [T]: [
          { groupId: empty, state: "Empty", members: 0, lag: 3 },
          { groupId: live, state: "Stable", members: 1, lag: 1 },
        ],
      });
      assertEquals(await allGroups(admin), before, "reading created no group");
    });

    await t.step(
      "a KIP-848 group that also reads a topic they may not describe: a note",
      async () => {
        // Kafka describes a KIP-848 group only to whoever may describe all of its topics.
        await admin.createTopics({ topics: [hidden], partitions: 1, replicas: 1 });
        await members.join(kip, "consumer", [T, hidden], 2);
        await waitForStableGroup(admin, broker, kip, "consumer", 2);
        await members.commit(kip, [{ topic: T, partition: 0, offset: 0 }]);
        const withKip = await allGroups(admin);
        const got = await read(analyst, [T]);
        assertEquals(got.byTopic, null);
        assertMatch(
          got.note!,
          new RegExp(`consumer group ${kip} reads \\(TOPIC_AUTHORIZATION_FAILED\\)`),
        );
        assertMatch(got.note!, /DESCRIBE on those topics/);
        assertEquals(await allGroups(admin), withKip, "reading created no group");
      },
    );
  } finally {
    await members.close();
    await admin.deleteAcls({ filters: [ANALYST_ACLS] }).catch(() => {});
    await admin.deleteGroups({ groups: [empty, live, kip] }).catch(() => {});
    await admin.deleteTopics({ topics: [T, hidden] }).catch(() => {});
    await admin.close();
  }
});

// The groups of a 3-broker cluster are spread over its brokers (each coordinates the groups
// whose __consumer_offsets partition it leads): its own cluster, apart from the default
// broker and from the fault tests' cluster, whose nodes those tests kill and pause.
const GROUPS_CLUSTER = "testbed-groups3";

Deno.test("consumer groups on 3 brokers: every broker listed, each coordinator asked in batches", async () => {
  const home = brokerOptionsFromEnv(Deno.env).home;
  const raw = Deno.env.get("KAFKA_TEST_GROUPS_CLUSTER_BASE_PORT");
  const info = await ensureCluster({
    brokers: 3,
    proxy: false,
    name: GROUPS_CLUSTER,
    basePort: raw ? Number(raw) : 29292,
    home,
  });
  const connection = await clusterConnection(info, "plaintext");
  const prefix = `kt${Date.now().toString(36)}cg3_`;
  const X = `${prefix}x`;
  const produced = { [X]: [5, 6, 7, 8, 9, 10] };
  // Enough groups that each coordinator gets more than one request's worth.
  const empties = Array.from({ length: 400 }, (_, i) => `${prefix}e${String(i).padStart(3, "0")}`);
  const classic = `${prefix}classic`;
  const kip = `${prefix}kip`;
  const admin = testAdmin(connection);
  const members = new GroupMembers(connection);
  countKafkaRequests();
  try {
    await deleteLeftovers(admin, /^kt[0-9a-z]+cg3_/);
    await createAndFill(connection, admin, produced);
    const expected: ConsumerGroupLag[] = [];
    await inLanes(empties, 32, async (id, i) => {
      const offset = { topic: X, partition: i % 6, offset: i % 5 };
      await commitWithoutMembers(admin, id, [offset]);
      expected.push({ groupId: id, state: "Empty", members: 0, lag: lagOf(produced, [offset], X) });
    });
    await members.join(classic, "classic", [X], 2);
    await members.join(kip, "consumer", [X], 7); // 7 members, 6 partitions
    const coordinators = new Map<string, number>();
    for (const c of await admin.findCoordinator({ keyType: 0, keys: [...empties, classic, kip] })) {
      coordinators.set(c.key, c.nodeId);
    }
    const nodeOf = (id: string) => info.nodes.find((n) => n.nodeId === coordinators.get(id))!;
    const address = (id: string) => {
      const [host, port] = nodeOf(id).plaintextBootstrap.split(":");
      return { host: host!, port: Number(port) };
    };
    await waitForStableGroup(admin, address(classic), classic, "classic", 2);
    await waitForStableGroup(admin, address(kip), kip, "consumer", 7);
    await members.commit(classic, [{ topic: X, partition: 0, offset: 1 }]);
    await members.commit(kip, [{ topic: X, partition: 5, offset: 10 }]);
    expected.push(
      { groupId: classic, state: "Stable", members: 2, lag: 4 },
      { groupId: kip, state: "Stable", members: 7, lag: 0 },
    );
    expected.sort((a, b) => (a.groupId < b.groupId ? -1 : 1));
    assert(new Set(coordinators.values()).size === 3, "the groups are spread over 3 brokers");

    // Every group of the cluster (earlier runs may have left some), by coordinator.
    const before = await allGroups(admin);
    const listed = before.filter((x) => / (classic|consumer)$/.test(x)).map((x) =>
      x.split(" ")[0]!
    );
    for (const c of await admin.findCoordinator({ keyType: 0, keys: listed })) {
      coordinators.set(c.key, c.nodeId);
    }
    const perCoordinator = (ids: string[]) => {
      const n = new Map<number, number>();
      for (const id of ids) n.set(coordinators.get(id)!, (n.get(coordinators.get(id)!) ?? 0) + 1);
      return [...n.values()].reduce((sum, k) => sum + Math.ceil(k / GROUPS_PER_REQUEST), 0);
    };

    takeRequestCounts();
    const got = await read(connection, [X]);
    const requests = takeRequestCounts();
    assertEquals(asObject(got), { [X]: expected });
    assertEquals(await allGroups(admin), before, "reading created no group");
    const observer = new KafkaCluster(connection);
    const leaders = new Set(
      await observer.partitions([X]).then((m) => m.get(X)!.leaders).finally(() => observer.close()),
    );
    assert(
      perCoordinator(listed) > 3,
      `each coordinator answers ${GROUPS_PER_REQUEST} groups per request: more than 3 OffsetFetch`,
    );
    assertEquals(requests, {
      ApiVersions: 1,
      Metadata: 1,
      DescribeCluster: 1,
      ListGroups: 3,
      OffsetFetch: perCoordinator(listed),
      DescribeGroups: perCoordinator([...empties, classic]),
      ConsumerGroupDescribe: 1,
      ListOffsets: leaders.size,
    });
  } finally {
    await members.close();
    await admin.deleteGroups({ groups: [...empties, classic, kip] }).catch(() => {});
    await admin.deleteTopics({ topics: [X] }).catch(() => {});
    await admin.close();
    // Three JVMs only this test uses: stopped, so they hold no memory between runs.
    await stopCluster({ home, name: GROUPS_CLUSTER });
  }
});
