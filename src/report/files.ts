// Report file names: the reference tool's pattern, `<cluster_id>-recommender-<epoch
// seconds>-…`, with the cluster id made safe to use as part of a file name.
import { safeClusterId } from "../safe_cluster_id.ts";

export { safeClusterId };

export interface ReportFileNames {
  detail: string;
  summary: string;
  json: string;
  markdown: string;
  html: string;
  plan: string;
}

/** The names (not paths) of one cluster's reports; `analysisTime` is epoch milliseconds. */
export function reportFileNames(clusterId: string, analysisTime: number): ReportFileNames {
  const stem = `${safeClusterId(clusterId)}-recommender-${Math.floor(analysisTime / 1000)}`;
  return {
    detail: `${stem}-detail-report.csv`,
    summary: `${stem}-summary-report.csv`,
    json: `${stem}-report.json`,
    markdown: `${stem}-report.md`,
    html: `${stem}-report.html`,
    plan: `${stem}-apply-plan.md`,
  };
}
