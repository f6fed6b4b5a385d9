// Reads Kafka record batches (magic 2, the format of Kafka 0.11 on) from the bytes of a Fetch
// response, keeping of each record only what the sampling source uses: its offset, its
// timestamp, a hash of its key and its size. Written here rather than taken from the Kafka
// client: the client decodes every record into an object holding its key and value as
// Buffers, its timestamp delta as a BigInt and its headers as arrays. Reading 60,000 light
// partitions whole (bench case g), that garbage kept V8's collector busy for most of a
// worker's CPU. Compressed batches are inflated with the client's own codecs.
import { Buffer } from "node:buffer";
import { kafka } from "../deps/kafka.ts";
import { keyHashOf } from "./key_sketch.ts";

/** baseOffset (int64) and batchLength (int32): the header fields before what `length` counts. */
export const BATCH_LOG_OVERHEAD = 12;
/** The header of a magic-2 batch, up to its records. */
const BATCH_HEADER_BYTES = 61;
const MAGIC = 2;

/** One record of a batch, reduced to what is measured. */
export interface RecordEntry {
  offset: bigint;
  /** Epoch milliseconds: the batch's log-append time, or the record's create time. */
  timestamp: number;
  /** keyHash() of the key; null for a record without one. */
  keyHash: number | null;
  /** Bytes of the key (0 without one), the value, and the header keys and values. */
  keyBytes: number;
  valueBytes: number;
  headerBytes: number;
}

/** A batch's header, and its records section still as bytes (compressed as it came). */
export interface RawBatch {
  baseOffset: bigint;
  /** Bytes the batch takes in the log, its header and compression included. */
  sizeBytes: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  recordCount: number;
  body: Uint8Array;
}

/**
 * The whole batches of a partition's records section, in log order. A batch cut off by the
 * response's size limit is left out, as brokers may end a response inside one; so is anything
 * after a batch of another magic (an old message format this tool does not read).
 */
export function splitBatches(bytes: Uint8Array): RawBatch[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const batches: RawBatch[] = [];
  let at = 0;
  while (bytes.byteLength - at >= BATCH_HEADER_BYTES) {
    const length = view.getInt32(at + 8);
    const end = at + BATCH_LOG_OVERHEAD + length;
    if (end > bytes.byteLength || view.getInt8(at + 16) !== MAGIC) break;
    batches.push({
      baseOffset: view.getBigInt64(at),
      sizeBytes: BATCH_LOG_OVERHEAD + length,
      attributes: view.getInt16(at + 21),
      lastOffsetDelta: view.getInt32(at + 23),
      baseTimestamp: Number(view.getBigInt64(at + 27)),
      maxTimestamp: Number(view.getBigInt64(at + 35)),
      recordCount: view.getInt32(at + 57),
      body: bytes.subarray(at + BATCH_HEADER_BYTES, end),
    });
    at = end;
  }
  return batches;
}

/** What a batch's records add up to, and those at or after `from`. */
export interface BatchRecords {
  /** Σ key, value and header bytes of every record of the batch. */
  payloadBytes: number;
  /** Records of the batch that carry a key. */
  keyedRecords: number;
  /** Records that could be read: fewer than the header says only for a damaged batch. */
  count: number;
  records: RecordEntry[];
}

const CODEC_MASK = 0x07;
const LOG_APPEND_TIME = 0x08;

/** Reads the records of `batch`, keeping the entries of those at or after offset `from`. */
export function readRecords(batch: RawBatch, from: bigint): BatchRecords {
  const codec = batch.attributes & CODEC_MASK;
  const bytes = codec === 0 ? batch.body : inflate(codec, batch.body);
  const out: BatchRecords = { payloadBytes: 0, keyedRecords: 0, count: 0, records: [] };
  const appendTime = (batch.attributes & LOG_APPEND_TIME) !== 0;
  const cursor = new Cursor(bytes);
  // Offsets before `from` are only counted: compare deltas, not BigInts, for each record.
  const skipBelow = from > batch.baseOffset ? Number(from - batch.baseOffset) : 0;
  for (let i = 0; i < batch.recordCount; i++) {
    const length = cursor.varint();
    const end = cursor.at + length;
    cursor.at++; // attributes (unused)
    const timestampDelta = cursor.varint();
    const offsetDelta = cursor.varint();
    const keyLength = cursor.varint();
    const keyHash = keyLength < 0 ? null : keyHashOf(bytes, cursor.at, cursor.at + keyLength);
    cursor.skip(Math.max(0, keyLength));
    const valueLength = cursor.varint();
    cursor.skip(Math.max(0, valueLength));
    let headerBytes = 0;
    const headers = cursor.varint();
    for (let h = 0; h < headers; h++) {
      const headerKey = cursor.varint();
      cursor.skip(Math.max(0, headerKey));
      const headerValue = cursor.varint();
      cursor.skip(Math.max(0, headerValue));
      headerBytes += Math.max(0, headerKey) + Math.max(0, headerValue);
    }
    if (cursor.at !== end) throw new Error("a record's length does not match its fields");
    const keyBytes = Math.max(0, keyLength);
    const valueBytes = Math.max(0, valueLength);
    out.count++;
    out.payloadBytes += keyBytes + valueBytes + headerBytes;
    if (keyHash !== null) out.keyedRecords++;
    if (offsetDelta < skipBelow) continue;
    out.records.push({
      offset: batch.baseOffset + BigInt(offsetDelta),
      timestamp: appendTime ? batch.maxTimestamp : batch.baseTimestamp + timestampDelta,
      keyHash,
      keyBytes,
      valueBytes,
      headerBytes,
    });
  }
  return out;
}

function inflate(codec: number, body: Uint8Array): Uint8Array {
  const algorithm = kafka.compressionsAlgorithmsByBitmask[codec];
  if (!algorithm) throw new Error(`a record batch uses an unknown compression (${codec})`);
  return algorithm.decompressSync(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
}

/** A position in bytes, with Kafka's zigzag varints read as numbers. */
class Cursor {
  at = 0;
  constructor(private readonly bytes: Uint8Array) {}

  /** A zigzag varint or varlong; exact up to 2^53, far beyond any length or delta. */
  varint(): number {
    let n = 0;
    let scale = 1;
    let byte: number;
    do {
      if (this.at >= this.bytes.length) throw new Error("a record batch ends inside a record");
      byte = this.bytes[this.at++]!;
      n += (byte & 0x7f) * scale;
      scale *= 128;
    } while (byte & 0x80);
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }

  skip(bytes: number): void {
    this.at += bytes;
    if (this.at > this.bytes.length) throw new Error("a record batch ends inside a record");
  }
}
