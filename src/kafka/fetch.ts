// Reads raw record batches of one partition by offset, straight from its leader, with a
// sessionless Fetch: no consumer group, no fetch session, nothing committed. Gives what
// the sampling source needs: each batch's size in the log and each record's parts.
import { kafka } from "../deps.ts";
import type { BrokerNode } from "./cluster.ts";

export type Codec = "none" | "gzip" | "snappy" | "lz4" | "zstd";
const CODECS: Codec[] = ["none", "gzip", "snappy", "lz4", "zstd"];

/** The batch header fields before `length` (baseOffset int64 + length int32). */
const BATCH_LOG_OVERHEAD = 12;

export interface FetchedRecord {
  offset: bigint;
  timestamp: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  /** Σ header key + value bytes. */
  headerBytes: number;
}

export interface FetchedBatch {
  baseOffset: bigint;
  /** Bytes the batch takes in the log (and on the wire), header and compression included. */
  sizeBytes: number;
  /** Records the batch holds (compaction may have removed some of its offsets). */
  recordCount: number;
  codec: Codec;
  records: FetchedRecord[];
}

export interface FetchResult {
  batches: FetchedBatch[];
  highWatermark: bigint;
  logStartOffset: bigint;
}

export interface FetchRequest {
  topic: string;
  topicId: string;
  partition: number;
  leader: BrokerNode;
  offset: bigint;
  /** Upper bound on the bytes returned (the first batch always comes whole). */
  maxBytes: number;
}

/** Every Fetch version the client speaks (v4–v17) takes v17's arguments. */
type FetchApi = typeof kafka.fetchV17.api;

/**
 * Fetches the batches at `offset`. A compressed batch comes back whole even when `offset`
 * falls inside it, so records before `offset` are dropped from `records` (the batch's
 * size and count still describe the whole batch, as stored).
 */
export async function fetchBatches(admin: kafka.Admin, req: FetchRequest): Promise<FetchResult> {
  const api = await fetchApi(admin);
  const conn = await admin.connections.get({ host: req.leader.host, port: req.leader.port });
  const response = await api.async(
    conn,
    0, // maxWaitMs: never wait for more data
    1,
    req.maxBytes,
    kafka.FetchIsolationLevels.READ_UNCOMMITTED,
    0, // sessionId 0 + epoch -1: a sessionless fetch
    -1,
    [{
      topicId: api.version >= 13 ? req.topicId : req.topic,
      partitions: [{
        partition: req.partition,
        currentLeaderEpoch: -1,
        fetchOffset: req.offset,
        lastFetchedEpoch: -1,
        partitionMaxBytes: req.maxBytes,
      }],
    }],
    [],
    "",
  );
  const p = response.responses[0]?.partitions[0];
  if (!p) throw new Error(`Fetch of ${req.topic}[${req.partition}] returned no partition`);
  const batches: FetchedBatch[] = [];
  for (const b of p.records ?? []) {
    // Control batches (transaction markers) hold no user records.
    if ((b.attributes & 0x20) !== 0) continue;
    const logAppendTime = (b.attributes & 0x08) !== 0;
    const records: FetchedRecord[] = [];
    for (const r of b.records) {
      const offset = b.firstOffset + BigInt(r.offsetDelta);
      if (offset < req.offset) continue;
      let headerBytes = 0;
      for (const [k, v] of r.headers) headerBytes += (k?.length ?? 0) + (v?.length ?? 0);
      records.push({
        offset,
        timestamp: Number(logAppendTime ? b.maxTimestamp : b.firstTimestamp + r.timestampDelta),
        key: r.key,
        value: r.value,
        headerBytes,
      });
    }
    batches.push({
      baseOffset: b.firstOffset,
      sizeBytes: b.length + BATCH_LOG_OVERHEAD,
      recordCount: b.records.length,
      codec: CODECS[b.attributes & 0x07] ?? "none",
      records,
    });
  }
  return { batches, highWatermark: p.highWatermark, logStartOffset: p.logStartOffset };
}

const apis = new WeakMap<kafka.Admin, Promise<FetchApi>>();

/** The Fetch API at the version the brokers negotiated, once per client. */
function fetchApi(admin: kafka.Admin): Promise<FetchApi> {
  let api = apis.get(admin);
  if (!api) {
    api = new Promise<FetchApi>((resolve, reject) =>
      admin[kafka.kGetApi](
        "Fetch",
        (error, value) => error ? reject(error) : resolve(value as FetchApi),
      )
    );
    apis.set(admin, api);
  }
  return api;
}
