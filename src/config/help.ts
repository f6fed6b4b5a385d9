// The --help text, generated from the settings table so it cannot drift from what is parsed.

import { range } from "./_values.ts";
import { GROUP_TITLES, type Setting, setting, type SettingGroup, SETTINGS } from "./settings.ts";

const WIDTH = 100;
const INDENT = "      ";

/** Greedy word wrap; words longer than the line (JSON examples) are left whole. */
export function wrap(text: string, indent: string, width = WIDTH): string[] {
  const lines: string[] = [];
  let line = indent;
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    if (line.length > indent.length && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent;
    }
    line += (line.length > indent.length ? " " : "") + word;
  }
  if (line.length > indent.length) lines.push(line);
  return lines;
}

function metavar(s: Setting): string {
  switch (s.kind) {
    case "switch":
      return "";
    case "boolean":
      return "[=BOOL]";
    case "int":
      return " N";
    case "number":
      return " X";
    case "enum":
      return ` ${(s.values ?? []).join("|")}`;
    case "json":
      return " JSON";
    case "string":
      return ` ${s.metavar ?? "TEXT"}`;
  }
}

function defaultText(s: Setting): string | null {
  if (s.kind === "switch") return null;
  return s.defaultText ?? s.default ?? "unset";
}

function flagColumn(s: Setting): string {
  // A secret is never a flag value: the column says where it may come from instead.
  if (s.envOnly) return "  (environment or .env only)";
  return `  ${s.short ? `${s.short}, ` : ""}${s.flag}${metavar(s)}`;
}

function envOnlyNote(s: Setting): string[] {
  if (!s.envOnly) return [];
  const file = setting(s.envOnly.fileSetting);
  return [
    `Not accepted as a flag (${s.flag}): a value on the command line shows in the process ` +
    `list, the shell history and the task runner's echo. Give it in the environment or .env, ` +
    `or put it in a file and pass ${file.flag} PATH (or ${file.env}).`,
  ];
}

function entry(s: Setting, column: number): string[] {
  const left = flagColumn(s);
  const right = s.env ?? "";
  const head = right === ""
    ? [left]
    : left.length + 2 + right.length <= WIDTH && left.length < column
    ? [left.padEnd(column) + right]
    : [left, " ".repeat(column) + right];
  const def = defaultText(s);
  const notes = [
    s.description,
    ...(def === null ? [] : [`Default: ${def}.`]),
    ...(s.kind === "int" || s.kind === "number" ? [`Accepted: ${range(s)}.`] : []),
    ...envOnlyNote(s),
    ...(s.secret ? ["Secret: never printed."] : []),
  ];
  return [...head, ...wrap(notes.join(" "), INDENT)];
}

export function helpText(settings: readonly Setting[] = SETTINGS): string {
  const column = Math.min(
    58,
    Math.max(...settings.map((s) => flagColumn(s).length)) + 2,
  );
  const intro = [
    "Usage: kafka-partition-recommender [options]",
    "",
    ...wrap(
      "Recommends a partition count for every topic of one or more Kafka clusters from the " +
        "throughput measured over recent days, and writes CSV and JSON reports.",
      "",
    ),
    "",
    ...wrap(
      "Every setting is a flag or the environment variable named next to it. Flags override " +
        "the environment, which overrides .env (read from the working directory, or the file " +
        "given with --env-file), which overrides the defaults. An empty variable counts as " +
        "unset. Booleans take True, False, true, false, 1 or 0; a boolean flag alone means " +
        "true and --no-<flag> means false, e.g. --no-use-sample-records.",
      "",
    ),
    "",
    ...wrap(
      "Secrets are never flag values, which the process list and shell history would show: give " +
        "KAFKA_CREDENTIALS and CONFLUENT_CLOUD_CREDENTIAL in the environment or .env, in a file " +
        "(--kafka-credentials-file, --confluent-cloud-credential-file), or from AWS Secrets " +
        "Manager. Every setting is checked (and the output folder created, when reports are " +
        "written) before any cluster is contacted.",
      "",
    ),
  ];
  const groups = Object.keys(GROUP_TITLES) as SettingGroup[];
  const sections = groups.flatMap((g) => {
    const rows = settings.filter((s) => s.group === g);
    if (rows.length === 0) return [];
    return ["", `${GROUP_TITLES[g]}:`, ...rows.flatMap((s) => entry(s, column))];
  });
  return [...intro, ...sections].join("\n") + "\n";
}
