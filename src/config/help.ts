// The --help text, generated from the settings table so it cannot drift from what is parsed.

import { type Setting, setting, SETTINGS } from "./settings.ts";

const WIDTH = 100;

const INTRO = [
  "Recommends a partition count for every topic of one or more Kafka clusters from the " +
  "throughput measured over recent days, and writes CSV, JSON and HTML reports.",
  "Every setting is a flag or the environment variable named next to it. Flags override " +
  "the environment, which overrides .env (read from the working directory, or the file " +
  "given with --env-file), which overrides the defaults. An empty variable counts as " +
  "unset. Booleans take True, False, true, false, 1 or 0; a boolean flag alone means " +
  "true and --no-<flag> means false, e.g. --no-use-sample-records.",
  "Secrets are never flag values, which the process list and shell history would show: give " +
  "KAFKA_CREDENTIALS, CONFLUENT_CLOUD_CREDENTIAL, PROMETHEUS_BEARER_TOKEN and " +
  "PROMETHEUS_PASSWORD in the environment or .env, in a file (their *_FILE setting), or from " +
  "AWS Secrets Manager. Every setting is checked (and the output folder created, when " +
  "reports are written) before any cluster is contacted.",
];

/** Greedy word wrap; words longer than the line (JSON examples) are left whole. */
function wrap(text: string, indent: string): string[] {
  const lines: string[] = [];
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 1 + word.length <= WIDTH) {
      lines[lines.length - 1] += ` ${word}`;
    } else lines.push(indent + word);
  }
  return lines;
}

function flagColumn(s: Setting): string {
  // A secret is never a flag value: the column says where it may come from instead.
  if (s.secretFile) return "  (environment or .env only)";
  const flags = [...s.short ? [s.short] : [], ...s.aliases ?? [], s.flag].join(", ");
  return `  ${flags}${s.kind === "boolean" ? "[=BOOL]" : s.metavar && ` ${s.metavar}`}`;
}

function entry(s: Setting, column: number): string[] {
  const left = flagColumn(s);
  const fits = left.length < column && column + (s.env ?? "").length <= WIDTH;
  // A variable too long for the column ends at the right margin instead.
  const under = s.env ? " ".repeat(Math.min(column, WIDTH - s.env.length)) + s.env : "";
  const head = !s.env ? [left] : fits ? [left.padEnd(column) + s.env] : [left, under];
  const notes = [
    s.description,
    s.kind === "switch" ? "" : `Default: ${s.defaultText ?? s.default ?? "unset"}.`,
    s.range ? `Accepted: ${s.range}.` : "",
    s.secretFile
      ? `Not accepted as a flag (${s.flag}): a value on the command line shows in the process ` +
        "list, the shell history and the task runner's echo. Give it in the environment or .env, " +
        `or put it in a file and pass ${setting(s.secretFile).flag} PATH (or ${s.secretFile}). ` +
        "Secret: never printed."
      : "",
  ];
  return [...head, ...wrap(notes.join(" "), "      ")];
}

export function helpText(): string {
  const column = Math.min(58, Math.max(...SETTINGS.map((s) => flagColumn(s).length)) + 2);
  const groups = [...new Set(SETTINGS.map((s) => s.group))];
  return [
    "Usage: kafka-partition-recommender [options]",
    ...INTRO.flatMap((p) => ["", ...wrap(p, "")]),
    ...groups.flatMap((g) => [
      "",
      `${g}:`,
      ...SETTINGS.filter((s) => s.group === g).flatMap((s) => entry(s, column)),
    ]),
  ].join("\n") + "\n";
}
