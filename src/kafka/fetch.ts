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
  BATCH_LOG_OVERHEAD,
  type BatchRecords,
  type RawBatch,
  readRecords,
  type RecordEntry,
} from "./_record_batches.ts";
import { fetchBudgetOf, FIRST_BATCH_BYTES } from "./in_flight.ts";
import { keyHash } from "./key_sketch.ts";
import type { BrokerNode } from "./types.ts";

export type Codec = "none" | "gzip" | "snappy" | "lz4" | "zstd";
const CODECS: Codec[] = ["none", "gzip", "snappy", "lz4", "zstd"];

/** A record: its offset, timestamp, keyHash() (null without a key) and sizes. */
export type FetchedRecord = RecordEntry;

export interface FetchedBatch {
  baseOffset: bigint;
  /** Bytes the batch takes in the log (and on the wire), header and compression included. */
  sizeBytes: number;
  /** Records the batch holds (compaction may have removed some of its offsets). */
  recordCount: number;
  /** Offset after the batch's last offset: where the next fetch starts. */
  nextOffset: bigint;
  codec: Codec;
  /**
   * A control batch (a transaction marker): no user record, but its offset and timestamp
   * are part of the log that ListOffsets by timestamp searches.
   */
  control: boolean;
  /** The batch's records at or after the requested offset. */
  records: FetchedRecord[];
  /** Σ key + value + header bytes of every record of the batch (uncompressed). */
  payloadBytes: number;
  /** Records of the batch that carry a key. */
  keyedRecords: number;
}

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
  batches: FetchedBatch[];
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
      return mapPartitions(r, (p) => (from) => p.batches.map((b) => fromRaw(b, from)));
    }
    const r = await keepPartialResponse(
      api.async(conn, ...args),
      hasArray<FetchResponse>("responses"),
    );
    return mapPartitions(r, (p) => (from) => (p.records ?? []).map((b) => toBatch(b, from)));
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
        results[i] = {
          topic: entry.name,
          partition: p.partitionIndex,
          errorCode: p.errorCode,
          batches: p.batches(partitions[i]!.offset),
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
      batches: (from: bigint) => FetchedBatch[];
    }[];
  }[];
}

function mapPartitions<P extends Omit<Answer["responses"][0]["partitions"][0], "batches">>(
  response: { responses: { topicId: string; partitions: P[] }[] },
  batches: (p: P) => (from: bigint) => FetchedBatch[],
): Answer {
  return {
    responses: response.responses.map((t) => ({
      topicId: t.topicId,
      partitions: t.partitions.map((p) => ({
        partitionIndex: p.partitionIndex,
        errorCode: p.errorCode,
        highWatermark: p.highWatermark,
        logStartOffset: p.logStartOffset,
        batches: batches(p),
      })),
    })),
  };
}

/** Our reader's batch (Fetch v12 and up). */
export const fromRaw = (b: RawBatch, from: bigint): FetchedBatch =>
  fetchedBatch(b, readRecords(b, from));

/** The Kafka client's decoded batch (Fetch before v12), reduced the same way. */
export function toBatch(b: kafka.RecordsBatch, from: bigint): FetchedBatch {
  const logAppendTime = (b.attributes & 0x08) !== 0;
  const records: FetchedRecord[] = [];
  let payloadBytes = 0;
  let keyedRecords = 0;
  for (const r of b.records) {
    const offset = b.firstOffset + BigInt(r.offsetDelta);
    let headerBytes = 0;
    for (const [k, v] of r.headers) headerBytes += (k?.length ?? 0) + (v?.length ?? 0);
    const [keyBytes, valueBytes] = [r.key?.length ?? 0, r.value?.length ?? 0];
    payloadBytes += keyBytes + valueBytes + headerBytes;
    if (r.key !== null) keyedRecords++;
    if (offset < from) continue;
    records.push({
      offset,
      timestamp: Number(logAppendTime ? b.maxTimestamp : b.firstTimestamp + r.timestampDelta),
      keyHash: r.key === null ? null : keyHash(r.key),
      keyBytes,
      valueBytes,
      headerBytes,
    });
  }
  const header = {
    baseOffset: b.firstOffset,
    sizeBytes: b.length + BATCH_LOG_OVERHEAD,
    attributes: b.attributes,
    lastOffsetDelta: b.lastOffsetDelta,
  };
  return fetchedBatch(header, { count: b.records.length, records, payloadBytes, keyedRecords });
}

/** A batch from its header's fields and what its records add up to, whichever read them. */
function fetchedBatch(
  header: Pick<RawBatch, "baseOffset" | "sizeBytes" | "attributes" | "lastOffsetDelta">,
  read: BatchRecords,
): FetchedBatch {
  return {
    baseOffset: header.baseOffset,
    sizeBytes: header.sizeBytes,
    recordCount: read.count,
    nextOffset: header.baseOffset + BigInt(header.lastOffsetDelta) + 1n,
    codec: CODECS[header.attributes & 0x07] ?? "none",
    control: (header.attributes & 0x20) !== 0,
    records: read.records,
    payloadBytes: read.payloadBytes,
    keyedRecords: read.keyedRecords,
  };
}
