// Our record-batch reader against the Kafka client's decoder and against what was written:
// batches written by the client's own writer, in every codec, with null, empty and long keys,
// headers, out-of-order timestamps, log-append time, a batch cut off at the end, and records
// before the requested offset. Each record must come out with the offset, timestamp, key hash
// and sizes the client's decoder gives (fetch.ts reduces both to the same columns), and each
// batch with the same size and count.
import { Buffer } from "node:buffer";
import { assert, assertEquals, assertThrows } from "../assert.ts";
import { kafka } from "../../src/deps/kafka.ts";
import {
  appendRecord,
  NO_KEY,
  readBatches,
  type RecordColumns,
  recordColumns,
} from "../../src/kafka/_record_batches.ts";
import { fromClient } from "../../src/kafka/fetch.ts";
import { keyHash } from "../../src/kafka/key_sketch.ts";

const T0 = 1_796_000_000_000n;
const enc = new TextEncoder();
const bytes = (s: string) => Buffer.from(enc.encode(s));

function messages(n: number, seed: number): kafka.MessageRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    topic: "t",
    // null, empty and long keys; timestamps that go back as well as forward.
    ...(i % 3 === 0 ? {} : { key: bytes(i % 3 === 1 ? "" : `key-${seed}-${i}`.repeat(i)) }),
    value: bytes(`{"i":${i},"pad":"${"x".repeat((i * 37 + seed) % 300)}"}`),
    ...(i % 2 === 0
      ? { headers: new Map([[bytes("trace"), bytes(`id-${i}`)], [bytes("empty"), bytes("")]]) }
      : {}),
    timestamp: T0 + BigInt(((i * 7919 + seed) % 5000) - 2500),
  }));
}

/** A batch as the client writes it, with its base offset set and optionally log-append time. */
function batch(
  compression: kafka.CompressionAlgorithmValue,
  baseOffset: bigint,
  records: kafka.MessageRecord[],
  logAppendTime = false,
): Buffer {
  const written = kafka.createRecordsBatch(records, {
    compression,
    producerId: -1n,
    producerEpoch: -1,
    partitionLeaderEpoch: 0,
  }).buffer;
  const out = Buffer.from(written);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setBigInt64(0, baseOffset);
  if (logAppendTime) view.setInt16(21, view.getInt16(21) | 0x08);
  return out;
}

const CODECS: kafka.CompressionAlgorithmValue[] = ["none", "gzip", "snappy", "lz4", "zstd"];

for (const codec of CODECS) {
  Deno.test(`record batches (${codec}): the same records as the Kafka client decodes`, () => {
    const first = batch(codec, 1000n, messages(25, 1));
    const second = batch(codec, 1025n, messages(9, 2), true);
    const third = batch(codec, 1034n, messages(4, 3));
    // A response may end inside a batch: the third is cut short and must be left out.
    const all = Buffer.concat([first, second, third.subarray(0, third.length - 5)]);
    const ours = readBatches(all, 1007n);
    // The Kafka client's decoder (what Fetch below v12 still uses), reduced the same way.
    const theirs = fromClient(kafka.readRecordsBatches(kafka.Reader.from(all)), 1007n);
    assertEquals(ours.batches.length, 2);
    assertEquals(ours.batches, theirs.batches);
    assertEquals(rows(ours.records), rows(theirs.records));
    // And against what was written: records before the requested offset are counted, not
    // kept; each kept one has its message's timestamp, key hash and value size.
    const written = messages(25, 1);
    const [one, two] = ours.batches;
    assertEquals(one!.recordCount, 25);
    assertEquals([one!.firstRow, one!.endRow], [0, 18]);
    assertEquals([two!.firstRow, two!.endRow], [18, 27]);
    rows(ours.records).slice(0, 18).forEach((r, k) => {
      const m = written[k + 7]!;
      assertEquals(r.offset, 1007 + k);
      assertEquals(r.timestamp, Number(m.timestamp));
      assertEquals(r.keyHash, m.key === undefined ? NO_KEY : keyHash(m.key));
      assertEquals(r.valueBytes, m.value.length);
    });
    // Log-append time: every record of the batch has the batch's max timestamp.
    const max = Math.max(...messages(9, 2).map((m) => Number(m.timestamp)));
    assert(rows(ours.records).slice(18).every((r) => r.timestamp === max));
    assertEquals(one!.codec, codec);
  });
}

Deno.test("record batches: a record whose length disagrees with its fields is an error", () => {
  const good = batch("none", 0n, messages(3, 4));
  const damaged = Buffer.from(good);
  // The first record's length varint (just after the 61-byte header), one too many.
  damaged[61] = damaged[61]! + 2;
  assertThrows(() => readBatches(damaged, 0n));
});

Deno.test("record batches: nothing whole is no batch; a batch of another magic ends the list", () => {
  assertEquals(readBatches(new Uint8Array(0), 0n).batches, []);
  const good = batch("none", 0n, messages(2, 5));
  assertEquals(readBatches(good.subarray(0, 60), 0n).batches, []);
  const old = Buffer.from(good);
  old[16] = 1;
  assertEquals(readBatches(Buffer.concat([good, old]), 0n).batches.length, 1);
});

Deno.test("record batches: an offset past 2^53 is an error, not a rounded number", () => {
  const far = batch("none", 2n ** 53n, messages(1, 6));
  assertThrows(() => readBatches(far, 0n), Error, "2^53");
  const decoded = kafka.readRecordsBatches(kafka.Reader.from(far));
  assertThrows(() => fromClient(decoded, 0n), Error, "2^53");
});

Deno.test("record batches: a timestamp in nanoseconds is read (rounded), not an error", () => {
  const nanos = 1_796_000_000_000_000_000n;
  const written = messages(3, 7).map((m, i) => ({ ...m, timestamp: nanos + BigInt(i) }));
  const read = readBatches(batch("none", 5n, written), 0n);
  assertEquals(read.batches.length, 1);
  assertEquals(read.records.length, 3);
  assertEquals(read.records.timestamps[0], Number(nanos));
  assertEquals([...read.records.offsets.subarray(0, 3)], [5, 6, 7]);
});

Deno.test("record columns: rows added past their room are all kept", () => {
  let columns = recordColumns(2);
  for (let i = 0; i < 40; i++) {
    columns = appendRecord(columns, 100 + i, 5 * i, i % 3 ? i : NO_KEY, 1, i, 2);
  }
  assertEquals(columns.length, 40);
  assertEquals(rows(columns).map((r) => r.offset), Array.from({ length: 40 }, (_, i) => 100 + i));
  assertEquals(rows(columns)[39], {
    offset: 139,
    timestamp: 195,
    keyHash: NO_KEY,
    keyBytes: 1,
    valueBytes: 39,
    headerBytes: 2,
  });
});

/** The filled rows of columns, as objects (to compare and read in a test). */
function rows(c: RecordColumns) {
  return Array.from({ length: c.length }, (_, i) => ({
    offset: c.offsets[i]!,
    timestamp: c.timestamps[i]!,
    keyHash: c.keyHashes[i]!,
    keyBytes: c.keyBytes[i]!,
    valueBytes: c.valueBytes[i]!,
    headerBytes: c.headerBytes[i]!,
  }));
}
