// The HTML report: one self-contained page per cluster for people to explore: a summary
// (partitions to add, topics by action and by reason, when and how the cluster was measured),
// a sortable and filterable table of topics with rates in human units, and per topic a chart of
// its hourly traffic against the capacity of its current and recommended partition counts.
// Pure: a report in, HTML text out. No network: inline CSS, a small inline script and inline
// SVG (see _html_assets.ts and _html_chart.ts); every string from the cluster is escaped.

import type { TopicResult } from "../model/mod.ts";
import { isoTime, methodLabel, partitionRange, plainNumber, topicsByName } from "./_format.ts";
import { CONTENT_SECURITY_POLICY, SCRIPT, STYLE } from "./_html_assets.ts";
import { type PartitionLimits, partitionLimits, topicChart, utcMinute } from "./_html_chart.ts";
import { escapeHtml } from "./_html_escape.ts";
import { humanBytes, humanBytesPerSecond, humanCount } from "./human_units.ts";
import { type PlanOptions, planSection } from "./plan.ts";
import type { ClusterReport, ParameterValue } from "./types.ts";

/** What a topic's row says it needs: its action, or its status when it has none. */
export type HtmlAction = "increase" | "keep" | "over_partitioned" | "empty" | "error";

/** The actions in the order the summary and the filter list them. */
export const HTML_ACTIONS: readonly HtmlAction[] = [
  "increase",
  "keep",
  "over_partitioned",
  "empty",
  "error",
];

const ACTION_LABELS: Readonly<Record<HtmlAction, string>> = {
  increase: "increase",
  keep: "keep",
  over_partitioned: "over-partitioned",
  empty: "empty",
  error: "error",
};

/**
 * Topics the table holds at a time; the rest wait in a template (see _html_assets.ts), so a
 * 10,000-topic page lays out like a 500-topic one.
 */
export const TABLE_PAGE = 500;

/** The table's columns: title, whether it sorts as a number, and the cell of a topic. */
interface Column {
  title: string;
  numeric: boolean;
  cell: (t: TopicResult, i: number) => string;
}

const COLUMNS: readonly Column[] = [
  {
    title: "Topic",
    numeric: false,
    cell: (t, i) =>
      `<td><button class="t" type="button" ` +
      `aria-expanded="false" aria-controls="c${i}">${breakable(t.topicName)}</button></td>`,
  },
  {
    title: "Partitions",
    numeric: true,
    cell: (t) => `<td class="num" data-v="${t.partitions}">${t.partitions}</td>`,
  },
  {
    title: "Recommended",
    numeric: true,
    cell: (t) =>
      t.recommendedPartitions === null
        ? naCell()
        : `<td class="num" data-v="${t.recommendedPartitions}">${t.recommendedPartitions}` +
          `${escapeHtml(partitionRange(t))}</td>`,
  },
  {
    title: "Action",
    numeric: false,
    cell: (t) => {
      const a = actionOf(t);
      return `<td data-v="${HTML_ACTIONS.indexOf(a)}"><span class="act a-${a}">` +
        `${ACTION_LABELS[a]}</span></td>`;
    },
  },
  {
    title: "Reason",
    numeric: false,
    cell: (t) => t.reason === null ? `<td class="na">–</td>` : `<td>${escapeHtml(t.reason)}</td>`,
  },
  { title: "Peak hour", numeric: true, cell: (t) => rateCell(t.peakBytesPerSecond) },
  { title: "Peak minute", numeric: true, cell: (t) => rateCell(t.peakMinuteBytesPerSecond) },
  {
    title: "Peak records/s",
    numeric: true,
    cell: (t) =>
      t.peakRecordsPerSecond === null
        ? naCell()
        : `<td class="num" data-v="${t.peakRecordsPerSecond}">` +
          `${humanCount(t.peakRecordsPerSecond)}/s</td>`,
  },
  {
    title: "Records in window",
    numeric: true,
    cell: (t) => t.recordsInWindow === null ? naCell() : countCell(t.recordsInWindow),
  },
  {
    title: "Warnings",
    numeric: false,
    cell: (t) =>
      t.status === "error"
        ? `<td class="err">${escapeHtml(t.error ?? "unknown error")}</td>`
        : `<td>${t.warnings.map((w) => `<span class="w">${w}</span>`).join("")}</td>`,
  },
];

/** What the page needs beyond the report: the apply plan's connection (plan.ts). */
export interface HtmlOptions {
  plan?: PlanOptions;
}

/** The page for one cluster. */
export function renderHtml(report: ClusterReport, options: HtmlOptions = {}): string {
  return [...htmlPieces(report, options)].join("");
}

/**
 * The page in pieces, a topic each, whose concatenation is renderHtml's: written one after
 * the other, a 10,000-topic page never sits in memory whole.
 */
export function* htmlPieces(report: ClusterReport, options: HtmlOptions = {}): Generator<string> {
  const topics = topicsByName(report.topics);
  const limits = partitionLimits(report.parameters);
  const title = `Partition recommendations: ${report.clusterId}`;
  yield [
    "<!DOCTYPE html>",
    `<html lang="en">`,
    "<head>",
    `<meta charset="utf-8">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`,
    `<meta name="referrer" content="no-referrer">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    "</head>",
    "<body>",
    header(report),
    summary(report, topics),
    "",
  ].join("\n");
  yield* topicsSection(topics, limits);
  yield [
    "",
    applySection(report, options.plan ?? {}),
    parametersSection(report.parameters),
    footer(limits),
    `<script>${SCRIPT}</script>`,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

function header(report: ClusterReport): string {
  const days = report.run.samplingDays;
  const lines = [
    `<header><h1>Partition recommendations: <code>${escapeHtml(report.clusterId)}</code></h1>`,
    `<p class="meta">Analysed at ${escapeHtml(isoTime(report.analysisTime))} · window: ` +
    `${days === null ? "" : `up to ${plainNumber(days)} days of `}complete UTC hours ending ` +
    `${escapeHtml(utcMinute(report.windowEnd))} · method <code>` +
    `${escapeHtml(methodLabel(report.method))}</code> · ${report.brokerCount} ` +
    `broker${report.brokerCount === 1 ? "" : "s"}</p></header>`,
  ];
  if (report.error !== null) {
    lines.push(
      `<p class="alert"><strong>The cluster could not be analysed:</strong> ` +
        `${escapeHtml(report.error)}</p>`,
    );
  }
  for (const note of report.notes) lines.push(`<p class="note">${escapeHtml(note)}</p>`);
  return lines.join("\n");
}

function summary(report: ClusterReport, topics: readonly TopicResult[]): string {
  const s = report.summary;
  const byAction = new Map<HtmlAction, number>(HTML_ACTIONS.map((a) => [a, 0]));
  const byReason = new Map<string, number>();
  for (const t of topics) {
    byAction.set(actionOf(t), byAction.get(actionOf(t))! + 1);
    if (t.reason !== null) byReason.set(t.reason, (byReason.get(t.reason) ?? 0) + 1);
  }
  const reasons = [...byReason].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const actionItems = HTML_ACTIONS.map((a) =>
    `<li><button type="button" data-show="${a}"><span class="act a-${a}">${ACTION_LABELS[a]}` +
    `</span></button><b>${byAction.get(a)}</b></li>`
  ).join("");
  const reasonItems = reasons.length === 0
    ? `<li class="na">no recommendation</li>`
    : reasons.map(([r, n]) => `<li><span>${escapeHtml(r)}</span><b>${n}</b></li>`).join("");
  return [
    `<section class="cards">`,
    `<div class="card"><h2>Partitions to add</h2><div class="big" id="to-add">` +
    `${s.partitionsToAdd}</div><div class="sub">${s.topicsToIncrease} topic` +
    `${s.topicsToIncrease === 1 ? "" : "s"} to increase; ${s.totalPartitions} partitions ` +
    `now, ${s.totalRecommendedPartitions} recommended for the active topics</div></div>`,
    `<div class="card"><h2>Topics by action</h2><ul>${actionItems}</ul></div>`,
    `<div class="card"><h2>Topics by reason</h2><ul>${reasonItems}</ul></div>`,
    `<div class="card"><h2>Topics</h2><div class="big">${s.totalTopics}</div>` +
    `<div class="sub">${s.activeTopicCount} active, ${humanCount(s.totalRecords)} records ` +
    `in the window${
      s.hotPartitionIngressCount > 0
        ? `, ${s.hotPartitionIngressCount} with a hot partition (writes)`
        : ""
    }${
      s.hotPartitionEgressCount > 0
        ? `, ${s.hotPartitionEgressCount} with a hot partition (reads)`
        : ""
    }</div></div>`,
    `</section>`,
    s.topicsOverPartitioned > 0
      ? `<p class="sub">Over-partitioned is informational: Kafka cannot remove partitions ` +
        "from a topic.</p>"
      : "",
  ].join("\n");
}

/** The topics' table, a piece per topic: the first TABLE_PAGE shown, the rest in a template. */
function* topicsSection(
  topics: readonly TopicResult[],
  limits: PartitionLimits,
): Generator<string> {
  const options = HTML_ACTIONS.map((a) => `<option value="${a}">${ACTION_LABELS[a]}</option>`);
  const heads = COLUMNS.map((c) =>
    `<th${c.numeric ? ` class="num" data-type="num"` : ""} aria-sort="none">` +
    `<button type="button">${c.title}</button></th>`
  ).join("");
  yield [
    `<section>`,
    `<h2>Topics</h2>`,
    `<div class="controls"><input id="filter" type="search" placeholder="Filter by topic name" ` +
    `aria-label="Filter by topic name" autocomplete="off"><select id="action" ` +
    `aria-label="Filter by action"><option value="">All actions</option>${options.join("")}` +
    `</select><span id="shown">${topics.length} topics</span></div>`,
    `<p class="legend"><span>Click a topic for its chart:</span>` +
    `<span><i class="k k-s"></i>hourly traffic</span>` +
    `<span><i class="k k-pk"></i> peak hour</span>` +
    `<span><i class="k k-pm"></i> peak minute</span>` +
    `<span><i class="k k-req"></i>required (peak × factor)</span>` +
    `<span><i class="k k-cur"></i>capacity now</span>` +
    `<span><i class="k k-rec"></i>capacity recommended</span></p>`,
    `<table class="topics" id="topics" data-page="${TABLE_PAGE}"><thead><tr>${heads}</tr></thead>`,
  ].join("\n");
  const shown = Math.min(TABLE_PAGE, topics.length);
  for (let i = 0; i < shown; i++) yield `\n${topicBody(topics[i]!, i, limits)}`;
  yield "\n</table>\n";
  if (topics.length > shown) {
    yield `<template id="more-topics">`;
    for (let i = shown; i < topics.length; i++) {
      yield `${i === shown ? "" : "\n"}${topicBody(topics[i]!, i, limits)}`;
    }
    yield `</template><noscript><p class="note">${topics.length - shown} more topics: showing ` +
      "them, sorting, filtering and the charts need JavaScript.</p></noscript>";
  }
  yield "\n" + [
    `<div class="more"><button type="button" id="show-more" hidden>Show ${TABLE_PAGE} more` +
    `</button><button type="button" id="show-all" hidden>Show all</button></div>`,
    `</section>`,
  ].join("\n");
}

function topicBody(t: TopicResult, i: number, limits: PartitionLimits): string {
  const cells = COLUMNS.map((c) => c.cell(t, i)).join("");
  const chart = topicChart(t, limits);
  return `<tbody id="t${i}" data-name="${escapeHtml(t.topicName)}" data-action="${actionOf(t)}">` +
    `<tr>${cells}</tr><tr class="chart" id="c${i}" hidden><td colspan="${COLUMNS.length}">` +
    `<template><p class="facts">${facts(t)}</p>${chart}</template></td></tr></tbody>`;
}

/** One line of what the chart does not show: the window, averages, terms, costs. */
function facts(t: TopicResult): string {
  const window = `${utcMinute(t.windowStart)} to ${utcMinute(t.windowEnd)}`;
  if (t.status === "error") {
    return `<span class="err">Could not be measured: ${
      escapeHtml(t.error ?? "unknown error")
    }</span>`;
  }
  if (t.status === "empty") return `No records from ${window}.`;
  const parts = [`${window} (${plainNumber(t.windowDays ?? 0, 2)} days)`];
  if (t.avgBytesPerSecond !== null) {
    parts.push(`average ${humanBytesPerSecond(t.avgBytesPerSecond)}`);
  }
  if (t.avgRecordBytes !== null) {
    const { avgRecordBytesLow: low, avgRecordBytesHigh: high } = t;
    parts.push(
      `${humanBytes(t.avgRecordBytes)} per record` +
        (low !== null && high !== null && low !== high
          ? ` (95 %: ${humanBytes(low)} to ${humanBytes(high)})`
          : ""),
    );
  }
  if (t.requiredBytesPerSecond !== null) {
    parts.push(
      `required ${humanBytesPerSecond(t.requiredBytesPerSecond)} from the peak ` +
        `${t.peakWindow ?? "hour"}`,
    );
  }
  if (t.peakHourStart !== null) parts.push(`peak hour ${utcMinute(t.peakHourStart)}`);
  if (t.peakMinuteStart !== null) parts.push(`peak minute ${utcMinute(t.peakMinuteStart)}`);
  if (t.terms !== null) {
    const terms = Object.entries(t.terms).filter(([, v]) => v !== null)
      .map(([k, v]) => `${k} ${v}`);
    parts.push(`terms: ${terms.join(", ")}`);
  }
  if (t.keysKeptPct !== null) parts.push(`${plainNumber(t.keysKeptPct, 1)} % of keys kept`);
  if (t.largestGroupMembers !== null) {
    parts.push(`largest consumer group ${t.largestGroupMembers} members`);
  }
  if (t.consumerLag !== null) parts.push(`lag ${humanCount(t.consumerLag)}`);
  if (t.skew !== null) parts.push(`busiest partition ${plainNumber(t.skew, 2)} × the mean`);
  return escapeHtml(parts.join(" · "));
}

/** "How to apply": the apply plan's section (plan.ts), as text; none when nothing is to do. */
function applySection(report: ClusterReport, plan: PlanOptions): string {
  const text = planSection(report, plan);
  if (text.trim() === "") return "";
  return `<details class="apply"><summary>How to apply</summary>` +
    `<pre>${escapeHtml(text.trim())}</pre></details>`;
}

function parametersSection(parameters: Record<string, ParameterValue>): string {
  const rows = Object.entries(parameters).map(([k, v]) =>
    `<tr><td><code>${escapeHtml(k)}</code></td><td>${escapeHtml(parameterText(v))}</td></tr>`
  );
  return `<details class="params"><summary>Settings of this run</summary>` +
    `<table>${rows.join("")}</table></details>`;
}

function parameterText(v: ParameterValue): string {
  if (v === null) return "unset";
  if (Array.isArray(v)) return v.length === 0 ? "none" : v.join(", ");
  return typeof v === "number" ? plainNumber(v) : String(v);
}

function footer(limits: PartitionLimits): string {
  const capacity = limits.bytesPerSecond === null
    ? "No per-partition byte rate is set, so no capacity is drawn."
    : `Capacity = partitions × ${humanBytesPerSecond(limits.bytesPerSecond)}` +
      (limits.recordsPerSecond === null
        ? ""
        : ` and × ${humanCount(limits.recordsPerSecond)} records/s`) +
      ", the smallest per-partition limit of the settings.";
  return `<footer><p>Rates are per second; peak hour is the busiest hour's bytes / 3600. ` +
    `KiB = 1024 B, MiB = 1024 KiB; three significant digits. ${escapeHtml(capacity)} ` +
    `Exact values are in the JSON report.</p></footer>`;
}

/** The action a topic's row shows: its action, else its status (empty, error). */
export function actionOf(t: TopicResult): HtmlAction {
  return t.action ?? (t.status === "error" ? "error" : "empty");
}

function rateCell(rate: number | null): string {
  return rate === null
    ? naCell()
    : `<td class="num" data-v="${rate}">${humanBytesPerSecond(rate)}</td>`;
}

function countCell(n: number): string {
  return `<td class="num" data-v="${n}" title="${plainNumber(n)}">${humanCount(n)}</td>`;
}

/**
 * A topic name, escaped, that may wrap after its separators (`orders.v2_eu-west`) rather than
 * anywhere: <wbr> adds a break opportunity without changing the text.
 */
function breakable(name: string): string {
  return escapeHtml(name).replace(/[._-]/g, "$&<wbr>");
}

function naCell(): string {
  return `<td class="num na" data-v="">–</td>`;
}
