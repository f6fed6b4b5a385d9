// Shell words for the commands the apply plan prints, so a name pasted into a terminal is
// one argument whatever characters it holds (Kafka allows only [a-zA-Z0-9._-] in topic names,
// but the plan must stay safe for any string a report carries).

/** Characters no POSIX shell treats specially anywhere in a word. */
const PLAIN = /^[A-Za-z0-9_.,:=@%+\/-]+$/;
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;

/**
 * `word` as one shell word: as is when every character is plain, else in single quotes
 * (inside which only `'` needs care: `'\''`). A word with a control character (a line break
 * would split the command, and a printed plan, in two) is written as bash's `$'…'` instead,
 * so it stays on one line.
 */
export function shellQuote(word: string): string {
  if (PLAIN.test(word)) return word;
  if (!CONTROL.test(word)) return `'${word.replaceAll("'", `'\\''`)}'`;
  let out = "";
  for (const c of word) {
    const code = c.codePointAt(0)!;
    if (c === "\\" || c === "'") out += `\\${c}`;
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += c;
  }
  return `$'${out}'`;
}
