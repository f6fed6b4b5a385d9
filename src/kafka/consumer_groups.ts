// The consumer groups that read each topic, read-only, for model.md's `consumer_group` term
// and `idle_consumers` warning: per topic, every group with a committed offset on one of its
// partitions, the group's state, how many of its members read the topic, and its lag.
//
// Requests, for G groups on B brokers, G_c of them coordinated by broker c, g_c of those with
// committed offsets on the topics, in chunks of GROUPS_PER_REQUEST (P = 100):
//   ApiVersions      1, the first time the cluster object needs an API version
//   Metadata         1 (brokers, partition counts and leaders)
//   DescribeCluster  1 (may ListGroups show every group? see clusterMayDescribe())
//   ListGroups       B (every broker: each lists only the groups it coordinates)
//   OffsetFetch      Σ_c ⌈G_c / P⌉ (before OffsetFetch v8: one request per group)
//   DescribeGroups   Σ_c ⌈classic g_c / P⌉      } only groups with offsets on the topics,
//   ConsumerGroupDescribe Σ_c ⌈KIP-848 g_c / P⌉ } plus one fallback round (see below)
//   ListOffsets      one per leader of the partitions that have a committed offset
//   FindCoordinator  only when a coordinator moved since ListGroups (NOT_COORDINATOR…)
// Retries (a broker or coordinator failing retriably) add requests within the retry budget.
// Coordinators are asked in parallel, each one's chunks in turn. The coordinator of a group
// is the broker whose ListGroups named it, so FindCoordinator is not needed otherwise.
//
// Never JoinGroup, SyncGroup, Heartbeat, ConsumerGroupHeartbeat, LeaveGroup or OffsetCommit:
// nothing here joins, creates or changes a group. OffsetFetch is sent as an admin
// (no member id, member epoch -1), which KIP-848 coordinators accept without a member.
//
// Members are counted per topic by SUBSCRIPTION, not only by assignment: a member counts
// for a topic when its subscription names the topic (classic: the consumer protocol's
// subscription metadata; KIP-848: subscribed topic names, or a subscribed regex matching the
// whole name), or when its assignment includes it. Counting only assigned members could never
// exceed the partition count, so `idle_consumers` (more members than partitions) could never
// show. A member whose subscription cannot be decoded (a classic group whose protocol type is
// not "consumer", e.g. Kafka Connect's, or metadata that does not parse) counts for every
// topic. An Empty group has 0 members.
//
// Group types (ListGroups v5+): "classic" groups are described with DescribeGroups.
// "consumer" groups (KIP-848, Kafka 4.x) are described with ConsumerGroupDescribe: Kafka
// answers DescribeGroups for them with state "Dead" and no members. Before ListGroups v5 the
// type is unknown: such groups are asked with DescribeGroups first, and a group that
// answers "Dead" (or GROUP_ID_NOT_FOUND) is asked once with the other API, in either
// direction; a group neither API finds was deleted in between and is left out. When the
// brokers or the client lack ConsumerGroupDescribe, a consumer group keeps the state
// ListGroups gave and 0 members (nothing else says who its members are). "share" groups
// (KIP-932) commit no offsets and "streams" groups (KIP-1071) need StreamsGroupDescribe,
// which the client does not implement: both are left out.
//
// Lag per group and topic: Σ over the partitions with a committed offset of (log end offset
// − committed offset), each term at least 0 (a committed offset past the log end, after an
// unclean election, counts 0); partitions without a committed offset are not counted. The
// log end is ListOffsets LATEST (the high watermark, as kafka-consumer-groups shows it).
// Null when the log end of any of those partitions could not be read.
//
// When the credentials may not see the groups, the answer is a note instead, never an error:
// GROUP_AUTHORIZATION_FAILED on any group (DESCRIBE on groups: a partial list would understate
// the largest group); CLUSTER_AUTHORIZATION_FAILED, or no DESCRIBE on the cluster: ListGroups
// then silently lists only the groups the credentials may describe, so no answer can be
// complete (even credentials allowed every group get the note: the reader cannot tell);
// TOPIC_AUTHORIZATION_FAILED on the offsets, or on a KIP-848 group's description (Kafka
// describes one only to credentials that may describe every topic it reads). Anything else
// that fails after its retries (a broker unreachable) throws.
import { kafka } from "../deps/kafka.ts";
import { describeError } from "../describe_error.ts";
import { inLanes } from "../in_lanes.ts";
import type { ConsumerGroupLag } from "../model/measurement.ts";
import type { KafkaCluster } from "./cluster.ts";
import { errorCodeName, isRetriable, isRetriableCode, PartitionError } from "./errors.ts";
import { hasArray, keepPartialResponse } from "./_partial.ts";
import { LATEST } from "./list_offsets.ts";
import { retryDelayMs } from "./per_leader.ts";
import type { BrokerNode, LeaderPartition } from "./types.ts";

export type GroupsRead =
  | { byTopic: Map<string, ConsumerGroupLag[]>; note: null }
  | { byTopic: null; note: string };

/** Groups per DescribeGroups, ConsumerGroupDescribe and OffsetFetch request. */
export const GROUPS_PER_REQUEST = 100;
/** OffsetFetch before v8 takes one group: requests in flight per coordinator. */
const SINGLE_GROUP_LANES = 8;

const TOPIC_AUTHORIZATION_FAILED = 29;
const GROUP_AUTHORIZATION_FAILED = 30;
const CLUSTER_AUTHORIZATION_FAILED = 31;
const GROUP_ID_NOT_FOUND = 69;
/** The coordinator moved, is loading, or is not there yet: ask FindCoordinator, try again. */
const COORDINATOR_CODES = new Set([14, 15, 16]); // LOAD_IN_PROGRESS, NOT_AVAILABLE, NOT_COORDINATOR
/** AclOperation DESCRIBE, as a bit of DescribeCluster's cluster_authorized_operations. */
const DESCRIBE_BIT = 1 << 8;
/** cluster_authorized_operations when the broker did not compute it. */
const OPERATIONS_OMITTED = -2147483648;

type ListGroupsApi = typeof kafka.listGroupsV5.api;
type ListGroupsResponse = Awaited<ReturnType<ListGroupsApi["async"]>>;
type DescribeGroupsApi = typeof kafka.describeGroupsV5.api;
type DescribeGroupsResponse = Awaited<ReturnType<DescribeGroupsApi["async"]>>;
type ConsumerGroupDescribeApi = typeof kafka.consumerGroupDescribeV0.api;
type ConsumerGroupDescribeResponse = Awaited<ReturnType<ConsumerGroupDescribeApi["async"]>>;
type OffsetFetchApi = typeof kafka.offsetFetchV9.api;
type OffsetFetchResponse = Awaited<ReturnType<OffsetFetchApi["async"]>>;
type OffsetFetchOneApi = typeof kafka.offsetFetchV7.api;
type OffsetFetchOneResponse = Awaited<ReturnType<OffsetFetchOneApi["async"]>>;
type FindCoordinatorApi = typeof kafka.findCoordinatorV6.api;
type FindCoordinatorResponse = Awaited<ReturnType<FindCoordinatorApi["async"]>>;
type DescribeClusterApi = typeof kafka.describeClusterV1.api;
type DescribeClusterResponse = Awaited<ReturnType<DescribeClusterApi["async"]>>;

type GroupKind = "classic" | "consumer" | "unknown";

interface ListedGroup {
  groupId: string;
  kind: GroupKind;
  /** The broker whose ListGroups named the group (its coordinator then). */
  coordinator: BrokerNode;
  /** The state ListGroups reported ("" before ListGroups v4). */
  state: string;
}

/** The topics one member reads; null: unknown, so it counts for every topic. */
interface MemberTopics {
  topics: Set<string> | null;
  regex: RegExp | null;
}

interface DescribedGroup {
  state: string;
  members: MemberTopics[];
}

/** topic → partition → committed offset, only the topics asked about. */
type Committed = Map<string, Map<number, bigint>>;

/** A group's answer from its coordinator: a value, or the group's Kafka error code. */
type GroupAnswer<R> = { ok: true; value: R } | { ok: false; code: number };

/** What the credentials were refused, gathered until a stage ends. */
class Refusals {
  groups = new Set<string>();
  topics = new Set<string>();
  /** Groups whose description needs DESCRIBE on topics they subscribe to. */
  groupTopics = new Set<string>();

  note(totalGroups: number): string | null {
    if (this.topics.size > 0) {
      const [first] = this.topics;
      return `consumer groups not read: the credentials may not read the committed offsets ` +
        `of topic ${first}${
          this.topics.size > 1 ? ` and ${this.topics.size - 1} more` : ""
        } (TOPIC_AUTHORIZATION_FAILED); an ACL allowing DESCRIBE on the topics would allow it`;
    }
    if (this.groupTopics.size > 0) {
      const [first] = [...this.groupTopics].sort();
      const more = this.groupTopics.size - 1;
      return `consumer groups not read: the credentials may not describe every topic that ` +
        `consumer group ${first}${more > 0 ? ` (and ${more} more)` : ""} reads ` +
        `(TOPIC_AUTHORIZATION_FAILED), so who reads a topic is unknown; an ACL allowing ` +
        `DESCRIBE on those topics would allow it`;
    }
    if (this.groups.size > 0) {
      const [first] = [...this.groups].sort();
      const which = this.groups.size >= totalGroups
        ? `describe the cluster's consumer groups`
        : `describe ${this.groups.size} of the cluster's ${totalGroups} consumer groups`;
      return `consumer groups not read: the credentials may not ${which} ` +
        `(GROUP_AUTHORIZATION_FAILED, e.g. ${first}), so which groups read a topic is unknown; ` +
        `an ACL allowing DESCRIBE on the groups (resource type GROUP) would allow it`;
    }
    return null;
  }
}

function clusterNote(why: string): string {
  return `consumer groups not read: the credentials may not describe the cluster (${why}), ` +
    `so ListGroups shows only the groups they may describe and groups reading a topic could ` +
    `be missing; an ACL allowing DESCRIBE on the cluster (for ListGroups) and DESCRIBE on the ` +
    `groups (for DescribeGroups and OffsetFetch) would allow it`;
}

/**
 * Per topic, the consumer groups with committed offsets on it (sorted by group id), or a
 * note when the credentials may not list or describe groups. Topics the cluster does not
 * know (deleted, or not describable) are absent from `byTopic`; a topic no group has
 * committed offsets on maps to []. See the top of this file for what each field means.
 */
export async function readConsumerGroups(
  cluster: KafkaCluster,
  topics: readonly string[],
): Promise<GroupsRead> {
  if (topics.length === 0) return { byTopic: new Map(), note: null };
  // Independent: both in flight together (its answer is used only when a topic is known).
  const [metadata, asked] = await Promise.all([
    cluster.metadata(topics),
    clusterMayDescribe(cluster).then(
      (may) => ({ ok: true as const, may }),
      (error: unknown) => ({ ok: false as const, error }),
    ),
  ]);
  const byTopic = new Map<string, ConsumerGroupLag[]>();
  for (const name of topics) if (metadata.topics.has(name)) byTopic.set(name, []);
  if (byTopic.size === 0) return { byTopic, note: null };

  if (!asked.ok) throw asked.error;
  const mayDescribe = asked.may;
  if (mayDescribe === false) return { byTopic: null, note: clusterNote("no DESCRIBE on it") };

  const listed = await listGroups(cluster, metadata.brokers);
  if (listed === "denied") {
    return { byTopic: null, note: clusterNote("CLUSTER_AUTHORIZATION_FAILED") };
  }
  if (listed.size === 0) return { byTopic, note: null };

  const refusals = new Refusals();
  const partitionCounts = new Map(
    [...byTopic.keys()].map((t) => [t, metadata.topics.get(t)!.leaders.length]),
  );
  const committed = await fetchCommitted(cluster, listed, partitionCounts, refusals);
  const refusedOffsets = refusals.note(listed.size);
  if (refusedOffsets !== null) return { byTopic: null, note: refusedOffsets };
  if (committed.size === 0) return { byTopic, note: null };

  const described = await describeGroups(
    cluster,
    [...committed.keys()].map((id) => listed.get(id)!),
    refusals,
  );
  const refusedGroups = refusals.note(listed.size);
  if (refusedGroups !== null) return { byTopic: null, note: refusedGroups };

  const logEnds = await readLogEnds(cluster, metadata, committed);
  for (const [groupId, offsets] of committed) {
    const group = described.get(groupId);
    if (!group) continue; // deleted since ListGroups
    for (const [topic, partitions] of offsets) {
      let lag: number | null = 0;
      for (const [partition, offset] of partitions) {
        const end = logEnds.get(topic)?.get(partition);
        if (end === undefined) {
          lag = null;
          break;
        }
        lag += end > offset ? Number(end - offset) : 0;
      }
      byTopic.get(topic)!.push({
        groupId,
        state: group.state,
        members: group.members.filter((m) => reads(m, topic)).length,
        lag,
      });
    }
  }
  for (const list of byTopic.values()) {
    list.sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  }
  return { byTopic, note: null };
}

function reads(member: MemberTopics, topic: string): boolean {
  return member.topics === null || member.topics.has(topic) ||
    (member.regex !== null && member.regex.test(topic));
}

/**
 * Whether the credentials may DESCRIBE the cluster, from DescribeCluster's authorized
 * operations: without it, ListGroups silently lists only the groups the credentials may
 * describe (no error), and an incomplete list would pass for the truth. Null when the
 * brokers or the client cannot tell (no DescribeCluster, an older broker): then ListGroups is
 * taken as complete, as every tool does.
 */
async function clusterMayDescribe(cluster: KafkaCluster): Promise<boolean | null> {
  let api: DescribeClusterApi;
  try {
    api = await cluster.api<DescribeClusterApi>("DescribeCluster");
  } catch (e) {
    if (isRetriable(e)) throw e;
    return null; // not supported by the brokers or the client
  }
  const response = await cluster.onAnyBroker("DescribeCluster", (conn) =>
    keepPartialResponse(
      api.async(conn, true, kafka.DescribeClusterEndpointTypes.BROKERS),
      hasArray<DescribeClusterResponse>("brokers"),
    ));
  const ops = response.clusterAuthorizedOperations;
  if (response.errorCode !== 0 || ops === OPERATIONS_OMITTED) return null;
  return (ops & DESCRIBE_BIT) !== 0;
}

/** A connection to one broker (the client bounds connecting and each request). */
function connectionTo(cluster: KafkaCluster, broker: BrokerNode): Promise<kafka.Connection> {
  return cluster.admin.connections.get({ host: broker.host, port: broker.port });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function where(b: BrokerNode): string {
  return `${b.host}:${b.port}`;
}

/**
 * ListGroups on every broker, in parallel: each broker lists the groups it coordinates. A
 * broker that fails retriably is asked again, after a metadata refresh (its groups may have
 * moved to another broker, which is then asked too), within the retry budget.
 */
async function listGroups(
  cluster: KafkaCluster,
  brokers: readonly BrokerNode[],
): Promise<Map<string, ListedGroup> | "denied"> {
  const api = await cluster.api<ListGroupsApi>("ListGroups");
  const out = new Map<string, ListedGroup>();
  const answered = new Set<number>();
  let pending = [...brokers];
  let deadline: number | null = null;
  for (let attempt = 0;; attempt++) {
    const failed: { broker: BrokerNode; error: unknown }[] = [];
    let denied = false;
    await Promise.all(pending.map(async (broker) => {
      try {
        const response = await keepPartialResponse(
          api.async(await connectionTo(cluster, broker), [], []),
          hasArray<ListGroupsResponse>("groups"),
        );
        if (response.errorCode === CLUSTER_AUTHORIZATION_FAILED) {
          denied = true;
          return;
        }
        if (response.errorCode !== 0) {
          throw new PartitionError(response.errorCode, `ListGroups on ${where(broker)}`);
        }
        answered.add(broker.nodeId);
        for (const g of response.groups) {
          const type = (g.groupType ?? "").toLowerCase();
          const kind: GroupKind | null = type === ""
            ? "unknown"
            : type === "classic"
            ? "classic"
            : type === "consumer"
            ? "consumer"
            : null; // share, streams: see the top of the file
          if (kind === null) continue;
          out.set(g.groupId, {
            groupId: g.groupId,
            kind,
            coordinator: broker,
            state: g.groupState ?? "",
          });
        }
      } catch (error) {
        if (!isRetriable(error)) throw error;
        cluster.suspect(broker);
        failed.push({ broker, error });
      }
    }));
    if (denied) return "denied";
    if (failed.length === 0) return out;
    deadline ??= Date.now() + cluster.retryBudgetMs;
    const wait = retryDelayMs(attempt);
    if (Date.now() + wait > deadline) {
      const { broker, error } = failed[0]!;
      throw new Error(
        `could not list the consumer groups of broker ${where(broker)}: ${describeError(error)}`,
      );
    }
    await sleep(wait);
    const fresh = await cluster.metadata([]).then((m) => m.brokers, () => null);
    pending = fresh === null
      ? failed.map((f) => f.broker)
      : fresh.filter((b) => !answered.has(b.nodeId));
  }
}

/**
 * The current coordinator of each group (FindCoordinator, batched from v4). A group whose
 * lookup failed retriably keeps `fallback`'s coordinator; one refused keeps its error code.
 */
async function findCoordinators(
  cluster: KafkaCluster,
  groupIds: readonly string[],
  fallback: ReadonlyMap<string, BrokerNode>,
): Promise<Map<string, BrokerNode | number>> {
  const api = await cluster.api<FindCoordinatorApi>("FindCoordinator");
  const out = new Map<string, BrokerNode | number>();
  const batches = api.version >= 4
    ? chunks(groupIds, GROUPS_PER_REQUEST)
    : groupIds.map((id) => [id]);
  await inLanes(batches, 4, async (keys) => {
    const response = await cluster.onAnyBroker("FindCoordinator", (conn) =>
      keepPartialResponse(
        api.async(conn, kafka.FindCoordinatorKeyTypes.GROUP, [...keys]),
        hasArray<FindCoordinatorResponse>("coordinators"),
      ));
    response.coordinators.forEach((c, i) => {
      const key = api.version >= 4 ? c.key : keys[i]!;
      if (c.errorCode === 0) out.set(key, { nodeId: c.nodeId, host: c.host, port: c.port });
      else if (!isRetriableCode(c.errorCode)) out.set(key, c.errorCode);
    });
  });
  for (const id of groupIds) if (!out.has(id)) out.set(id, fallback.get(id)!);
  return out;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Sends each group to its coordinator, many groups per request, coordinators in parallel;
 * groups whose coordinator moved, is loading, or failed retriably are asked again at their
 * new coordinator (FindCoordinator) within the retry budget. Answers are the value or the
 * group's non-retriable error code; a group that keeps failing throws.
 */
async function askCoordinators<R>(
  cluster: KafkaCluster,
  what: string,
  groups: ReadonlyMap<string, BrokerNode>,
  perRequest: number,
  lanes: number,
  send: (conn: kafka.Connection, groupIds: string[]) => Promise<Map<string, GroupAnswer<R>>>,
): Promise<Map<string, GroupAnswer<R>>> {
  const out = new Map<string, GroupAnswer<R>>();
  let pending = new Map(groups);
  let deadline: number | null = null;
  for (let attempt = 0; pending.size > 0; attempt++) {
    const byCoordinator = new Map<number, { broker: BrokerNode; ids: string[] }>();
    for (const [id, broker] of pending) {
      const entry = byCoordinator.get(broker.nodeId);
      if (entry) entry.ids.push(id);
      else byCoordinator.set(broker.nodeId, { broker, ids: [id] });
    }
    const retry = new Map<string, BrokerNode>();
    let lastError: unknown = null;
    await Promise.all([...byCoordinator.values()].map(async ({ broker, ids }) => {
      await inLanes(chunks(ids, perRequest), lanes, async (chunk) => {
        let answers: Map<string, GroupAnswer<R>>;
        try {
          answers = await send(await connectionTo(cluster, broker), chunk);
        } catch (error) {
          if (!isRetriable(error)) throw error;
          cluster.suspect(broker);
          lastError = error;
          for (const id of chunk) retry.set(id, broker);
          return;
        }
        for (const id of chunk) {
          const a = answers.get(id);
          if (
            a === undefined || (!a.ok && (COORDINATOR_CODES.has(a.code) || isRetriableCode(a.code)))
          ) {
            lastError = new Error(
              a === undefined
                ? `${where(broker)} left group ${id} out of its answer`
                : `${what} for group ${id} on ${where(broker)}: ${errorCodeName(a.code)}`,
            );
            retry.set(id, broker);
          } else out.set(id, a);
        }
      });
    }));
    if (retry.size === 0) break;
    deadline ??= Date.now() + cluster.retryBudgetMs;
    const wait = retryDelayMs(attempt);
    if (Date.now() + wait > deadline) {
      throw new Error(
        `could not ${what} for ${retry.size} consumer group(s): ${describeError(lastError)}`,
      );
    }
    await sleep(wait);
    pending = new Map();
    for (const [id, found] of await findCoordinators(cluster, [...retry.keys()], retry)) {
      if (typeof found === "number") out.set(id, { ok: false, code: found });
      else pending.set(id, found);
    }
  }
  return out;
}

/**
 * The committed offsets of every listed group on the topics asked about (OffsetFetch with
 * no topic list: all the group's committed offsets, which the broker filters to the topics
 * the credentials may describe). Groups without any are left out.
 */
async function fetchCommitted(
  cluster: KafkaCluster,
  listed: ReadonlyMap<string, ListedGroup>,
  partitionCounts: ReadonlyMap<string, number>,
  refusals: Refusals,
): Promise<Map<string, Committed>> {
  const api = await cluster.api<OffsetFetchApi | OffsetFetchOneApi>("OffsetFetch");
  if (api.version < 2) {
    throw new Error(`the brokers' OffsetFetch v${api.version} cannot list a group's offsets`);
  }
  type Topics = OffsetFetchResponse["groups"][number]["topics"];
  const keep = (topics: Topics): Committed => {
    const out: Committed = new Map();
    for (const t of topics) {
      const count = partitionCounts.get(t.name);
      if (count === undefined) continue;
      for (const p of t.partitions) {
        if (p.errorCode === TOPIC_AUTHORIZATION_FAILED) refusals.topics.add(t.name);
        if (p.errorCode !== 0 || p.committedOffset < 0n || p.partitionIndex >= count) continue;
        let m = out.get(t.name);
        if (!m) out.set(t.name, m = new Map());
        m.set(p.partitionIndex, p.committedOffset);
      }
    }
    return out;
  };
  const batched = api.version >= 8;
  const answers = await askCoordinators<Topics>(
    cluster,
    "fetch the committed offsets",
    new Map([...listed].map(([id, g]) => [id, g.coordinator])),
    batched ? GROUPS_PER_REQUEST : 1,
    batched ? 1 : SINGLE_GROUP_LANES,
    async (conn, ids) => {
      const request = ids.map((groupId) => ({
        groupId,
        memberId: null,
        memberEpoch: -1,
        topics: null,
      }));
      const out = new Map<string, GroupAnswer<Topics>>();
      if (batched) {
        const r = await keepPartialResponse(
          (api as OffsetFetchApi).async(conn, request, false),
          hasArray<OffsetFetchResponse>("groups"),
        );
        for (const g of r.groups) {
          out.set(
            g.groupId,
            g.errorCode === 0 ? { ok: true, value: g.topics } : {
              ok: false,
              code: g.errorCode,
            },
          );
        }
      } else {
        const r = await keepPartialResponse(
          (api as OffsetFetchOneApi).async(conn, request, false),
          hasArray<OffsetFetchOneResponse>("topics"),
        );
        out.set(
          ids[0]!,
          r.errorCode === 0 ? { ok: true, value: r.topics } : {
            ok: false,
            code: r.errorCode,
          },
        );
      }
      return out;
    },
  );
  const committed = new Map<string, Committed>();
  for (const [id, a] of answers) {
    if (!a.ok) {
      if (a.code === GROUP_AUTHORIZATION_FAILED) refusals.groups.add(id);
      else if (a.code === TOPIC_AUTHORIZATION_FAILED) refusals.groupTopics.add(id);
      else if (a.code !== GROUP_ID_NOT_FOUND) {
        throw new Error(
          `could not fetch the committed offsets of group ${id}: ${errorCodeName(a.code)}`,
        );
      }
      continue; // deleted since ListGroups
    }
    const kept = keep(a.value);
    if (kept.size > 0) committed.set(id, kept);
  }
  return committed;
}

/**
 * Describes the groups, each with the API for its type (see the top of the file); a group
 * the first API does not find is asked once with the other one.
 */
async function describeGroups(
  cluster: KafkaCluster,
  groups: readonly ListedGroup[],
  refusals: Refusals,
): Promise<Map<string, DescribedGroup>> {
  const out = new Map<string, DescribedGroup>();
  const consumerApi = await cluster.api<ConsumerGroupDescribeApi>("ConsumerGroupDescribe").catch(
    (e) => {
      if (isRetriable(e)) throw e;
      return null;
    },
  );
  // Round 0 asks each group with the API for its type; round 1 asks the groups that API did
  // not find with the other one (an unknown type, or a group converted in between).
  let classic = groups.filter((g) => g.kind !== "consumer" || consumerApi === null);
  let consumer = consumerApi === null ? [] : groups.filter((g) => g.kind === "consumer");
  for (let round = 0; round < 2 && classic.length + consumer.length > 0; round++) {
    const [byClassic, byConsumer] = await Promise.all([
      describeClassic(cluster, classic),
      consumerApi === null ? new Map() : describeConsumer(cluster, consumerApi, consumer),
    ]);
    const retryAsConsumer: ListedGroup[] = [];
    const retryAsClassic: ListedGroup[] = [];
    const settle = (
      list: readonly ListedGroup[],
      answers: Map<string, GroupAnswer<DescribedGroup>>,
      notFound: ListedGroup[],
    ) => {
      for (const g of list) {
        const answer = answers.get(g.groupId);
        if (answer === undefined) continue;
        if (answer.ok) out.set(g.groupId, answer.value);
        else if (answer.code === GROUP_AUTHORIZATION_FAILED) refusals.groups.add(g.groupId);
        else if (answer.code === TOPIC_AUTHORIZATION_FAILED) refusals.groupTopics.add(g.groupId);
        else if (answer.code === GROUP_ID_NOT_FOUND) notFound.push(g);
        else {
          throw new Error(
            `could not describe consumer group ${g.groupId}: ${errorCodeName(answer.code)}`,
          );
        }
      }
    };
    settle(classic, byClassic, retryAsConsumer);
    settle(consumer, byConsumer, retryAsClassic);
    classic = retryAsClassic;
    consumer = consumerApi === null ? [] : retryAsConsumer;
  }
  // Without ConsumerGroupDescribe, a consumer group keeps ListGroups' state and no members.
  for (const g of groups) {
    if (!out.has(g.groupId) && g.kind === "consumer" && consumerApi === null) {
      out.set(g.groupId, { state: g.state, members: [] });
    }
  }
  return out;
}

/** DescribeGroups; a group it reports "Dead" does not exist as a classic group. */
async function describeClassic(
  cluster: KafkaCluster,
  groups: readonly ListedGroup[],
): Promise<Map<string, GroupAnswer<DescribedGroup>>> {
  if (groups.length === 0) return new Map();
  const api = await cluster.api<DescribeGroupsApi>("DescribeGroups");
  return await askCoordinators<DescribedGroup>(
    cluster,
    "describe",
    new Map(groups.map((g) => [g.groupId, g.coordinator])),
    GROUPS_PER_REQUEST,
    1,
    async (conn, ids) => {
      const r = await keepPartialResponse(
        api.async(conn, ids, false),
        hasArray<DescribeGroupsResponse>("groups"),
      );
      const out = new Map<string, GroupAnswer<DescribedGroup>>();
      for (const g of r.groups) {
        if (g.errorCode !== 0) out.set(g.groupId, { ok: false, code: g.errorCode });
        else if (g.groupState === "Dead" && g.members.length === 0) {
          out.set(g.groupId, { ok: false, code: GROUP_ID_NOT_FOUND });
        } else {
          out.set(g.groupId, {
            ok: true,
            value: {
              state: g.groupState,
              members: g.members.map((m) =>
                classicMember(g.protocolType, m.memberMetadata, m.memberAssignment)
              ),
            },
          });
        }
      }
      return out;
    },
  );
}

/** The topics a classic member reads: its subscription and its assignment, when they decode. */
function classicMember(
  protocolType: string,
  metadata: Uint8Array,
  assignment: Uint8Array,
): MemberTopics {
  if (protocolType !== "consumer") return { topics: null, regex: null };
  const topics = new Set<string>();
  try {
    for (const t of kafka.decodeConsumerProtocolSubscription(metadata as Buffer).topics) {
      topics.add(t);
    }
  } catch {
    return { topics: null, regex: null };
  }
  try {
    for (
      const a of kafka.decodeConsumerProtocolAssignment(assignment as Buffer).assignedPartitions
    ) {
      topics.add(a.topic);
    }
  } catch {
    // the subscription alone says what the member reads
  }
  return { topics, regex: null };
}

/** ConsumerGroupDescribe, for KIP-848 groups (type "consumer"). */
async function describeConsumer(
  cluster: KafkaCluster,
  api: ConsumerGroupDescribeApi,
  groups: readonly ListedGroup[],
): Promise<Map<string, GroupAnswer<DescribedGroup>>> {
  if (groups.length === 0) return new Map();
  return await askCoordinators<DescribedGroup>(
    cluster,
    "describe",
    new Map(groups.map((g) => [g.groupId, g.coordinator])),
    GROUPS_PER_REQUEST,
    1,
    async (conn, ids) => {
      const r = await keepPartialResponse(
        api.async(conn, ids, false),
        hasArray<ConsumerGroupDescribeResponse>("groups"),
      );
      const out = new Map<string, GroupAnswer<DescribedGroup>>();
      for (const g of r.groups) {
        if (g.errorCode !== 0) {
          out.set(g.groupId, { ok: false, code: g.errorCode });
          continue;
        }
        out.set(g.groupId, {
          ok: true,
          value: {
            state: g.groupState,
            members: g.members.map((m) => {
              const topics = new Set<string>(m.subscribedTopicNames);
              for (const a of [m.assignment, m.targetAssignment]) {
                for (const tp of a.topicPartitions) topics.add(tp.topicName);
              }
              return { topics, regex: subscriptionRegex(m.subscribedTopicRegex) };
            }),
          },
        });
      }
      return out;
    },
  );
}

/**
 * A KIP-848 member's topic regex (RE2/J syntax, which JavaScript's reads the same for the
 * usual patterns), matching whole names; an empty one is none. One JavaScript cannot read
 * matches every topic: the member may read any of them.
 */
function subscriptionRegex(pattern: string | null | undefined): RegExp | null {
  if (!pattern) return null;
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch {
    return /.*/;
  }
}

/** The log end offset (LATEST) of every partition with a committed offset, by topic. */
async function readLogEnds(
  cluster: KafkaCluster,
  metadata: Awaited<ReturnType<KafkaCluster["metadata"]>>,
  committed: ReadonlyMap<string, Committed>,
): Promise<Map<string, Map<number, bigint>>> {
  const wanted = new Map<string, Set<number>>();
  for (const offsets of committed.values()) {
    for (const [topic, partitions] of offsets) {
      let s = wanted.get(topic);
      if (!s) wanted.set(topic, s = new Set());
      for (const p of partitions.keys()) s.add(p);
    }
  }
  const brokers = new Map(metadata.brokers.map((b) => [b.nodeId, b]));
  const partitions: LeaderPartition[] = [];
  for (const [topic, set] of wanted) {
    const t = metadata.topics.get(topic)!;
    for (const partition of [...set].sort((a, b) => a - b)) {
      // A partition without a leader right now has no log end to read: its lag is unknown.
      const leader = brokers.get(t.leaders[partition] ?? -1);
      if (leader) partitions.push({ topic, partition, topicId: t.id, leader });
    }
  }
  const found = await cluster.offsets.at(partitions, LATEST);
  const out = new Map<string, Map<number, bigint>>();
  partitions.forEach((p, i) => {
    if (found.failed.has(i) || found.offsets[i]! < 0n) return;
    let m = out.get(p.topic);
    if (!m) out.set(p.topic, m = new Map());
    m.set(p.partition, found.offsets[i]!);
  });
  return out;
}
