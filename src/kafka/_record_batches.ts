// Reads Kafka record batches (magic 2, the format of Kafka 0.11 on) from the bytes of a Fetch
// response, keeping of each record only what the sampling source uses: its offset, its
// timestamp, a hash of its key and its sizes, in columns (one typed array per field for all
// the records of a partition's answer) rather than an object per record. Written here rather
// than taken from the Kafka client: the client decodes every record into an object holding
// its key and value as Buffers, its timestamp delta as a BigInt and its headers as arrays.
// Reading 60,000 light partitions whole (bench case g), most of them a record per batch,
// that garbage kept V8's collector busy for most of a worker's CPU; so did an object per
// record of our own. Compressed batches are inflated with the client's own codecs.
import { Buffer } from "node:buffer";
import { kafka } from "../deps/kafka.ts";
import { keyHashOf } from "./key_sketch.ts";

/** baseOffset (int64) and batchLength (int32): the header fields before what `length` counts. */
export const BATCH_LOG_OVERHEAD = 12;
/** The header of a magic-2 batch, up to its records. */
const BATCH_HEADER_BYTES = 61;
const MAGIC = 2;
/** The fewest bytes a record takes: seven one-byte varints (length to header count). */
const MIN_RECORD_BYTES = 7;

export type Codec = "none" | "gzip" | "snappy" | "lz4" | "zstd";
const CODECS: Codec[] = ["none", "gzip", "snappy", "lz4", "zstd"];
const CODEC_MASK = 0x07;
const LOG_APPEND_TIME = 0x08;
const CONTROL = 0x20;

/** keyHashes' value for a record without a key. */
export const NO_KEY = -1;

/**
 * The records of a partition's answer, a row each, in log order, column by column. Offsets
 * and timestamps are numbers: exact up to 2^53, which no offset of a real log approaches (a
 * batch beyond it is an error; a timestamp beyond it, in nanoseconds, is rounded).
 */
export interface RecordColumns {
  /** Rows filled; the arrays may be longer. */
  length: number;
  offsets: Float64Array;
  /** Epoch milliseconds: the batch's log-append time, or the record's create time. */
  timestamps: Float64Array;
  /** keyHash() of the key (key_sketch.ts); NO_KEY for a record without one. */
  keyHashes: Float64Array;
  /** Bytes of the key (0 without one), the value, and the header keys and values. */
  keyBytes: Uint32Array;
  valueBytes: Uint32Array;
  headerBytes: Uint32Array;
}

export interface FetchedBatch {
  baseOffset: number;
  /** Offset after the batch's last offset: where the next fetch starts. */
  nextOffset: number;
  /** Bytes the batch takes in the log (and on the wire), header and compression included. */
  sizeBytes: number;
  /** Records the batch holds (compaction may have removed some of its offsets). */
  recordCount: number;
  codec: Codec;
  /**
   * A control batch (a transaction marker): no user record, but its offset and timestamp
   * are part of the log that ListOffsets by timestamp searches.
   */
  control: boolean;
  /** Σ key + value + header bytes of every record of the batch (uncompressed). */
  payloadBytes: number;
  /** Records of the batch that carry a key. */
  keyedRecords: number;
  /** Its records at or after the requested offset: rows [firstRow, endRow) of the columns. */
  firstRow: number;
  endRow: number;
}

/** A partition's answer: its whole batches, and their records at or after the asked offset. */
export interface ReadBatches {
  batches: FetchedBatch[];
  records: RecordColumns;
}

/** The columns of an answer without records; appendRecord() never writes to them. */
const NO_RECORDS: RecordColumns = Object.freeze({
  length: 0,
  offsets: new Float64Array(0),
  timestamps: new Float64Array(0),
  keyHashes: new Float64Array(0),
  keyBytes: new Uint32Array(0),
  valueBytes: new Uint32Array(0),
  headerBytes: new Uint32Array(0),
});

/** Columns with room for `capacity` rows, all in one buffer. */
export function recordColumns(capacity: number): RecordColumns {
  if (capacity === 0) return NO_RECORDS;
  const buffer = new ArrayBuffer(capacity * (3 * 8 + 3 * 4));
  const float = (i: number) => new Float64Array(buffer, i * 8 * capacity, capacity);
  const uint = (i: number) => new Uint32Array(buffer, (24 + i * 4) * capacity, capacity);
  return {
    length: 0,
    offsets: float(0),
    timestamps: float(1),
    keyHashes: float(2),
    keyBytes: uint(0),
    valueBytes: uint(1),
    headerBytes: uint(2),
  };
}

/** Adds a row, moving the columns to twice the room when they are full. */
export function appendRecord(
  columns: RecordColumns,
  offset: number,
  timestamp: number,
  keyHash: number,
  keyBytes: number,
  valueBytes: number,
  headerBytes: number,
): RecordColumns {
  let c = columns;
  if (c.length === c.offsets.length) {
    c = recordColumns(Math.max(16, 2 * c.length));
    for (const k of ["offsets", "timestamps", "keyHashes"] as const) c[k].set(columns[k]);
    for (const k of ["keyBytes", "valueBytes", "headerBytes"] as const) c[k].set(columns[k]);
    c.length = columns.length;
  }
  const row = c.length++;
  c.offsets[row] = offset;
  c.timestamps[row] = timestamp;
  c.keyHashes[row] = keyHash;
  c.keyBytes[row] = keyBytes;
  c.valueBytes[row] = valueBytes;
  c.headerBytes[row] = headerBytes;
  return c;
}

/**
 * A batch from its header's fields, with no record counted yet: whichever reader reads its
 * records (ours or the Kafka client's) adds them up in it.
 */
export function newBatch(
  baseOffset: number,
  sizeBytes: number,
  attributes: number,
  lastOffsetDelta: number,
  firstRow: number,
): FetchedBatch {
  return {
    baseOffset,
    nextOffset: baseOffset + lastOffsetDelta + 1,
    sizeBytes,
    recordCount: 0,
    codec: CODECS[attributes & CODEC_MASK] ?? "none",
    control: (attributes & CONTROL) !== 0,
    payloadBytes: 0,
    keyedRecords: 0,
    firstRow,
    endRow: firstRow,
  };
}

/** Adds a record's sizes to its batch's totals. */
export function countRecord(batch: FetchedBatch, payloadBytes: number, keyed: boolean): void {
  batch.recordCount++;
  batch.payloadBytes += payloadBytes;
  if (keyed) batch.keyedRecords++;
}

const OFFSET_PAST_2_53 = "a record batch holds an offset beyond 2^53";

/**
 * An offset as a number, or an error past 2^53 (where a number stops being exact). Read as two
 * halves: a BigInt per batch is what this reader avoids.
 */
function offsetAt(view: DataView, at: number): number {
  const high = view.getInt32(at);
  if (high >= 0x200000 || high < -0x200000) throw new Error(OFFSET_PAST_2_53);
  return high * 0x1_0000_0000 + view.getUint32(at + 4);
}

/** The Kafka client's offset as a number, by the same rule. */
export function exactOffset(offset: bigint): number {
  if (offset > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(OFFSET_PAST_2_53);
  return Number(offset);
}

/**
 * A timestamp as a number: exact up to 2^53 ms, rounded past it. Producers that write
 * nanoseconds (about 1.7e18) exist and brokers take them; such a record must not fail the
 * answer it came in, and it is far past any window this tool reads anyway.
 */
function timestampAt(view: DataView, at: number): number {
  return view.getInt32(at) * 0x1_0000_0000 + view.getUint32(at + 4);
}

/** Where the whole batch at `at` ends, or -1 when none starts there. */
function batchEnd(view: DataView, at: number): number {
  if (view.byteLength - at < BATCH_HEADER_BYTES) return -1;
  const end = at + BATCH_LOG_OVERHEAD + view.getInt32(at + 8);
  return end > view.byteLength || view.getInt8(at + 16) !== MAGIC ? -1 : end;
}

/**
 * The whole batches of a partition's records section, in log order, with their records at
 * or after offset `from`. A batch cut off by the response's size limit is left out, as
 * brokers may end a response inside one; so is anything after a batch of another magic (an
 * old message format this tool does not read).
 */
export function readBatches(bytes: Uint8Array, from: bigint): ReadBatches {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let rows = 0;
  for (let at = 0, end = batchEnd(view, at); end > 0; at = end, end = batchEnd(view, at)) {
    rows += Math.max(0, view.getInt32(at + 57));
  }
  // A damaged count asks for no more room than the bytes could hold uncompressed.
  let records = recordColumns(Math.min(rows, Math.ceil(bytes.byteLength / MIN_RECORD_BYTES)));
  const batches: FetchedBatch[] = [];
  const cursor = new Cursor();
  const first = Number(from);
  for (let at = 0, end = batchEnd(view, at); end > 0; at = end, end = batchEnd(view, at)) {
    const attributes = view.getInt16(at + 21);
    const batch = newBatch(
      offsetAt(view, at),
      end - at,
      attributes,
      view.getInt32(at + 23),
      records.length,
    );
    const codec = attributes & CODEC_MASK;
    const body = at + BATCH_HEADER_BYTES;
    if (codec === 0) cursor.reset(bytes, body, end);
    else {
      const inflated = inflate(codec, bytes.subarray(body, end));
      cursor.reset(inflated, 0, inflated.length);
    }
    const baseTimestamp = timestampAt(view, at + 27);
    const appendTime = (attributes & LOG_APPEND_TIME) !== 0 ? timestampAt(view, at + 35) : null;
    // Offsets before `from` are only counted: compare deltas, for each record.
    const skipBelow = first - batch.baseOffset;
    const count = view.getInt32(at + 57);
    for (let i = 0; i < count; i++) {
      const length = cursor.varint();
      const recordEnd = cursor.at + length;
      cursor.at++; // attributes (unused)
      const timestampDelta = cursor.varint();
      const offsetDelta = cursor.varint();
      const keyLength = cursor.varint();
      const keyHash = keyLength < 0 ? NO_KEY : cursor.hash(keyLength);
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
      if (cursor.at !== recordEnd) throw new Error("a record's length does not match its fields");
      const keyBytes = Math.max(0, keyLength);
      const valueBytes = Math.max(0, valueLength);
      countRecord(batch, keyBytes + valueBytes + headerBytes, keyHash !== NO_KEY);
      if (offsetDelta < skipBelow) continue;
      records = appendRecord(
        records,
        batch.baseOffset + offsetDelta,
        appendTime ?? baseTimestamp + timestampDelta,
        keyHash,
        keyBytes,
        valueBytes,
        headerBytes,
      );
    }
    batch.endRow = records.length;
    batches.push(batch);
  }
  return { batches, records };
}

function inflate(codec: number, body: Uint8Array): Uint8Array {
  const algorithm = kafka.compressionsAlgorithmsByBitmask[codec];
  if (!algorithm) throw new Error(`a record batch uses an unknown compression (${codec})`);
  return algorithm.decompressSync(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
}

/** A position in one batch's records, bytes[at, end), with zigzag varints read as numbers. */
class Cursor {
  at = 0;
  #end = 0;
  #bytes: Uint8Array = new Uint8Array(0);

  reset(bytes: Uint8Array, at: number, end: number): void {
    this.#bytes = bytes;
    this.at = at;
    this.#end = end;
  }

  /** A zigzag varint or varlong; exact up to 2^53, far beyond any length or delta. */
  varint(): number {
    let n = 0;
    let scale = 1;
    let byte: number;
    do {
      if (this.at >= this.#end) throw new Error("a record batch ends inside a record");
      byte = this.#bytes[this.at++]!;
      n += (byte & 0x7f) * scale;
      scale *= 128;
    } while (byte & 0x80);
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }

  /** keyHash() of the next `length` bytes, read where they lie. */
  hash(length: number): number {
    if (this.at + length > this.#end) {
      throw new Error("a record batch ends inside a record");
    }
    return keyHashOf(this.#bytes, this.at, this.at + length);
  }

  skip(bytes: number): void {
    this.at += bytes;
    if (this.at > this.#end) throw new Error("a record batch ends inside a record");
  }
}
