// A short Markdown report for people (a pull request comment, a CI job summary): topics
// that need more partitions first, then the rest, with the hot-partition flags where the
// source knew them, and last how to apply the changes (plan.ts). Pure: a report in, Markdown
// text out.

import { isPolicyReason, type TopicResult } from "../model/mod.ts";
import { isoTime, methodLabel, partitionRange, yesNo } from "./_format.ts";
import { humanBytesPerSecond, humanCount } from "./human_units.ts";
import { codeSpan, escapeMd } from "./_markdown_text.ts";
import { planSection } from "./plan.ts";
import type { ClusterReport } from "./types.ts";

/** The hot-partition columns: title, and the flag (null: the source could not tell). */
const HOT_FLAGS: readonly (readonly [string, (t: TopicResult) => boolean | null])[] = [
  ["Hot ingress", (t) => t.hotPartitionIngress],
  ["Hot egress", (t) => t.hotPartitionEgress],
];

/** Row order: what to act on first, then what is fine, then what could not be judged. */
const RANK: Readonly<Record<string, number>> = {
  increase: 0,
  keep: 1,
  over_partitioned: 2,
  empty: 3,
  error: 4,
};

export function renderMarkdown(report: ClusterReport): string {
  const s = report.summary;
  const lines = [
    `# Partition recommendations: ${codeSpan(report.clusterId)}`,
    "",
    `Analysed at ${isoTime(report.analysisTime)} over complete UTC hours up to ` +
    `${isoTime(report.windowEnd)}, method \`${methodLabel(report.method)}\`. ` +
    "Rates are in binary units: 1 KiB/s is 1,024 bytes per second, 1 MiB/s 1,048,576.",
    "",
  ];
  if (report.error !== null) {
    lines.push(`**The cluster could not be analysed:** ${escapeMd(report.error)}`, "");
  }
  for (const note of report.notes) lines.push(`Note: ${escapeMd(note)}`, "");
  const forPolicy =
    report.topics.filter((t) => t.action === "increase" && isPolicyReason(t.reason)).length;
  lines.push(
    `${s.totalTopics} topics: ${s.topicsToIncrease} need more partitions ` +
      `(${s.partitionsToAdd} to add${
        forPolicy > 0
          ? `; ${forPolicy} of them only to reach a policy floor, reason ` +
            "`minimum` or `brokers`"
          : ""
      }), ${s.topicsToKeep} keep their count, ` +
      `${s.topicsOverPartitioned} have more than they need, ${s.emptyTopicCount} empty, ` +
      `${s.errorTopicCount} failed.`,
    "",
  );
  if (report.topics.length === 0) return lines.join("\n") + "\n";

  // A flag column only where some topic has the flag, so a run whose source cannot tell
  // (egress with every source but the Metrics API) shows no column of n/a.
  const flags = HOT_FLAGS.filter(([, flag]) => report.topics.some((t) => flag(t) !== null));
  lines.push(
    "| Topic | Partitions | Peak | Peak records/s | Action | Reason | Warnings |" +
      flags.map(([title]) => ` ${title} |`).join(""),
    "| --- | ---: | ---: | ---: | --- | --- | --- |" + " --- |".repeat(flags.length),
  );
  for (const t of ordered(report.topics)) {
    const partitions = t.recommendedPartitions === null
      ? `${t.partitions}`
      : `${t.partitions} → ${t.recommendedPartitions}${partitionRange(t)}`;
    // For a person: the unit chosen per value, 3 significant digits (CSV and JSON stay exact).
    const peak = t.peakBytesPerSecond === null ? "" : humanBytesPerSecond(t.peakBytesPerSecond);
    const records = t.peakRecordsPerSecond === null ? "" : humanCount(t.peakRecordsPerSecond);
    const action = t.status === "error" ? `error: ${t.error ?? "unknown"}` : t.action ?? t.status;
    const reason = t.reason === null ? "" : escapeMd(t.reason);
    const hot = flags.map(([, flag]) => ` ${yesNo(flag(t)) ?? "n/a"} |`).join("");
    lines.push(
      `| ${codeSpan(t.topicName)} | ${partitions} | ${peak} | ${records} | ${escapeMd(action)} | ` +
        `${reason} | ` +
        `${t.warnings.join(", ")} |${hot}`,
    );
  }
  if (flags.length > 0) {
    lines.push(
      "",
      "Hot ingress and hot egress: whether a partition of the topic was hot for writes or for " +
        "reads in the window (`hot_partition_ingress`, `hot_partition_egress`); n/a where the " +
        "source could not tell.",
    );
  }
  if (report.topics.some((t) => t.reason !== null)) {
    lines.push(
      "",
      "Reason: the limit that set the count. `minimum` is `MIN_RECOMMENDED_PARTITIONS` and " +
        "`brokers` `MIN_PARTITIONS_PER_BROKER`, policy floors rather than traffic; " +
        "`consumer_bytes`, `producer_bytes`, `consumer_records` and `producer_records` are " +
        "the peak × the factor over what one partition carries; `consumer_group` the " +
        "largest consumer group's members; `+rounding` that `PARTITION_ROUNDING` raised it.",
    );
  }
  if (report.topics.some((t) => partitionRange(t) !== "")) {
    lines.push(
      "",
      "A range in parentheses is the recommendation at either end of the 95 % confidence " +
        "interval of bytes per record (warning `uncertain`).",
    );
  }
  if (s.topicsOverPartitioned > 0) {
    lines.push(
      "",
      "`over_partitioned` is informational: Kafka cannot remove partitions from a topic.",
    );
  }
  lines.push("", planSection(report));
  return lines.join("\n");
}

/** Increases first, largest first; otherwise by rank, then by name. */
function ordered(topics: readonly TopicResult[]): TopicResult[] {
  const rank = (t: TopicResult) => RANK[t.action ?? t.status] ?? 5;
  const toAdd = (t: TopicResult) => (t.recommendedPartitions ?? 0) - t.partitions;
  return [...topics].sort((a, b) =>
    rank(a) - rank(b) ||
    (a.action === "increase" ? toAdd(b) - toAdd(a) : 0) ||
    (a.topicName < b.topicName ? -1 : a.topicName > b.topicName ? 1 : 0)
  );
}
