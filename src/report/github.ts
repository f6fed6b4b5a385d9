// What a GitHub Actions step gets from a run: outputs (report paths, topics_to_increase,
// partitions_to_add) in GITHUB_OUTPUT's `name<<delimiter` form, and a Markdown job summary
// with the topics that need more partitions. Pure renderers; cli/github_env.ts appends
// them to the files the runner names.
import type { TopicResult } from "../model/analyze.ts";
import { partitionRange } from "./_format.ts";
import { humanBytesPerSecond } from "./human_units.ts";
import type { ClusterReport } from "./types.ts";

export interface RunForGithub {
  reports: { report: ClusterReport; files: string[] }[];
}

export interface GithubOutputs {
  report_paths: string;
  json_reports: string;
  topics_to_increase: string;
  partitions_to_add: string;
  clusters_failed: string;
}

export function githubOutputs(run: RunForGithub): GithubOutputs {
  const files = run.reports.flatMap((r) => r.files);
  const active = run.reports.flatMap((r) => r.report.topics);
  return {
    report_paths: files.join("\n"),
    json_reports: files.filter((f) => f.endsWith(".json")).join("\n"),
    topics_to_increase: String(active.filter((t) => t.action === "increase").length),
    partitions_to_add: String(
      run.reports.reduce((n, r) => n + r.report.summary.partitionsToAdd, 0),
    ),
    clusters_failed: String(run.reports.filter((r) => r.report.error !== null).length),
  };
}

/** `name<<DELIM` blocks, safe for multi-line values (the delimiter is random). */
export function renderGithubOutputs(outputs: GithubOutputs, delimiter: string): string {
  return Object.entries(outputs)
    .map(([name, value]) => `${name}<<${delimiter}\n${value}\n${delimiter}\n`)
    .join("");
}

export function renderStepSummary(run: RunForGithub): string {
  const lines = ["## Kafka partition recommendations", ""];
  for (const { report } of run.reports) {
    const s = report.summary;
    lines.push(`### ${code(report.clusterId)}`, "");
    if (report.error !== null) {
      lines.push(`The cluster could not be analysed: ${escapeCell(report.error)}`, "");
      continue;
    }
    lines.push(
      `${s.totalTopics} topics analysed: **${s.topicsToIncrease} need more partitions** ` +
        `(${s.partitionsToAdd} to add), ${s.errorTopicCount} failed.`,
      "",
    );
    const increase = report.topics.filter((t) => t.action === "increase")
      .sort((a, b) =>
        (b.recommendedPartitions ?? 0) - b.partitions -
        ((a.recommendedPartitions ?? 0) - a.partitions)
      );
    if (increase.length === 0) continue;
    lines.push("| Topic | Partitions | Peak | Warnings |", "| --- | --- | ---: | --- |");
    for (const t of increase) lines.push(row(t));
    lines.push("");
  }
  return lines.join("\n") + "\n";
}

function row(t: TopicResult): string {
  // For a person: the unit chosen per value, 3 significant digits (human_units.ts).
  const peak = t.peakBytesPerSecond === null ? "" : humanBytesPerSecond(t.peakBytesPerSecond);
  return `| ${code(t.topicName)} | ${t.partitions} → ${t.recommendedPartitions}${
    partitionRange(t)
  } | ${peak} | ${t.warnings.join(", ")} |`;
}

function code(text: string): string {
  return `\`${text.replaceAll("`", "'").replaceAll("|", "\\|")}\``;
}

function escapeCell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}
