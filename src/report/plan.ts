// The apply plan: for each topic that needs more partitions, the command that makes the change
// (kafka-topics.sh, and the Confluent CLI on Confluent Cloud) and, for a keyed topic, the
// order of steps that keeps per-key order across it; for topics with more partitions than they
// need, what can be done instead, since Kafka cannot remove partitions. Written as the
// `--format plan` file and, shortened, as the Markdown report's "How to apply" section.
// Pure and clock-free: a report in, Markdown text out, so it can be snapshot-tested. The tool
// never runs any of it.

import type { TopicResult } from "../model/mod.ts";
import { isoTime, methodLabel, plainNumber, topicsByName } from "./_format.ts";
import { codeBlock, codeSpan, escapeMd } from "./_markdown_text.ts";
import { shellQuote } from "./_shell.ts";
import type { ClusterReport } from "./types.ts";

export interface PlanOptions {
  /**
   * The cluster's `bootstrap.servers`. A report does not carry them, so without them the
   * commands read the shell variable BOOTSTRAP_SERVERS, and the plan says to set it.
   */
  bootstrapServers?: readonly string[];
  /** The `--command-config` file of kafka-topics.sh; `client.properties` by default. */
  commandConfig?: string;
  /**
   * Whether to print the Confluent CLI's command, which can change a partition count only on
   * Confluent Cloud. By default: when the method is the Metrics API or the cluster id looks
   * like a Confluent Cloud one (`lkc-…`).
   */
  confluentCloud?: boolean;
}

/** The line every plan carries, so that nobody mistakes it for a log of what was done. */
export const NEVER_RUNS = "**The tool never runs these commands.** It only reads the cluster: " +
  "review each step, then run it yourself.";

const BOOTSTRAP_VARIABLE = "BOOTSTRAP_SERVERS";
const DEFAULT_COMMAND_CONFIG = "client.properties";
const CLI_DOCS =
  "https://docs.confluent.io/confluent-cli/current/command-reference/kafka/topic/confluent_kafka_topic_update.html";
const REST_DOCS =
  "https://docs.confluent.io/cloud/current/ccloud/update-partition-count-kafka-topic/";

/** The whole plan file: a title, the run's facts, the never-runs line, then the plan. */
export function renderPlan(report: ClusterReport, options: PlanOptions = {}): string {
  const lines = [
    `# Apply plan: ${codeSpan(report.clusterId)}`,
    "",
    `Analysed at ${isoTime(report.analysisTime)} over complete UTC hours up to ` +
    `${isoTime(report.windowEnd)}, method \`${methodLabel(report.method)}\`.`,
    "",
    NEVER_RUNS,
    "",
    counts(report),
    "",
    ...body(report, options, 2),
  ];
  return lines.join("\n").replace(/\n+$/, "") + "\n";
}

/**
 * The Markdown report's last section, "How to apply": the plan without its title and counts
 * (the report has both). Empty for a report without topics.
 */
export function planSection(report: ClusterReport, options: PlanOptions = {}): string {
  if (report.topics.length === 0) return "";
  const lines = ["## How to apply", "", NEVER_RUNS, "", ...body(report, options, 3)];
  return lines.join("\n").replace(/\n+$/, "") + "\n";
}

function counts(report: ClusterReport): string {
  const s = report.summary;
  return `${s.totalTopics} topics: ${s.topicsToIncrease} to increase ` +
    `(${s.partitionsToAdd} partitions to add), ${s.topicsOverPartitioned} ` +
    `over-partitioned, ${s.topicsToKeep} to keep, ${s.emptyTopicCount} empty, ` +
    `${s.errorTopicCount} failed. Topics to keep, empty and failed topics are not listed.`;
}

/** The plan proper; `level` is the heading level of its sections. */
function body(report: ClusterReport, options: PlanOptions, level: number): string[] {
  if (report.error !== null) {
    return [`The cluster could not be analysed (${escapeMd(report.error)}): nothing to apply.`];
  }
  const increases = byPartitionsToAdd(report.topics.filter((t) => t.action === "increase"));
  const decreases = topicsByName(report.topics.filter((t) => t.action === "over_partitioned"));
  if (increases.length === 0 && decreases.length === 0) {
    return ["Nothing to apply: no topic needs a different partition count."];
  }
  const cmd = commands(report, options);
  const lines: string[] = [];
  if (increases.length > 0) {
    lines.push(`${"#".repeat(level)} Topics that need more partitions`, "");
    lines.push(...setupNotes(increases, cmd), "");
    for (const t of increases) lines.push(...topicPlan(t, cmd, "#".repeat(level + 1)), "");
  }
  if (decreases.length > 0) {
    lines.push(`${"#".repeat(level)} Topics with more partitions than they need`, "");
    lines.push(...decreasePlan(decreases), "");
  }
  return lines;
}

/** How each tool's command is written for this cluster. */
interface Commands {
  kafkaTopics(t: TopicResult, partitions: number): string;
  /** Null when the Confluent CLI cannot change this cluster's partition counts. */
  confluent: ((t: TopicResult, partitions: number) => string) | null;
  bootstrapKnown: boolean;
  commandConfig: string;
  clusterId: string;
}

function commands(report: ClusterReport, options: PlanOptions): Commands {
  const servers = options.bootstrapServers ?? [];
  const bootstrapKnown = servers.length > 0;
  const bootstrap = bootstrapKnown ? shellQuote(servers.join(",")) : `"$${BOOTSTRAP_VARIABLE}"`;
  const commandConfig = options.commandConfig ?? DEFAULT_COMMAND_CONFIG;
  const cloud = options.confluentCloud ??
    (report.method === "metrics_api" || /^lkc-/i.test(report.clusterId));
  const cluster = shellQuote(report.clusterId);
  return {
    kafkaTopics: (t, n) =>
      `kafka-topics.sh --bootstrap-server ${bootstrap} --command-config ` +
      `${shellQuote(commandConfig)} --alter --topic ${shellQuote(topicPattern(t.topicName))} ` +
      `--partitions ${n}`,
    // A name that starts with "-" would be read as a flag: after "--" it cannot be.
    confluent: cloud
      ? (t, n) =>
        t.topicName.startsWith("-")
          ? `confluent kafka topic update --cluster ${cluster} --config num.partitions=${n} ` +
            `-- ${shellQuote(t.topicName)}`
          : `confluent kafka topic update ${shellQuote(t.topicName)} --cluster ${cluster} ` +
            `--config num.partitions=${n}`
      : null,
    bootstrapKnown,
    commandConfig,
    clusterId: report.clusterId,
  };
}

/**
 * kafka-topics.sh reads `--topic` as a regular expression matched against every topic name,
 * so `a.b` would also alter `aXb`: regular-expression characters are escaped.
 */
function topicPattern(name: string): string {
  return name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** What every command below assumes, said once. */
function setupNotes(increases: readonly TopicResult[], cmd: Commands): string[] {
  const lines = [
    `\`kafka-topics.sh\` is Apache Kafka's tool (\`kafka-topics\` in Confluent Platform); ` +
    `${codeSpan(cmd.commandConfig)} holds the client settings it connects with ` +
    "(`security.protocol`, `sasl.mechanism`, `sasl.jaas.config`, …).",
  ];
  if (!cmd.bootstrapKnown) {
    lines.push(
      "",
      "The report does not hold the cluster's bootstrap servers: set them first, e.g. " +
        `\`export ${BOOTSTRAP_VARIABLE}=broker1:9092,broker2:9092\`.`,
    );
  }
  if (increases.some((t) => topicPattern(t.topicName) !== t.topicName)) {
    lines.push(
      "",
      "`kafka-topics.sh` reads `--topic` as a regular expression: a `.` in a name is written " +
        "`\\.`, or the command would also change topics whose names differ there.",
    );
  }
  if (cmd.confluent !== null) {
    lines.push(
      "",
      "The `confluent` commands are for Confluent Cloud: Confluent CLI v3.15.0 or later, after " +
        "`confluent login` (add `--environment <env-id>` unless the cluster is in the CLI's " +
        "current environment). Its `topic update` has no `--partitions` flag; " +
        "`--config num.partitions=N` sets the count, on Confluent Cloud only " +
        `(${CLI_DOCS}). Without the CLI, the Kafka REST API does the same: ` +
        `\`PATCH /kafka/v3/clusters/${encodeURIComponent(cmd.clusterId)}/topics/<topic>\` ` +
        `with the body ` +
        `\`{"partitions_count": N}\` (${REST_DOCS}).`,
    );
  } else {
    lines.push(
      "",
      "The Confluent CLI can change a partition count only on Confluent Cloud " +
        "(`confluent kafka topic update <topic> --config num.partitions=N`), and this cluster " +
        "does not look like one, so only `kafka-topics.sh` is shown.",
    );
  }
  return lines;
}

/** Whether the topic's records carry keys, as far as the sample tells. */
type Keys = "keyed" | "unkeyed" | "unknown";

function keysOf(t: TopicResult): Keys {
  if (t.warnings.includes("keyed_topic")) return "keyed";
  // avgPayloadBytes exists exactly when records were read: read, and none had a key.
  return t.avgPayloadBytes !== null ? "unkeyed" : "unknown";
}

function topicPlan(t: TopicResult, cmd: Commands, heading: string): string[] {
  const to = t.recommendedPartitions!;
  const lines = [`${heading} ${codeSpan(t.topicName)}: ${t.partitions} → ${to} partitions`, ""];
  const keys = keysOf(t);
  const kept = t.keysKeptPct === null ? null : plainNumber(Math.round(t.keysKeptPct * 10) / 10);
  const moved = kept === null
    ? ""
    : ` Going from ${t.partitions} to ${to} partitions keeps about ${kept} % of the keys on ` +
      "their partition (for evenly hashed keys); the others move, and a moved key's new " +
      "records can be read before its older ones still waiting on the old partition.";
  if (keys === "unkeyed") {
    lines.push(
      "No sampled record carried a key, so no key changes partition: the command alone does " +
        "it. Kafka orders records within a partition only, before and after. Consumers with " +
        "`auto.offset.reset=latest` (the default) skip what is written to a new partition " +
        "before their group is assigned it: set `earliest` first if every record counts.",
      "",
      ...codeBlock(increaseCommands(t, to, cmd), "sh"),
    );
  } else {
    lines.push(
      keys === "keyed"
        ? `Keyed: its records carry keys, and a key's partition depends on the partition ` +
          `count.${moved} In this order:`
        : "Keys unknown: this source read no records, so it cannot tell whether they carry " +
          "keys. Unless you know the producers send none, follow the keyed order." +
          (moved === "" ? "" : ` If keyed:${moved}`),
      "",
      ...keyedSteps(t, to, cmd),
    );
  }
  lines.push(...cautions(t, to, keys));
  return lines;
}

/** The numbered steps for a keyed topic; the commands sit inside step 4. */
function keyedSteps(t: TopicResult, to: number, cmd: Commands): string[] {
  const groups = t.consumerGroups === null || t.consumerGroups.length === 0
    ? ""
    : ` (groups with offsets on it: ${
      t.consumerGroups.map((g) => codeSpan(g.groupId)).join(", ")
    })`;
  const lag = t.consumerLag === null
    ? ""
    : ` (${plainNumber(t.consumerLag)} records at the analysis)`;
  const indent = "   ";
  return [
    `1. Set \`auto.offset.reset=earliest\` on every consumer of the topic${groups}, so none ` +
    "skips the records written to a new partition before its group is assigned it.",
    `2. Let the consumers catch up: wait until every group's lag on the topic is 0${lag}, ` +
    "so no older record of a key is still unread when its newer ones go to another partition.",
    "3. Pause the producers that write keyed records to the topic.",
    "4. Increase the partitions:",
    "",
    ...codeBlock(increaseCommands(t, to, cmd), "sh", indent),
    "",
    `5. Wait until every producer and consumer sees ${to} partitions: clients refresh their ` +
    "metadata every `metadata.max.age.ms` (librdkafka: `topic.metadata.refresh.interval.ms`), " +
    "5 minutes by default; restarting a client refreshes it at once.",
    "6. Resume the producers.",
  ];
}

function increaseCommands(t: TopicResult, to: number, cmd: Commands): string[] {
  const lines = [cmd.kafkaTopics(t, to)];
  if (cmd.confluent !== null) lines.push("# or, with the Confluent CLI:", cmd.confluent(t, to));
  return lines;
}

/** Warnings that change what the reader should weigh before running the plan. */
function cautions(t: TopicResult, to: number, keys: Keys): string[] {
  const lines: string[] = [];
  const add = (text: string) => lines.push("", text);
  if (t.warnings.includes("few_keys") && t.distinctKeys !== null) {
    add(
      `Warning \`few_keys\`: the sample saw only ${plainNumber(t.distinctKeys)} distinct keys, ` +
        `fewer than ${to} partitions: the partitions no key hashes to would stay empty.`,
    );
  }
  if (t.isCompacted && keys !== "unkeyed") {
    add(
      "Compacted: a moved key's older values stay on its old partition, where its newer " +
        "values never compact them away; a reader rebuilding state from the topic may apply " +
        "them last. Copying the topic into a new one with the new count avoids that.",
    );
  }
  const { recommendedPartitionsLow: low, recommendedPartitionsHigh: high } = t;
  if (low !== null && high !== null && low !== high) {
    add(`Warning \`uncertain\`: the sample puts the need between ${low} and ${high} partitions.`);
  }
  return lines;
}

function decreasePlan(topics: readonly TopicResult[]): string[] {
  return [
    "Kafka cannot decrease a topic's partition count. Where fewer partitions matter, the way " +
    "is a new topic: create it with the count below, move the producers to it, let the " +
    "consumers finish the old topic, move them to the new one (from its beginning), then " +
    "delete the old topic. Often keeping the topic as it is costs less.",
    "",
    ...topics.map((t) =>
      `- ${codeSpan(t.topicName)}: ${t.partitions} partitions, ${t.recommendedPartitions} needed`
    ),
  ];
}

/** Increases with the most partitions to add first, then by name, as in the report. */
function byPartitionsToAdd(topics: readonly TopicResult[]): TopicResult[] {
  const toAdd = (t: TopicResult) => (t.recommendedPartitions ?? 0) - t.partitions;
  return topicsByName(topics).sort((a, b) => toAdd(b) - toAdd(a));
}
