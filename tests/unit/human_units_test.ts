// humanBytes(), humanBytesPerSecond() and humanCount(): the unit chosen per value, three
// significant digits, and the edges where rounding would print four digits or "1024 KiB".
import { assertEquals } from "../assert.ts";
import { humanBytes, humanBytesPerSecond, humanCount } from "../../src/report/human_units.ts";

const KIB = 1024;
const MIB = 1024 * KIB;
const GIB = 1024 * MIB;

Deno.test("humanBytesPerSecond() picks B/s, KiB/s, MiB/s or GiB/s per value, 3 significant digits", () => {
  const cases: [number, string][] = [
    [0, "0 B/s"],
    [7, "7 B/s"],
    [512, "512 B/s"],
    [0.5, "0.500 B/s"],
    [0.0123456, "0.0123 B/s"],
    [12.345, "12.3 B/s"],
    [999.4, "999 B/s"],
    [1536, "1.50 KiB/s"],
    [10 * MIB, "10.0 MiB/s"],
    [30 * MIB, "30.0 MiB/s"],
    [123.4 * MIB, "123 MiB/s"],
    [1.25 * GIB, "1.25 GiB/s"],
    [3 * 1024 * GIB, "3.00 TiB/s"],
  ];
  for (const [n, text] of cases) assertEquals(humanBytesPerSecond(n), text, `${n}`);
});

Deno.test("humanBytes() moves up a unit where rounding reaches 1024 and never prints 1024 of one", () => {
  assertEquals(humanBytes(1023), "1023 B");
  assertEquals(humanBytes(1023.7), "1.00 KiB");
  assertEquals(humanBytes(1000.2), "1000 B");
  assertEquals(humanBytes(KIB), "1.00 KiB");
  assertEquals(humanBytes(1023.9 * KIB), "1.00 MiB");
  assertEquals(humanBytes(9.996 * KIB), "10.0 KiB");
  assertEquals(humanBytes(99.96 * MIB), "100 MiB");
});

Deno.test("humanCount() uses SI prefixes k, M, G; whole numbers under 1000 print exactly", () => {
  const cases: [number, string][] = [
    [0, "0"],
    [42, "42"],
    [999, "999"],
    [999.6, "1.00k"],
    [1000, "1.00k"],
    [1234, "1.23k"],
    [123_456, "123k"],
    [9_999_999, "10.0M"],
    [1.92e9, "1.92G"],
    [0.25, "0.250"],
    [2.0833, "2.08"],
  ];
  for (const [n, text] of cases) assertEquals(humanCount(n), text, `${n}`);
});

Deno.test("negative and non-finite values print a sign or n/a, never NaN or Infinity", () => {
  assertEquals(humanBytesPerSecond(-1536), "-1.50 KiB/s");
  assertEquals(humanCount(-1234), "-1.23k");
  assertEquals(humanBytesPerSecond(Number.NaN), "n/a");
  assertEquals(humanBytes(Number.POSITIVE_INFINITY), "n/a");
  assertEquals(humanCount(Number.NEGATIVE_INFINITY), "n/a");
});
