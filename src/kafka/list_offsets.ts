// ListOffsets straight to each partition leader, for many partitions at once: one request
// per leader per call, each partition at the call's timestamp or at its own (the protocol
// takes a timestamp per partition, each partition once per request: the minute boundaries of
// minute_offsets.ts ask every partition of a chunk its own), no option validation in
// between. The hourly series asks for ~169 timestamps over thousands of partitions, where the
// client's general-purpose admin.listOffsets (a metadata refresh per call) costs 10× more.
// Partitions whose leader moved or stalled are retried after a metadata refresh
// (per_leader.ts); one that stays unreachable is reported as failed, alone.
import { kafka } from "../deps/kafka.ts";
import { describeError } from "../describe_error.ts";
import { PartitionError } from "./errors.ts";
import { hasArray, keepPartialResponse } from "./_partial.ts";
import { type Answer, perLeader, type RetryContext } from "./per_leader.ts";
import type { LeaderPartition } from "./types.ts";
import type { ApiLookup } from "./api_versions.ts";

/** ListOffsets' special timestamps. */
export const EARLIEST = -2n;
export const LATEST = -1n;

type ListOffsetsApi = typeof kafka.listOffsetsV9.api;
type ListOffsetsResponse = Awaited<ReturnType<ListOffsetsApi["async"]>>;

export interface OffsetsAt {
  /**
   * Per partition, in the order given: the earliest offset whose timestamp is ≥ the
   * timestamp, or -1 when no record is that late (EARLIEST and LATEST give the log start and
   * the high watermark). -1 too for a failed partition.
   */
  offsets: BigInt64Array;
  /** The timestamp of the record at each offset found by timestamp; -1 otherwise. */
  timestamps: BigInt64Array;
  /** Index of each partition that could not be answered → why. */
  failed: Map<number, string>;
}

export class OffsetLister {
  constructor(
    private readonly admin: kafka.Admin,
    private readonly apis: ApiLookup,
    private readonly retry: RetryContext,
  ) {}

  /**
   * `timestamp` for every partition, or one timestamp per partition (in the order given; a
   * request may ask each partition at its own timestamp, but each partition once).
   */
  async at(
    partitions: readonly LeaderPartition[],
    timestamp: bigint | readonly bigint[],
  ): Promise<OffsetsAt> {
    if (typeof timestamp !== "bigint" && timestamp.length !== partitions.length) {
      throw new RangeError("one timestamp per partition");
    }
    const single = typeof timestamp === "bigint" ? timestamp : null;
    const each = typeof timestamp === "bigint"
      ? null
      : new Map(partitions.map((p, i) => [p, timestamp[i]!]));
    const timestampOf = (p: LeaderPartition): bigint => single ?? each!.get(p)!;
    const out: OffsetsAt = {
      offsets: new BigInt64Array(partitions.length).fill(-1n),
      timestamps: new BigInt64Array(partitions.length).fill(-1n),
      failed: new Map(),
    };
    if (partitions.length === 0) return out;
    const api = await this.apis.api<ListOffsetsApi>("ListOffsets");
    const answers = await perLeader(this.retry, partitions, async (leader, group) => {
      const conn = await this.admin.connections.get({ host: leader.host, port: leader.port });
      const byTopic = new Map<string, Map<number, number>>();
      group.forEach((p, k) => {
        let m = byTopic.get(p.topic);
        if (!m) byTopic.set(p.topic, m = new Map());
        m.set(p.partition, k);
      });
      const timestamps = group.map(timestampOf);
      const response = await keepPartialResponse(
        api.async(
          conn,
          -1, // a consumer, not a replica
          kafka.FetchIsolationLevels.READ_UNCOMMITTED,
          [...byTopic].map(([name, ps]) => ({
            name,
            partitions: [...ps].map(([partitionIndex, k]) => ({
              partitionIndex,
              currentLeaderEpoch: -1,
              timestamp: timestamps[k]!,
            })),
          })),
        ),
        hasArray<ListOffsetsResponse>("topics"),
      );
      const got = new Array<Answer<{ offset: bigint; timestamp: bigint }>>(group.length);
      for (const t of response.topics) {
        for (const p of t.partitions) {
          const k = byTopic.get(t.name)?.get(p.partitionIndex);
          if (k === undefined) continue;
          got[k] = p.errorCode === 0 ? { ok: true, value: p } : {
            ok: false,
            error: new PartitionError(
              p.errorCode,
              `ListOffsets for ${t.name}[${p.partitionIndex}]`,
            ),
          };
        }
      }
      return got;
    });
    answers.forEach((a, i) => {
      if (a.ok) {
        out.offsets[i] = a.value.offset;
        out.timestamps[i] = a.value.timestamp;
      } else out.failed.set(i, describeError(a.error));
    });
    return out;
  }
}
