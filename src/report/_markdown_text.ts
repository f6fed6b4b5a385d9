// Text for the Markdown renderers (the report and the apply plan): prose escaped, names as
// inline code. Shared so both show a hostile topic name the same, harmless way.

/** Prose in a line or a table cell: Markdown syntax escaped, line breaks flattened. */
export function escapeMd(text: string): string {
  return flatten(text).replace(/[\\`*_\[\]<>|~]/g, "\\$&");
}

/**
 * A name as inline code, which needs no escaping inside but a fence longer than any run of
 * backticks in it; a pipe still needs its backslash, or it would end the table cell.
 */
export function codeSpan(text: string): string {
  const flat = flatten(text).replaceAll("|", "\\|");
  const fence = "`".repeat(longestRun(flat, "`") + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") ? " " : "";
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/**
 * A fenced code block of `lines`, indented by `indent` (to sit inside a list item); the fence
 * is longer than any run of backticks inside, so no line can close it early.
 */
export function codeBlock(lines: readonly string[], info = "", indent = ""): string[] {
  const fence = "`".repeat(Math.max(3, ...lines.map((l) => longestRun(l, "`") + 1)));
  return [`${indent}${fence}${info}`, ...lines.map((l) => indent + l), `${indent}${fence}`];
}

export function flatten(text: string): string {
  return text.replace(/\r\n|\r|\n/g, " ");
}

function longestRun(text: string, char: string): number {
  let longest = 0;
  let run = 0;
  for (const c of text) {
    run = c === char ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return longest;
}
