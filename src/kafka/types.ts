// The plain shapes of the Kafka layer, shared by its modules and their callers: brokers, and
// partitions with the broker that leads them. Kept apart from the modules that talk to the
// client, so that importing a type never pulls in the client (and files import no cycle).

export interface BrokerNode {
  nodeId: number;
  host: string;
  port: number;
}

export interface PartitionRef {
  topic: string;
  partition: number;
}

export interface LeaderPartition extends PartitionRef {
  /** The topic UUID (Fetch v13+ addresses topics by it). */
  topicId: string;
  /** Replaced in place when a metadata refresh finds that the leader moved. */
  leader: BrokerNode;
}

/**
 * Told the share of a piece of work done so far, from 0 to 1, as it goes: for progress shown
 * to people, never for a result. Calls need not be regular, and may stop short of 1.
 */
export type Progress = (fraction: number) => void;

export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
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
