// A read-only view of one Kafka cluster: topics, partition leaders, topic configs, offsets
// by timestamp and raw record batches. With its siblings in src/kafka/, the only code that
// talks to the Kafka client. It never joins, creates or commits to a consumer group.
import { kafka } from "../deps/kafka.ts";
import {
  clientOptions,
  type ClientTuning,
  DEFAULT_TUNING,
  type KafkaConnection,
} from "./connection.ts";
import { type LeaderPartition, OffsetLister } from "./list_offsets.ts";

export interface BrokerNode {
  nodeId: number;
  host: string;
  port: number;
}

export interface TopicPartitions {
  /** The topic UUID (fetch v13+ addresses topics by it). */
  id: string;
  /** Leader node id of each partition, by partition index. */
  leaders: number[];
}

export interface TopicConfig {
  cleanupPolicy: string;
  /** -1 means infinite. */
  retentionMs: number;
}

export interface PartitionRef {
  topic: string;
  partition: number;
}

export { EARLIEST, LATEST } from "./list_offsets.ts";

export class KafkaCluster {
  readonly admin: kafka.Admin;
  /** ListOffsets straight to the leaders, for the many-timestamps case. */
  readonly offsets: OffsetLister;
  #closed = false;

  constructor(readonly connection: KafkaConnection, tuning: ClientTuning = DEFAULT_TUNING) {
    this.admin = new kafka.Admin(clientOptions(connection, tuning));
    this.offsets = new OffsetLister(this.admin);
  }

  /** The leader broker of each partition, from fresh metadata. */
  async leadersOf(partitions: readonly PartitionRef[]): Promise<LeaderPartition[]> {
    const [{ brokers }, meta] = await Promise.all([
      this.describe(),
      this.partitions([...new Set(partitions.map((p) => p.topic))]),
    ]);
    const nodes = new Map(brokers.map((b) => [b.nodeId, b]));
    return partitions.map((p) => {
      const topic = meta.get(p.topic);
      const leader = nodes.get(topic?.leaders[p.partition] ?? -1);
      if (!topic || !leader) throw new Error(`${p.topic}[${p.partition}] has no available leader`);
      return { ...p, topicId: topic.id, leader };
    });
  }

  /** The cluster's id and brokers as the cluster itself reports them. */
  async describe(): Promise<{ clusterId: string; brokers: BrokerNode[] }> {
    const md = await this.admin.metadata({ topics: [], forceUpdate: true });
    const brokers = [...md.brokers].map(([nodeId, b]) => ({ nodeId, host: b.host, port: b.port }));
    return { clusterId: md.id, brokers: brokers.sort((a, b) => a.nodeId - b.nodeId) };
  }

  /** Topic names, sorted; the cluster's own internal topics (`__consumer_offsets`…) only on request. */
  listTopics(includeInternal: boolean): Promise<string[]> {
    return this.admin.listTopics({ includeInternals: includeInternal });
  }

  async partitions(topics: readonly string[]): Promise<Map<string, TopicPartitions>> {
    const out = new Map<string, TopicPartitions>();
    if (topics.length === 0) return out;
    // metadata() sorts the array it is given: hand it a copy.
    const md = await this.admin.metadata({ topics: [...topics], forceUpdate: true });
    for (const [name, t] of md.topics) {
      out.set(name, { id: t.id, leaders: t.partitions.map((p) => p.leader) });
    }
    return out;
  }

  async configs(topics: readonly string[]): Promise<Map<string, TopicConfig>> {
    const out = new Map<string, TopicConfig>();
    if (topics.length === 0) return out;
    const described = await this.admin.describeConfigs({
      resources: topics.map((name) => ({
        resourceType: kafka.ConfigResourceTypes.TOPIC,
        resourceName: name,
        configurationKeys: ["cleanup.policy", "retention.ms"],
      })),
    });
    for (const d of described) {
      const value = (key: string) => d.configs.find((c) => c.name === key)?.value ?? null;
      out.set(d.resourceName, {
        cleanupPolicy: value("cleanup.policy") ?? "delete",
        retentionMs: Number(value("retention.ms") ?? "604800000"),
      });
    }
    return out;
  }

  /**
   * For every partition, the earliest offset whose timestamp is ≥ `timestamp`, or -1 when
   * there is none (EARLIEST / LATEST give the log start and the high watermark). One
   * request per leader broker for all the partitions.
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
      for (const p of t.partitions) out.set(partitionKey(t.name, p.partitionIndex), p.offset);
    }
    return out;
  }

  /** Consumer groups of the cluster (tests use it to prove the analyzer creates none). */
  async listGroups(): Promise<string[]> {
    return [...(await this.admin.listGroups()).keys()].sort();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.admin.close();
  }
}

/** Items grouped by their partition's leader broker, in their first-seen order. */
export function groupByLeader<T>(items: readonly T[], leaderOf: (item: T) => BrokerNode): T[][] {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const id = leaderOf(item).nodeId;
    const group = groups.get(id);
    if (group) group.push(item);
    else groups.set(id, [item]);
  }
  return [...groups.values()];
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
