// The --help text, generated from the settings table so it cannot drift from what is parsed.

import { GROUP_TITLES, type Setting, type SettingGroup, SETTINGS } from "./settings.ts";

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
  return `  ${s.short ? `${s.short}, ` : ""}${s.flag}${metavar(s)}`;
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
  ];
  const groups = Object.keys(GROUP_TITLES) as SettingGroup[];
  const sections = groups.flatMap((g) => {
    const rows = settings.filter((s) => s.group === g);
    if (rows.length === 0) return [];
    return ["", `${GROUP_TITLES[g]}:`, ...rows.flatMap((s) => entry(s, column))];
  });
  return [...intro, ...sections].join("\n") + "\n";
}
