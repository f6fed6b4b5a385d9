// Report file names: the reference tool's pattern, `<cluster_id>-recommender-<epoch
// seconds>-…`, with the cluster id made safe to use as part of a file name.

export interface ReportFileNames {
  detail: string;
  summary: string;
  json: string;
  markdown: string;
  html: string;
  plan: string;
}

/**
 * Keeps [A-Za-z0-9._-] and turns any other character (one "_" per code point) into "_", so an
 * id can never name another directory ("/", "\\") or hold a character some file system
 * refuses, and the name's length in bytes is the id's in characters. Two ids may map to the
 * same name (`a/b`, `a_b`; `A` and `a` where case is ignored): config/ refuses such pairs.
 */
export function safeClusterId(clusterId: string): string {
  return clusterId.replace(/[^A-Za-z0-9._-]/gu, "_") || "_";
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
