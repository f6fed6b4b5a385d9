// Reads raw record batches by offset straight from a partition leader, with a sessionless
// Fetch: no consumer group, no fetch session, nothing committed. One request carries many
// partitions of that leader. Gives what the sampling source needs: each batch's size in
// the log, and each record's offset, timestamp, key hash and size. Versions 12 and up are
// parsed by _fetch_response.ts and _record_batches.ts, older ones by the Kafka client.
import { kafka } from "../deps/kafka.ts";
import type { ApiLookup } from "./api_versions.ts";
import { hasArray, keepPartialResponse } from "./_partial.ts";
import { leanFetchApi } from "./_fetch_response.ts";
import {
  appendRecord,
  BATCH_LOG_OVERHEAD,
  countRecord,
  exactOffset,
  type FetchedBatch,
  newBatch,
  NO_KEY,
  type ReadBatches,
  readBatches,
  type RecordColumns,
  recordColumns,
} from "./_record_batches.ts";
import { fetchBudgetOf, FIRST_BATCH_BYTES } from "./in_flight.ts";
import { keyHash } from "./key_sketch.ts";
import type { BrokerNode } from "./types.ts";

export type { Codec, FetchedBatch, RecordColumns } from "./_record_batches.ts";
export { NO_KEY } from "./_record_batches.ts";

export interface PartitionFetch {
  topic: string;
  topicId: string;
  partition: number;
  offset: bigint;
  /** Upper bound on this partition's bytes (its first batch always comes whole). */
  maxBytes: number;
}

export interface PartitionFetchResult {
  topic: string;
  partition: number;
  /** Kafka error code of the partition; 0 when fine (1 = offset out of range). */
  errorCode: number;
  /** The whole batches that came back, in log order. */
  batches: FetchedBatch[];
  /** Their records at or after the requested offset (each batch names its rows). */
  records: RecordColumns;
  highWatermark: bigint;
  logStartOffset: bigint;
}

export interface FetchOptions {
  /** Upper bound on the whole response. */
  maxBytes?: number;
  /**
   * Bounds the request in time (e.g. SAMPLING_TIMEOUT_SECONDS), from when it is sent: the
   * wait for room in the client's Fetch byte budget (in_flight.ts) does not count.
   */
  bound?: <T>(work: Promise<T>) => Promise<T>;
}

/** Every Fetch version the client speaks (v4–v17) takes v17's arguments. */
type FetchApi = typeof kafka.fetchV17.api;
type FetchResponse = kafka.fetchV17.FetchResponse;

/** A cluster's client and API versions (KafkaCluster). */
export interface FetchClient extends ApiLookup {
  readonly admin: kafka.Admin;
}

/**
 * Fetches several partitions led by `leader` in one request; the results are in the order of
 * `partitions`, undefined for one the broker left out. A compressed batch comes back whole
 * even when the offset falls inside it, so records before the requested offset are dropped
 * from `records` (the batch's size and count still describe the whole batch). Requests of
 * one client go out together as long as their responses fit its Fetch byte budget, each
 * counted at its maximum size (in_flight.ts); the rest wait for room.
 */
export async function fetchFromLeader(
  client: FetchClient,
  leader: BrokerNode,
  partitions: readonly PartitionFetch[],
  options: FetchOptions = {},
): Promise<(PartitionFetchResult | undefined)[]> {
  const results = new Array<PartitionFetchResult | undefined>(partitions.length);
  if (partitions.length === 0) return results;
  const api = await client.api<FetchApi>("Fetch");
  const byId = api.version >= 13;
  /** Topic key → its name and, by partition, the index of the request in `partitions`. */
  const topics = new Map<string, { name: string; requests: Map<number, number> }>();
  partitions.forEach((p, i) => {
    const key = byId ? p.topicId : p.topic;
    const entry = topics.get(key) ?? { name: p.topic, requests: new Map() };
    entry.requests.set(p.partition, i);
    topics.set(key, entry);
  });
  const total = partitions.reduce((s, p) => s + p.maxBytes, 0);
  const responseBytes = Math.min(options.maxBytes ?? 50 * 1024 * 1024, Math.max(total, 1));
  const bound = options.bound ?? (<T>(work: Promise<T>) => work);
  const args: Parameters<typeof api.async> extends [unknown, ...infer A] ? A : never = [
    0, // maxWaitMs: never wait for more data
    1,
    responseBytes,
    kafka.FetchIsolationLevels.READ_UNCOMMITTED,
    0, // sessionId 0 + epoch -1: a sessionless fetch
    -1,
    [...topics].map(([topicId, t]) => ({
      topicId,
      partitions: [...t.requests.values()].map((i) => ({
        partition: partitions[i]!.partition,
        currentLeaderEpoch: -1,
        fetchOffset: partitions[i]!.offset,
        lastFetchedEpoch: -1,
        partitionMaxBytes: partitions[i]!.maxBytes,
      })),
    })),
    [],
    "",
  ];
  const lean = leanFetchApi(api.version);
  const ask = async (): Promise<Answer> => {
    const conn = await client.admin.connections.get({ host: leader.host, port: leader.port });
    if (lean !== null) {
      const r = await lean.async(conn, ...args);
      return mapPartitions(r, (p) => (from) => readBatches(p.records, from));
    }
    const r = await keepPartialResponse(
      api.async(conn, ...args),
      hasArray<FetchResponse>("responses"),
    );
    return mapPartitions(r, (p) => (from) => fromClient(p.records ?? [], from));
  };
  // Counted at its maximum, and at least what its first batch may take (returned whole
  // whatever the limit), until its batches are decoded.
  const charge = Math.max(responseBytes, FIRST_BATCH_BYTES);
  return await fetchBudgetOf(client.admin).use(charge, async () => {
    const response = await bound(ask());
    for (const t of response.responses) {
      const entry = topics.get(t.topicId);
      if (!entry) continue;
      for (const p of t.partitions) {
        const i = entry.requests.get(p.partitionIndex);
        if (i === undefined) continue;
        const { batches, records } = p.read(partitions[i]!.offset);
        results[i] = {
          topic: entry.name,
          partition: p.partitionIndex,
          errorCode: p.errorCode,
          batches,
          records,
          highWatermark: p.highWatermark,
          logStartOffset: p.logStartOffset,
        };
      }
    }
    return results;
  });
}

/** A response's partitions, each with its batches read from a given offset on. */
interface Answer {
  responses: {
    topicId: string;
    partitions: {
      partitionIndex: number;
      errorCode: number;
      highWatermark: bigint;
      logStartOffset: bigint;
      read: (from: bigint) => ReadBatches;
    }[];
  }[];
}

function mapPartitions<P extends Omit<Answer["responses"][0]["partitions"][0], "read">>(
  response: { responses: { topicId: string; partitions: P[] }[] },
  read: (p: P) => (from: bigint) => ReadBatches,
): Answer {
  return {
    responses: response.responses.map((t) => ({
      topicId: t.topicId,
      partitions: t.partitions.map((p) => ({
        partitionIndex: p.partitionIndex,
        errorCode: p.errorCode,
        highWatermark: p.highWatermark,
        logStartOffset: p.logStartOffset,
        read: read(p),
      })),
    })),
  };
}

/** The Kafka client's decoded batches (Fetch before v12), reduced as our reader does. */
export function fromClient(decoded: readonly kafka.RecordsBatch[], from: bigint): ReadBatches {
  let records = recordColumns(decoded.reduce((n, b) => n + b.records.length, 0));
  const batches = decoded.map((b) => {
    const batch = newBatch(
      exactOffset(b.firstOffset),
      b.length + BATCH_LOG_OVERHEAD,
      b.attributes,
      b.lastOffsetDelta,
      records.length,
    );
    const logAppendTime = (b.attributes & 0x08) !== 0;
    for (const r of b.records) {
      let headerBytes = 0;
      for (const [k, v] of r.headers) headerBytes += (k?.length ?? 0) + (v?.length ?? 0);
      const [keyBytes, valueBytes] = [r.key?.length ?? 0, r.value?.length ?? 0];
      countRecord(batch, keyBytes + valueBytes + headerBytes, r.key !== null);
      if (b.firstOffset + BigInt(r.offsetDelta) < from) continue;
      records = appendRecord(
        records,
        batch.baseOffset + r.offsetDelta,
        Number(logAppendTime ? b.maxTimestamp : b.firstTimestamp + r.timestampDelta),
        r.key === null ? NO_KEY : keyHash(r.key),
        keyBytes,
        valueBytes,
        headerBytes,
      );
    }
    batch.endRow = records.length;
    return batch;
  });
  return { batches, records };
}
