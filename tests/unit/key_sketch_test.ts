// The distinct-key sketch: exact enough for the small counts `few_keys` compares with a
// partition count, within a few percent for large ones, duplicates counted once, and merge
// equal to adding everything to one sketch.
import { assert, assertEquals } from "../assert.ts";
import { KeySketch } from "../../src/kafka/key_sketch.ts";

const enc = new TextEncoder();
const key = (i: number) => enc.encode(`customer-${i}`);

function sketchOf(from: number, to: number, repeat = 1): KeySketch {
  const s = new KeySketch();
  for (let r = 0; r < repeat; r++) for (let i = from; i < to; i++) s.add(key(i));
  return s;
}

Deno.test("KeySketch: nothing added is 0; one key added many times is 1", () => {
  assertEquals(new KeySketch().estimate(), 0);
  const s = new KeySketch();
  for (let i = 0; i < 1000; i++) s.add(enc.encode("the-only-key"));
  assertEquals(s.estimate(), 1);
});

Deno.test("KeySketch: small counts (what few_keys compares with partitions) are exact", () => {
  for (const n of [2, 3, 5, 6, 12, 50, 100, 2_000]) {
    const got = sketchOf(0, n, 7).estimate();
    assertEquals(got, n, `${n} keys`);
  }
});

Deno.test("KeySketch: large counts within 5 % (standard error 1.6 %)", () => {
  for (const n of [2_100, 5_000, 20_000, 200_000]) {
    const got = sketchOf(0, n).estimate();
    assert(Math.abs(got - n) / n < 0.05, `${n} keys estimated as ${got}`);
  }
});

Deno.test("KeySketch: merge equals one sketch of both; overlapping keys count once", () => {
  const a = sketchOf(0, 3_000);
  const b = sketchOf(2_000, 6_000);
  a.merge(b);
  assertEquals(a.estimate(), sketchOf(0, 6_000).estimate());
});

Deno.test("KeySketch: merges of few and many keys equal one sketch of all of them", () => {
  // Few keys are kept as hashes, many in registers made from them: every mix merges alike.
  const cases: [number, number, number, number][] = [
    [0, 1_500, 1_000, 2_600], // two sparse sketches that together pass the sparse limit
    [0, 100, 50, 5_000], // sparse into dense
    [0, 5_000, 4_900, 5_100], // dense into sparse
    [0, 10, 5, 20], // sparse stays sparse: exact
  ];
  for (const [a0, a1, b0, b1] of cases) {
    const a = sketchOf(a0, a1);
    a.merge(sketchOf(b0, b1));
    const all = sketchOf(Math.min(a0, b0), Math.max(a1, b1));
    assertEquals(a.estimate(), all.estimate(), `[${a0}, ${a1}) + [${b0}, ${b1})`);
    // Adding after a merge goes where the merge left the sketch.
    a.add(key(1_000_000));
    all.add(key(1_000_000));
    assertEquals(a.estimate(), all.estimate(), `then one more key`);
  }
});

Deno.test("KeySketch: empty and binary keys are keys", () => {
  const s = new KeySketch();
  s.add(new Uint8Array());
  s.add(new Uint8Array([0]));
  s.add(new Uint8Array([0, 0]));
  s.add(new Uint8Array([255, 0, 1]));
  assertEquals(s.estimate(), 4);
});
