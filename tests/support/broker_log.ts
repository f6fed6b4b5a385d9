// Ground truth for bytes per record: the record batches in a topic's log segment files in the
// local broker's data folder, divided by the records the log holds (high watermark − log
// start).
//
// A segment file is a sequence of record batches, each `baseOffset` (int64), `length`
// (int32) and `length` more bytes; the batches are read from the files' headers, so a log
// start inside a segment (DeleteRecords, or the seeder's `deleteBefore`) counts only the
// batches from it on: a batch counts when its last offset is at or after the log start.
// Retention can also delete a segment while this looks (a short-retention topic seeded with a
// week of history does, any minute): the broker moves the log start first and renames the
// file afterwards. So the files are read first and the log start read afterwards; a file
// that is gone by the time it is read lies before the log start.
import { join } from "node:path";
import type { TopicProfile } from "../../dev/workload/profile.ts";
import { EARLIEST, type KafkaCluster, LATEST, partitionKey } from "../../src/kafka/cluster.ts";

/** One record batch as a segment file stores it. */
export interface SegmentBatch {
  partition: number;
  baseOffset: bigint;
  lastOffset: bigint;
  /** Bytes in the file: the 12 bytes of offset and length, and `length`. */
  sizeBytes: number;
  /** Records the batch holds (its header's count). */
  records: number;
  codec: "none" | "gzip" | "snappy" | "lz4" | "zstd";
  /** A transaction marker. */
  control: boolean;
}

export interface BrokerLogStats {
  /** Σ bytes of the batches at or after the log start. */
  bytes: number;
  /** High watermark − log start, Σ over partitions. */
  records: number;
  bytesPerRecord: number;
  /** The batches at or after the log start, by partition and offset. */
  batches: SegmentBatch[];
  /** Per partition: the log start offset. */
  logStartOffsets: bigint[];
  /** Segment files per partition holding a batch at or after the log start. */
  segments: number[];
  /**
   * Segment files per partition wholly below the log start, which the broker has not deleted
   * yet (DeleteRecords leaves them to the retention check, every 5 minutes).
   */
  segmentsBelowLogStart: number[];
}

const CODECS = ["none", "gzip", "snappy", "lz4", "zstd"] as const;

/** Every batch of one partition's segment files, with the file's base offset. */
export async function segmentBatches(
  dataDir: string,
  topic: string,
  partition: number,
): Promise<{ file: string; batches: SegmentBatch[] }[]> {
  const dir = join(dataDir, `${topic}-${partition}`);
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) if (e.name.endsWith(".log")) names.push(e.name);
  names.sort();
  const out: { file: string; batches: SegmentBatch[] }[] = [];
  for (const name of names) {
    const bytes = await Deno.readFile(join(dir, name)).catch(() => null);
    if (bytes === null) continue; // deleted by retention meanwhile: before the log start
    out.push({ file: name, batches: parseBatches(bytes, partition) });
  }
  return out;
}

/** Parses a segment file's record batches (magic v2; a torn tail is ignored). */
export function parseBatches(bytes: Uint8Array, partition: number): SegmentBatch[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: SegmentBatch[] = [];
  for (let at = 0; at + 61 <= bytes.length;) {
    const baseOffset = view.getBigInt64(at);
    const length = view.getInt32(at + 8);
    if (length <= 0 || at + 12 + length > bytes.length) break;
    const magic = view.getInt8(at + 16);
    if (magic !== 2) throw new Error(`a batch with magic ${magic} at byte ${at}: only v2 is read`);
    const attributes = view.getInt16(at + 21);
    out.push({
      partition,
      baseOffset,
      lastOffset: baseOffset + BigInt(view.getInt32(at + 23)),
      sizeBytes: 12 + length,
      records: view.getInt32(at + 57),
      codec: CODECS[attributes & 0x07] ?? "none",
      control: (attributes & 0x20) !== 0,
    });
    at += 12 + length;
  }
  return out;
}

/** The topic's log as the broker stores it: bytes, records and batches from the log start on. */
export async function brokerLogStats(
  cluster: KafkaCluster,
  dataDir: string,
  topic: Pick<TopicProfile, "name" | "partitions">,
): Promise<BrokerLogStats> {
  const files = await Promise.all(
    Array.from({ length: topic.partitions }, (_, p) => segmentBatches(dataDir, topic.name, p)),
  );
  const refs = Array.from(
    { length: topic.partitions },
    (_, partition) => ({ topic: topic.name, partition }),
  );
  const [start, end] = await Promise.all([
    cluster.offsetsAt(refs, EARLIEST),
    cluster.offsetsAt(refs, LATEST),
  ]);
  const logStartOffsets = refs.map((r) => start.get(partitionKey(r.topic, r.partition)) ?? 0n);
  const batches: SegmentBatch[] = [];
  const segments: number[] = [];
  const segmentsBelowLogStart: number[] = [];
  files.forEach((list, p) => {
    let used = 0;
    let below = 0;
    for (const { batches: inFile } of list) {
      const kept = inFile.filter((b) => b.lastOffset >= logStartOffsets[p]!);
      if (kept.length > 0) used++;
      else if (inFile.length > 0) below++;
      batches.push(...kept);
    }
    segments.push(used);
    segmentsBelowLogStart.push(below);
  });
  let records = 0n;
  for (const [key, hw] of end) records += hw - (start.get(key) ?? 0n);
  const bytes = batches.reduce((sum, b) => sum + b.sizeBytes, 0);
  return {
    bytes,
    records: Number(records),
    bytesPerRecord: bytes / Number(records),
    batches,
    logStartOffsets,
    segments,
    segmentsBelowLogStart,
  };
}

export async function logBytesPerRecord(
  cluster: KafkaCluster,
  dataDir: string,
  topic: Pick<TopicProfile, "name" | "partitions">,
): Promise<number> {
  return (await brokerLogStats(cluster, dataDir, topic)).bytesPerRecord;
}
