// The input of every report renderer: one cluster's results plus the run facts the reports
// print beside them. Renderers read only this, so each format shows the same numbers.

import type { ClusterSummary, Method, RunStats, TopicResult } from "../model/mod.ts";

/** One effective setting as reports print it; secrets never appear here. */
export type ParameterValue = string | number | boolean | null | string[];

export interface ClusterReport {
  clusterId: string;
  method: Method;
  /** T0, epoch milliseconds: one instant for the whole run, shared by every cluster. */
  analysisTime: number;
  /** E = floor_to_utc_hour(T0), epoch milliseconds. */
  windowEnd: number;
  /** Effective settings by name, in the order they should be shown; never secrets. */
  parameters: Record<string, ParameterValue>;
  brokerCount: number;
  topics: TopicResult[];
  summary: ClusterSummary;
  /** Run settings and elapsed time for the summary report's rows. */
  run: RunStats;
  /** What the reader should know about the whole cluster (e.g. groups not readable). */
  notes: string[];
  /** Why the cluster as a whole could not be analysed (e.g. unreachable); null when fine. */
  error: string | null;
  /** The cluster failed because a key or password was refused (a configuration problem). */
  credentialsRefused?: boolean;
}
