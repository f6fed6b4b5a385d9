// The report layer's public API: pure renderers (one per format) and the one writer that
// puts them on disk. Every renderer reads a ClusterReport and nothing else.

export type { ClusterReport, ParameterValue } from "./types.ts";
export { METHOD_LABELS, methodLabel } from "./_format.ts";
export {
  DETAIL_COLUMNS,
  REFERENCE_DETAIL_COLUMNS,
  renderDetailCsv,
  WARNING_SEPARATOR,
} from "./detail_csv.ts";
export { renderSummaryCsv } from "./summary_csv.ts";
export { JSON_SCHEMA_VERSION, renderJson, toJsonReport } from "./json.ts";
export type { JsonHourlyPoint, JsonReport, JsonSummary, JsonTopic } from "./json.ts";
export { renderMarkdown } from "./markdown.ts";
export { NEVER_RUNS, planSection, renderPlan } from "./plan.ts";
export type { PlanOptions } from "./plan.ts";
export { reportFileNames, safeClusterId } from "./files.ts";
export type { ReportFileNames } from "./files.ts";
export { writeClusterReports } from "./writer.ts";
export type { ReportFormat, ReportFs, WriteOptions } from "./writer.ts";
