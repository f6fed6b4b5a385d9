// CSV cells and documents for the CSV reports: every text cell passes through textCell, which
// neutralises spreadsheet formulas; numbers are formatted here and are never touched by it.

import { stringifyCsv } from "../deps/csv.ts";
import { fixed } from "./_format.ts";

/**
 * First characters that make a spreadsheet evaluate a cell (OWASP "CSV Injection"), with
 * the full-width forms some spreadsheets normalise to the ASCII ones.
 */
const FORMULA_STARTS = new Set([
  "=",
  "+",
  "-",
  "@",
  "\t",
  "\r",
  "\uFF1D",
  "\uFF0B",
  "\uFF0D",
  "\uFF20",
]);

/** A text cell: "" for null; a leading quote makes a would-be formula plain text. */
export function textCell(value: string | null): string {
  if (value === null) return "";
  return FORMULA_STARTS.has(value.charAt(0)) ? `'${value}` : value;
}

/** A number cell with fixed decimals; "" for null. */
export function numberCell(value: number | null, digits: number): string {
  return value === null ? "" : fixed(value, digits);
}

/**
 * One CSV document, header first, "\n" line ends. Cells arrive as finished strings so the
 * library only quotes and escapes (its own casts would print booleans as "1" and "").
 */
export function csvDocument(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  return stringifyCsv([header, ...rows], { record_delimiter: "unix" });
}
