// Numbers as a person reads them: sizes and rates in binary units (B, KiB, MiB, ...) and counts
// with SI prefixes (k, M, G, ...), the unit chosen per value and three significant digits, so a
// column of very different magnitudes stays short and comparable. For people only (the HTML
// report, logs, Markdown); machine-readable reports keep exact bytes. Pure.

const BYTE_UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"] as const;
const COUNT_PREFIXES = ["", "k", "M", "G", "T", "P", "E"] as const;

/** `n` bytes, e.g. 512 B, 1.50 KiB, 123 MiB (1 KiB = 1024 B). */
export function humanBytes(n: number): string {
  return scaled(n, 1024, BYTE_UNITS, " ");
}

/** `n` bytes per second, e.g. 0.500 B/s, 10.0 MiB/s (1 MiB/s = 1,048,576 B/s). */
export function humanBytesPerSecond(n: number): string {
  const text = humanBytes(n);
  return text === NOT_A_NUMBER ? text : `${text}/s`;
}

/** A count (records, records per second), e.g. 999, 1.23k, 45.6M (1k = 1000). */
export function humanCount(n: number): string {
  return scaled(n, 1000, COUNT_PREFIXES, "");
}

/** What NaN and ±Infinity print as: there is no amount to show. */
const NOT_A_NUMBER = "n/a";

/**
 * `n` in the largest unit it reaches at least 1 of, to 3 significant digits. Whole numbers below
 * the first step print exactly (7 B, not 7.00 B), and a value whose rounding reaches the next
 * unit moves up (1023.9 B is 1.00 KiB, never 1024 B).
 */
function scaled(n: number, step: number, units: readonly string[], space: string): string {
  if (!Number.isFinite(n)) return NOT_A_NUMBER;
  if (n < 0) return `-${scaled(-n, step, units, space)}`;
  if (Number.isInteger(n) && n < Math.min(step, 1000)) return `${n}${space}${units[0]}`;
  let u = 0;
  let v = n;
  while (v >= step && u < units.length - 1) {
    v /= step;
    u++;
  }
  let digits = significant(v);
  if (Number(digits) >= step && u < units.length - 1) {
    u++;
    digits = significant(v / step);
  }
  return `${digits}${space}${units[u]}`;
}

/**
 * Three significant digits without exponent notation: 0.00123, 1.23, 12.3, 123; at 1000 and
 * above (only 1000–1023 of a binary unit get there) the whole number.
 */
function significant(v: number): string {
  if (v === 0) return "0";
  const rounded = Number(v.toPrecision(3));
  if (rounded >= 1000) return Math.round(v).toFixed(0);
  const decimals = Math.max(0, 2 - Math.floor(Math.log10(rounded)));
  return rounded.toFixed(decimals);
}
