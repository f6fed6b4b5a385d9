// The plan of one cluster's analysis: its brokers and the selected topics with their
// partitions, leaders and configs, read once before any topic is measured.
import type { KafkaCluster } from "../kafka/cluster.ts";
import type { BrokerNode } from "../kafka/types.ts";
import { selectTopics } from "./topic_filter.ts";

export interface TopicPlan {
  name: string;
  /** Topic UUID, for fetch v13+. */
  topicId: string;
  /** Leader node id per partition. */
  leaders: number[];
  isCompacted: boolean;
  /** -1 means infinite. */
  retentionMs: number;
}

export interface ClusterPlan {
  /** The id the cluster reports about itself (the report uses the configured label). */
  reportedClusterId: string;
  brokers: BrokerNode[];
  topics: TopicPlan[];
}

export interface PlanOptions {
  topicFilter: readonly string[];
  includeInternalTopics: boolean;
  /**
   * Called once the brokers and the selected topics are known, before their configs are read,
   * with the number of partitions those topics hold: the caller may start work ahead.
   */
  onListed?: (brokers: BrokerNode[], partitions: number) => void;
}

export async function planCluster(
  cluster: KafkaCluster,
  options: PlanOptions,
): Promise<ClusterPlan> {
  // One Metadata request gives the brokers and every topic with its partitions' leaders.
  const { clusterId, brokers, topics: partitions } = await cluster.metadata(null);
  const listed = [...partitions].filter(([, t]) => options.includeInternalTopics || !t.isInternal)
    .map(([name]) => name).sort();
  const names = selectTopics(listed, options.topicFilter, options.includeInternalTopics);
  options.onListed?.(
    brokers,
    names.reduce((n, t) => n + (partitions.get(t)?.leaders.length ?? 0), 0),
  );
  const configs = await cluster.configs(names);
  const topics: TopicPlan[] = [];
  for (const name of names) {
    const p = partitions.get(name);
    if (!p) continue;
    const c = configs.get(name);
    topics.push({
      name,
      topicId: p.id,
      leaders: p.leaders,
      isCompacted: (c?.cleanupPolicy ?? "delete").split(",").map((s) => s.trim()).includes(
        "compact",
      ),
      retentionMs: c?.retentionMs ?? 604_800_000,
    });
  }
  return { reportedClusterId: clusterId, brokers, topics };
}
