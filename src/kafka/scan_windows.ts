// Reads light partitions' windows record by record to answer their hour boundaries (see
// boundary_scan.ts): one sessionless Fetch per leader carries many partitions, in rounds
// until every partition is answered. A partition whose read fails, stalls on a batch larger
// than a round's share, or would read more than its byte budget is left with open
// boundaries, which the caller then looks up with ListOffsets: scanning only ever saves work.
// A partition read to the window's end has had every batch of its window read: its totals
// are a census of its log bytes per record, which the sampling source uses instead of a
// sample.
import { KeySketch } from "./key_sketch.ts";
import { inLanes } from "../in_lanes.ts";
import {
  type BoundaryScan,
  finishScan,
  isOpen,
  keepRecord,
  takeRecord,
  type TimedOffsets,
  timedOffsets,
} from "./boundary_scan.ts";
import { type FetchClient, fetchFromLeader, NO_KEY, type PartitionFetchResult } from "./fetch.ts";
import { groupByLeader, type LeaderPartition, type Progress } from "./types.ts";

export interface WindowScan {
  partition: LeaderPartition;
  scan: BoundaryScan;
  /** Set once every batch of the window was read: what they held. */
  whole?: ReadTotals;
}

/** Every batch overlapping a partition's window, summed. */
export interface ReadTotals {
  /** Log bytes, headers and compression included. */
  bytes: number;
  records: number;
  /** Key + value + header bytes of those records, and how many carry a key. */
  payloadBytes: number;
  keyedRecords: number;
  /** The distinct keys among them. */
  keys: KeySketch;
  batches: number;
  /**
   * Each record's offset and timestamp, from the window's start to its end: what answers
   * other boundaries in the window (the busiest minutes) without reading it again.
   */
  timed: TimedOffsets;
}

export interface ScanLimits {
  /** Bytes one partition may return per round; grows for a batch that does not fit. */
  fetchBytes: number;
  /** Bytes one Fetch response may carry (it also bounds the partitions per request). */
  responseBytes: number;
  /** Bytes a partition's whole window may take before looking up is cheaper. */
  maxBytes: number;
}

/** The most one partition's round grows to, for one large batch. */
const GROWN_FETCH_BYTES = 1024 * 1024;

/**
 * A light partition's week fits in a few rounds; one that turns out heavier costs at most one
 * round's read before it is looked up instead. 256 KiB stays small over a WAN link too: what
 * ListOffsets moves for 167 boundaries is about 7 KiB.
 */
export const DEFAULT_SCAN_LIMITS: ScanLimits = {
  fetchBytes: 32 * 1024,
  responseBytes: 4 * 1024 * 1024,
  maxBytes: 256 * 1024,
};

interface Reading extends WindowScan {
  /** The caller's scan, which gets `whole`. */
  target: WindowScan;
  cursor: bigint;
  totals: ReadTotals;
  /** Bytes read so far. */
  bytes: number;
  /** Bytes this partition asks for per round. */
  fetchBytes: number;
  active: boolean;
}

/** Advances every scan as far as reading takes it; open boundaries remain for the caller. */
export async function scanWindows(
  client: FetchClient,
  scans: readonly WindowScan[],
  limits: ScanLimits = DEFAULT_SCAN_LIMITS,
  progress?: Progress,
): Promise<void> {
  const readings: Reading[] = scans.filter((s) => isOpen(s.scan)).map((s) => ({
    ...s,
    target: s,
    totals: {
      bytes: 0,
      records: 0,
      payloadBytes: 0,
      keyedRecords: 0,
      keys: new KeySketch(),
      batches: 0,
      timed: timedOffsets(),
    },
    cursor: s.scan.offsets[0]!,
    bytes: 0,
    fetchBytes: limits.fetchBytes,
    active: true,
  }));
  for (;;) {
    const active = readings.filter((r) => r.active);
    if (active.length === 0) return;
    const requests = groupByLeader(active, (r) => r.partition.leader)
      .flatMap((group) => packed(group, limits.responseBytes));
    // Two requests in flight: the broker stays busy and at most two responses are held.
    await inLanes(requests, 2, async (group) => {
      await readRound(client, group, limits);
      progress?.(readings.filter((r) => !r.active).length / readings.length);
    });
  }
}

/**
 * Requests whose partitions' shares fit in one response: a partition past the response's
 * limit would come back cut, which reads like a batch too large for its share.
 */
function packed(group: readonly Reading[], responseBytes: number): Reading[][] {
  const requests: Reading[][] = [];
  let current: Reading[] = [];
  let bytes = 0;
  for (const r of group) {
    if (current.length > 0 && bytes + r.fetchBytes > responseBytes) {
      requests.push(current);
      current = [];
      bytes = 0;
    }
    current.push(r);
    bytes += r.fetchBytes;
  }
  if (current.length > 0) requests.push(current);
  return requests;
}

async function readRound(client: FetchClient, group: Reading[], limits: ScanLimits) {
  let results: (PartitionFetchResult | undefined)[];
  try {
    results = await fetchFromLeader(
      client,
      group[0]!.partition.leader,
      group.map((r) => ({
        topic: r.partition.topic,
        topicId: r.partition.topicId,
        partition: r.partition.partition,
        offset: r.cursor,
        maxBytes: r.fetchBytes,
      })),
      { maxBytes: Math.max(limits.responseBytes, ...group.map((r) => r.fetchBytes)) },
    );
  } catch {
    for (const r of group) r.active = false;
    return;
  }
  group.forEach((r, i) => absorb(r, results[i], limits));
}

function absorb(r: Reading, result: PartitionFetchResult | undefined, limits: ScanLimits) {
  // An error (retention moved the log start): its boundaries are looked up instead.
  if (!result || result.errorCode !== 0) {
    r.active = false;
    return;
  }
  // No whole batch fitted in this partition's share: ask again with room for a larger one,
  // up to a limit past which looking up is the cheaper way on.
  if (result.batches.length === 0) {
    const grown = Math.min(Math.max(r.fetchBytes * 4, 1), GROWN_FETCH_BYTES, limits.maxBytes);
    if (grown > r.fetchBytes) r.fetchBytes = grown;
    else r.active = false;
    return;
  }
  const { offsets, timestamps, keyHashes } = result.records;
  const end = Number(r.scan.end);
  for (const b of result.batches) {
    for (let row = b.firstRow; row < b.endRow; row++) {
      takeRecord(r.scan, offsets[row]!, timestamps[row]!);
      if (offsets[row]! < end) {
        r.totals.timed = keepRecord(r.totals.timed, offsets[row]!, timestamps[row]!);
      }
    }
    r.bytes += b.sizeBytes;
    if (b.baseOffset < end) {
      r.totals.bytes += b.sizeBytes;
      r.totals.records += b.recordCount;
      r.totals.payloadBytes += b.payloadBytes;
      r.totals.keyedRecords += b.keyedRecords;
      for (let row = b.firstRow; row < b.endRow; row++) {
        if (keyHashes[row]! !== NO_KEY) r.totals.keys.addHash(keyHashes[row]!);
      }
      r.totals.batches++;
    }
  }
  r.cursor = BigInt(result.batches.at(-1)!.nextOffset);
  if (r.cursor >= r.scan.end) {
    finishScan(r.scan);
    r.target.whole = r.totals;
    r.active = false;
    return;
  }
  // Answered before the end: reading on to it (less than an hour of a light partition) makes
  // the census.
  const start = r.scan.offsets[0]!;
  const expected = r.bytes * Number(r.scan.end - start) / Math.max(1, Number(r.cursor - start));
  if (expected > limits.maxBytes) r.active = false;
}
