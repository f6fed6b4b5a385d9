// ListOffsets straight to each partition leader, for many partitions at once: one request
// per leader per timestamp, no metadata refresh and no option validation in between. The
// hourly series asks for ~169 timestamps over thousands of partitions, where the client's
// general-purpose admin.listOffsets (a metadata refresh per call) costs 10× more.
import { kafka } from "../deps/kafka.ts";
import type { BrokerNode } from "./cluster.ts";

export interface LeaderPartition {
  topic: string;
  /** The topic UUID (Fetch v13+ addresses topics by it). */
  topicId: string;
  partition: number;
  leader: BrokerNode;
}

/** ListOffsets' special timestamps. */
export const EARLIEST = -2n;
export const LATEST = -1n;

type ListOffsetsApi = typeof kafka.listOffsetsV9.api;

interface LeaderGroup {
  leader: BrokerNode;
  /** topic → partition → index into the caller's array. */
  index: Map<string, Map<number, number>>;
}

export class OffsetLister {
  #api: Promise<ListOffsetsApi> | undefined;

  constructor(private readonly admin: kafka.Admin) {}

  /**
   * The offset of every partition at `timestamp`, in the order given: the earliest offset
   * whose timestamp is ≥ it, or -1 when no record is that late (EARLIEST and LATEST give
   * the log start and the high watermark).
   */
  async at(partitions: readonly LeaderPartition[], timestamp: bigint): Promise<BigInt64Array> {
    const out = new BigInt64Array(partitions.length).fill(-1n);
    const api = await this.#listOffsets();
    await Promise.all(
      this.#grouped(partitions).map(async (g) => {
        const conn = await this.admin.connections.get({ host: g.leader.host, port: g.leader.port });
        const response = await api.async(
          conn,
          -1, // a consumer, not a replica
          kafka.FetchIsolationLevels.READ_UNCOMMITTED,
          [...g.index].map(([name, partitions]) => ({
            name,
            partitions: [...partitions.keys()].map((partitionIndex) => ({
              partitionIndex,
              currentLeaderEpoch: -1,
              timestamp,
            })),
          })),
        );
        for (const t of response.topics) {
          const byPartition = g.index.get(t.name);
          for (const p of t.partitions) {
            const i = byPartition?.get(p.partitionIndex);
            if (i === undefined) continue;
            if (p.errorCode !== 0) {
              throw new Error(
                `ListOffsets for ${t.name}[${p.partitionIndex}] failed with error code ${p.errorCode}`,
              );
            }
            out[i] = p.offset;
          }
        }
      }),
    );
    return out;
  }

  #grouped(partitions: readonly LeaderPartition[]): LeaderGroup[] {
    const byLeader = new Map<number, LeaderGroup>();
    partitions.forEach((p, i) => {
      let g = byLeader.get(p.leader.nodeId);
      if (!g) {
        g = { leader: p.leader, index: new Map() };
        byLeader.set(p.leader.nodeId, g);
      }
      let byPartition = g.index.get(p.topic);
      if (!byPartition) {
        byPartition = new Map();
        g.index.set(p.topic, byPartition);
      }
      byPartition.set(p.partition, i);
    });
    return [...byLeader.values()];
  }

  #listOffsets(): Promise<ListOffsetsApi> {
    this.#api ??= new Promise<ListOffsetsApi>((resolve, reject) =>
      this.admin[kafka.kGetApi](
        "ListOffsets",
        (error, api) => error ? reject(error) : resolve(api as ListOffsetsApi),
      )
    );
    return this.#api;
  }
}
