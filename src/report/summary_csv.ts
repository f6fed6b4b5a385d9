// The per-cluster summary report: `stat,value` rows in summaryStats' order (the reference's
// statistics, then ours). Pure: a report in, CSV text out.

import { summaryStats } from "../model/mod.ts";
import type { StatValue } from "../model/mod.ts";
import { csvDocument, textCell } from "./_csv.ts";
import { plainNumber } from "./_format.ts";
import type { ClusterReport } from "./types.ts";

/**
 * The summary rows; a cluster that could not be analysed gets a last `error` row, so the
 * file says why its counts are zero.
 */
export function renderSummaryCsv(report: ClusterReport): string {
  const rows = summaryStats(report.summary, report.run).map(({ stat, value }) => [
    stat,
    statCell(value),
  ]);
  if (report.error !== null) rows.push(["error", textCell(report.error)]);
  return csvDocument(["stat", "value"], rows);
}

/** Booleans as the Python reference printed them (True/False), like its "None". */
function statCell(value: StatValue): string {
  switch (typeof value) {
    case "number":
      return plainNumber(value);
    case "boolean":
      return value ? "True" : "False";
    default:
      return textCell(value);
  }
}
