// A read-only view of one Kafka cluster: brokers, topics, partition leaders, topic configs
// and offsets by timestamp. With its siblings in src/kafka/, the only code that talks to the
// Kafka client. It never joins, creates or commits to a consumer group.
//
// Metadata and DescribeConfigs go to a broker this class picks: the bootstrap servers and
// every broker metadata has named, those that failed lately last. The client's own choice
// is always its first bootstrap server, which hangs every refresh for a whole request
// timeout while that broker is stalled. Nothing here retries inside the client (retries: 0):
// retries happen once, in per_leader.ts and in onAnyBroker(), so timeouts never multiply.
import { kafka } from "../deps/kafka.ts";
import { describeError } from "../describe_error.ts";
import { inLanes } from "../in_lanes.ts";
import {
  clientOptions,
  type ClientTuning,
  DEFAULT_TUNING,
  type KafkaConnection,
} from "./connection.ts";
import {
  errorCodeName,
  isRetriable,
  isRetriableCode,
  PartitionError,
  RequestTimeoutError,
} from "./errors.ts";
import { OffsetLister } from "./list_offsets.ts";
import { hasArray, keepPartialResponse } from "./_partial.ts";
import { type RetryContext, retryDelayMs } from "./per_leader.ts";
import { type ApiLookup, ApiVersions, type VersionedApi } from "./api_versions.ts";
import type { BrokerNode, LeaderPartition, PartitionRef } from "./types.ts";

export type { BrokerNode, LeaderPartition, PartitionRef } from "./types.ts";
export { groupByLeader, partitionKey } from "./types.ts";
export { EARLIEST, LATEST } from "./list_offsets.ts";

export interface TopicPartitions {
  /** The topic UUID (fetch v13+ addresses topics by it). */
  id: string;
  /** Leader node id of each partition, by partition index (-1: none right now). */
  leaders: number[];
  /** A topic the cluster marks internal (`__consumer_offsets`, …). */
  isInternal: boolean;
}

export interface TopicConfig {
  cleanupPolicy: string;
  /** -1 means infinite. */
  retentionMs: number;
}

export interface ClusterMetadata {
  clusterId: string;
  brokers: BrokerNode[];
  /** Only the topics asked for (all when none were named), by name. */
  topics: Map<string, TopicPartitions>;
}

type MetadataApi = typeof kafka.metadataV12.api;
type MetadataResponse = Awaited<ReturnType<MetadataApi["async"]>>;
type DescribeConfigsApi = typeof kafka.describeConfigsV4.api;
type DescribeConfigsResponse = Awaited<ReturnType<DescribeConfigsApi["async"]>>;

/** How long a broker that failed a request is asked last. */
const SUSPECT_MS = 60_000;
/** How long closing may wait for connections to a stalled broker. */
const CLOSE_GRACE_MS = 5_000;
/** Topics per DescribeConfigs request. */
const CONFIGS_PER_REQUEST = 1000;

export class KafkaCluster implements RetryContext, ApiLookup {
  readonly admin: kafka.Admin;
  /** ListOffsets straight to the leaders, for the many-timestamps case. */
  readonly offsets: OffsetLister;
  /** The one timeout of a connection and of a request. */
  readonly timeoutMs: number;
  readonly retryBudgetMs: number;
  /** `host:port` → address, bootstrap servers first, then brokers as metadata names them. */
  #addresses = new Map<string, { host: string; port: number }>();
  #suspectUntil = new Map<string, number>();
  #versions = new ApiVersions((what, call) => this.onAnyBroker(what, call));
  #closed = false;
  /** Some broker answered: later failures are more likely to pass, and are retried. */
  #answered: boolean;

  constructor(readonly connection: KafkaConnection, tuning: ClientTuning = DEFAULT_TUNING) {
    this.#answered = tuning.knownReachable ?? false;
    this.admin = new kafka.Admin(clientOptions(connection, tuning));
    this.timeoutMs = tuning.requestTimeoutMs;
    this.retryBudgetMs = tuning.retryBudgetMs ?? 2 * tuning.requestTimeoutMs;
    for (const s of connection.bootstrapServers) {
      const at = s.lastIndexOf(":");
      this.#addresses.set(s, {
        host: s.slice(0, at).replace(/^\[|\]$/g, ""),
        port: Number(s.slice(at + 1)),
      });
    }
    this.offsets = new OffsetLister(this.admin, this, this);
  }

  /** One Metadata request: every topic when `topics` is null, none when it is empty. */
  async metadata(topics: readonly string[] | null): Promise<ClusterMetadata> {
    const api = await this.api<MetadataApi>("Metadata");
    const response = await this.onAnyBroker("Metadata", (conn) =>
      keepPartialResponse(
        api.async(conn, topics === null ? null : [...topics], false, false),
        hasArray<MetadataResponse>("topics"),
      ));
    const brokers = response.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port }))
      .sort((a, b) => a.nodeId - b.nodeId);
    for (const b of brokers) {
      this.#addresses.set(`${b.host}:${b.port}`, { host: b.host, port: b.port });
    }
    const out = new Map<string, TopicPartitions>();
    for (const t of response.topics) {
      // A topic deleted since it was listed, or one we may not describe, is left out; a
      // partition without a leader right now has leader -1.
      if (!t.name || t.errorCode !== 0) continue;
      const leaders: number[] = [];
      for (const p of t.partitions) leaders[p.partitionIndex] = p.errorCode === 0 ? p.leaderId : -1;
      out.set(t.name, {
        id: api.version >= 10 ? t.topicId : t.name,
        leaders: Array.from(leaders, (l) => l ?? -1),
        isInternal: t.isInternal,
      });
    }
    return { clusterId: response.clusterId ?? "", brokers, topics: out };
  }

  /** The cluster's id and brokers as the cluster itself reports them. */
  async describe(): Promise<{ clusterId: string; brokers: BrokerNode[] }> {
    const { clusterId, brokers } = await this.metadata([]);
    return { clusterId, brokers };
  }

  /** Topic names, sorted; the cluster's own internal topics (`__consumer_offsets`…) only on request. */
  async listTopics(includeInternal: boolean): Promise<string[]> {
    const { topics } = await this.metadata(null);
    return [...topics].filter(([, t]) => includeInternal || !t.isInternal).map(([n]) => n).sort();
  }

  async partitions(topics: readonly string[]): Promise<Map<string, TopicPartitions>> {
    if (topics.length === 0) return new Map();
    return (await this.metadata(topics)).topics;
  }

  /** The leader broker of each partition, from fresh metadata. */
  async leadersOf(partitions: readonly PartitionRef[]): Promise<LeaderPartition[]> {
    const { brokers, topics } = await this.metadata([...new Set(partitions.map((p) => p.topic))]);
    const nodes = new Map(brokers.map((b) => [b.nodeId, b]));
    return partitions.map((p) => {
      const topic = topics.get(p.topic);
      const leader = nodes.get(topic?.leaders[p.partition] ?? -1);
      if (!topic || !leader) throw new Error(`${p.topic}[${p.partition}] has no available leader`);
      return { ...p, topicId: topic.id, leader };
    });
  }

  /**
   * Points each partition at the broker that leads it now. A partition without a leader
   * right now keeps the one it had: asking it again fails fast, and retries continue.
   *
   * Refreshes asked for while one is in flight share the next Metadata request: with every
   * round of a chunk in flight, a broker going down fails them all at once, and each retries.
   * A refresh never answers from a request sent before it was asked for.
   */
  refreshLeaders(partitions: readonly LeaderPartition[]): Promise<void> {
    if (partitions.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.#refreshes.push({ partitions, resolve, reject });
      this.#refreshing ??= this.#refreshAll();
    });
  }

  #refreshes: {
    partitions: readonly LeaderPartition[];
    resolve: () => void;
    reject: (e: unknown) => void;
  }[] = [];
  #refreshing: Promise<void> | null = null;

  async #refreshAll(): Promise<void> {
    try {
      while (this.#refreshes.length > 0) {
        const asked = this.#refreshes.splice(0);
        const all = asked.flatMap((a) => a.partitions);
        try {
          const { brokers, topics } = await this.metadata([...new Set(all.map((p) => p.topic))]);
          const nodes = new Map(brokers.map((b) => [b.nodeId, b]));
          for (const p of all) {
            const leader = nodes.get(topics.get(p.topic)?.leaders[p.partition] ?? -1);
            if (leader) p.leader = leader;
          }
          for (const a of asked) a.resolve();
        } catch (e) {
          for (const a of asked) a.reject(e);
        }
      }
    } finally {
      // In the same step as the last look at the queue: a refresh asked for later starts anew.
      this.#refreshing = null;
    }
  }

  /** A broker whose request failed: metadata is asked elsewhere first for a while. */
  suspect(broker: { host: string; port: number }): void {
    this.#suspectUntil.set(`${broker.host}:${broker.port}`, Date.now() + SUSPECT_MS);
  }

  async configs(topics: readonly string[]): Promise<Map<string, TopicConfig>> {
    const out = new Map<string, TopicConfig>();
    const api = await this.api<DescribeConfigsApi>("DescribeConfigs");
    const requests: string[][] = [];
    for (let i = 0; i < topics.length; i += CONFIGS_PER_REQUEST) {
      requests.push(topics.slice(i, i + CONFIGS_PER_REQUEST));
    }
    // All in flight together (a request per 1,000 topics, each answer a few bytes a topic).
    await inLanes(requests, requests.length, async (names) => {
      const response = await this.onAnyBroker("DescribeConfigs", async (conn) => {
        const r = await keepPartialResponse(
          api.async(
            conn,
            names.map((name) => ({
              resourceType: kafka.ConfigResourceTypes.TOPIC,
              resourceName: name,
              configurationKeys: ["cleanup.policy", "retention.ms"],
            })),
            false,
            false,
          ),
          hasArray<DescribeConfigsResponse>("results"),
        );
        // A retriable error on any topic (its leader moving) asks again, elsewhere.
        const retry = r.results.find((x) => x.errorCode !== 0 && isRetriableCode(x.errorCode));
        if (retry) {
          throw new PartitionError(retry.errorCode, `DescribeConfigs for ${retry.resourceName}`);
        }
        return r;
      });
      for (const d of response.results) {
        if (d.errorCode !== 0) {
          throw new Error(
            `could not read the configs of topic ${d.resourceName}: ${errorCodeName(d.errorCode)}` +
              (d.errorMessage ? ` (${d.errorMessage})` : ""),
          );
        }
        const value = (key: string) => d.configs.find((c) => c.name === key)?.value ?? null;
        out.set(d.resourceName, {
          cleanupPolicy: value("cleanup.policy") ?? "delete",
          retentionMs: Number(value("retention.ms") ?? "604800000"),
        });
      }
    });
    return out;
  }

  /**
   * For every partition, the earliest offset whose timestamp is ≥ `timestamp`, or -1 when
   * there is none (EARLIEST / LATEST give the log start and the high watermark), through the
   * client's general-purpose ListOffsets (tests compare it with ours).
   */
  async offsetsAt(
    partitions: readonly PartitionRef[],
    timestamp: bigint,
  ): Promise<Map<string, bigint>> {
    const byTopic = new Map<string, number[]>();
    for (const p of partitions) {
      byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
    }
    const listed = await this.admin.listOffsets({
      topics: [...byTopic].map(([name, ps]) => ({
        name,
        partitions: ps.map((partitionIndex) => ({ partitionIndex, timestamp })),
      })),
    });
    const out = new Map<string, bigint>();
    for (const t of listed) {
      for (const p of t.partitions) out.set(`${t.name}\u0000${p.partitionIndex}`, p.offset);
    }
    return out;
  }

  /** Consumer groups of the cluster (tests use it to prove the analyzer creates none). */
  async listGroups(): Promise<string[]> {
    return [...(await this.admin.listGroups()).keys()].sort();
  }

  /**
   * Runs `call` on a connection to the first broker that answers: brokers that failed lately
   * last. A broker that fails retriably is suspected and the next is tried; each try is
   * bounded by the request timeout, so one stalled broker costs at most that. Until some
   * broker of the cluster has answered, one pass over them decides (an unreachable cluster
   * fails within a request timeout); after that, passes are repeated with backoff within
   * the retry budget, since the trouble is likely passing.
   */
  async onAnyBroker<T>(what: string, call: (conn: kafka.Connection) => Promise<T>): Promise<T> {
    let firstFailure: number | null = null;
    for (let pass = 0;; pass++) {
      const now = Date.now();
      const order = [...this.#addresses].sort(([a], [b]) =>
        Number((this.#suspectUntil.get(a) ?? 0) > now) -
        Number((this.#suspectUntil.get(b) ?? 0) > now)
      );
      const failures: string[] = [];
      for (const [key, address] of order) {
        try {
          const answer = await this.#bounded(
            (async () => call(await this.admin.connections.get(address)))(),
          );
          this.#answered = true;
          return answer;
        } catch (e) {
          if (!isRetriable(e)) throw e;
          this.suspect(address);
          failures.push(`${key}: ${this.#describe(e)}`);
        }
      }
      firstFailure ??= now;
      const wait = retryDelayMs(pass);
      if (!this.#answered || Date.now() + wait - firstFailure > this.retryBudgetMs) {
        throw new Error(`no broker answered ${what}: ${failures.join("; ")}`);
      }
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  /** A timeout says which setting bounds it, whichever layer noticed it first. */
  #describe(e: unknown): string {
    const text = describeError(e);
    return e instanceof RequestTimeoutError || /timed out/i.test(text)
      ? `no answer within ${this.timeoutMs / 1000} s (REQUEST_TIMEOUT_SECONDS)`
      : text;
  }

  /**
   * Closes every connection. A connection still waiting on a stalled broker may never close
   * cleanly: after a few seconds the client is left to its timers, so a run never hangs here.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      this.admin.close().catch(() => {}),
      new Promise<void>((resolve) => timer = setTimeout(resolve, CLOSE_GRACE_MS)),
    ]);
    clearTimeout(timer);
  }

  /** The request's own timeout covers one request; this also covers connecting first. */
  async #bounded<T>(work: Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const seconds = this.timeoutMs / 1000;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new RequestTimeoutError(`no answer within ${seconds} s (REQUEST_TIMEOUT_SECONDS)`),
          ),
        this.timeoutMs,
      );
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The API at the highest version both the brokers and the client speak. */
  api<T extends VersionedApi>(name: string): Promise<T> {
    return this.#versions.api<T>(name);
  }
}
