// The Fetch API at versions 12 to 17 (the flexible ones, which current brokers and Confluent
// Cloud speak), with the client's own request builders but a response parser of
// ours: each partition's records stay bytes, which _record_batches.ts reads. The client's
// parser decodes every record into objects first (see there why that matters). Older
// versions keep the client's parser (fetch.ts).
import { kafka } from "../deps/kafka.ts";

export interface LeanPartition {
  partitionIndex: number;
  errorCode: number;
  highWatermark: bigint;
  logStartOffset: bigint;
  /** The partition's records section as it came: its record batches. */
  records: Uint8Array;
}

export interface LeanFetchResponse {
  errorCode: number;
  responses: { topicId: string; partitions: LeanPartition[] }[];
}

/** The versions parsed here; their requests all take v17's arguments. */
const REQUESTS: Record<number, typeof kafka.fetchV17.createRequest> = {
  12: kafka.fetchV12.createRequest,
  13: kafka.fetchV13.createRequest,
  14: kafka.fetchV14.createRequest,
  15: kafka.fetchV15.createRequest,
  16: kafka.fetchV16.createRequest,
  17: kafka.fetchV17.createRequest,
};

const FETCH_KEY = 1;

type LeanApi = ReturnType<typeof leanApi>;
const apis = new Map<number, LeanApi>();

function leanApi(version: number, createRequest: typeof kafka.fetchV17.createRequest) {
  return kafka.createAPI<Parameters<typeof createRequest>, LeanFetchResponse>(
    FETCH_KEY,
    version,
    createRequest,
    parseResponse,
  );
}

/** The Fetch API at `version` with this parser, or null for a version it does not parse. */
export function leanFetchApi(version: number): LeanApi | null {
  const createRequest = REQUESTS[version];
  if (createRequest === undefined) return null;
  let api = apis.get(version);
  if (api === undefined) apis.set(version, api = leanApi(version, createRequest));
  return api;
}

/**
 * Fetch response v12–v17 (KIP-482 compact encoding, tagged fields): throttle_time_ms,
 * error_code, session_id, then per topic (its name up to v12, its id from v13) per partition:
 * index, error_code, high_watermark, last_stable_offset, log_start_offset,
 * aborted_transactions, preferred_read_replica, records. Error codes are returned, not thrown:
 * fetch.ts retries per partition.
 */
function parseResponse(
  _correlationId: number,
  _apiKey: number,
  apiVersion: number,
  reader: kafka.Reader,
): LeanFetchResponse {
  reader.readInt32(); // throttle_time_ms
  const errorCode = reader.readInt16();
  reader.readInt32(); // session_id
  // Each array element's own tagged fields are read (and skipped) by readArray.
  const responses = reader.readArray((t) => ({
    topicId: apiVersion >= 13 ? t.readUUID() : t.readString(),
    partitions: t.readArray((p): LeanPartition => {
      const partitionIndex = p.readInt32();
      const errorCode = p.readInt16();
      const highWatermark = p.readInt64();
      p.readInt64(); // last_stable_offset
      const logStartOffset = p.readInt64();
      p.readNullableArray((a) => [a.readInt64(), a.readInt64()]); // aborted_transactions
      p.readInt32(); // preferred_read_replica
      // COMPACT_RECORDS: length + 1, 0 for null.
      const size = p.readUnsignedVarInt() - 1;
      const records = size > 0 ? view(p.buffer.slice(p.position, p.position + size)) : NONE;
      if (size > 0) p.skip(size);
      return { partitionIndex, errorCode, highWatermark, logStartOffset, records };
    }),
  }));
  reader.readTaggedFields(); // node_endpoints (v16+): leaders are refreshed from Metadata
  return { errorCode, responses };
}

const NONE = new Uint8Array(0);

/** A plain view of a Buffer's bytes: a Buffer's subarray() is much slower (its species). */
const view = (b: Uint8Array): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
