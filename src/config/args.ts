// The command line, read with node:util's parseArgs (`tokens: true`, not strict) configured
// from the settings table, and its tokens checked here so that every mistake is one problem
// and none quotes a value (often a piece of JSON the shell split, which may hold a password).
// Values stay raw text, so flags, the environment and .env all go through the same schema.
// `allowNegative` is not used: with tokens, `--no-x` reads the same either way, and Deno's
// parseArgs throws on `--no-<string option>` even when not strict, losing every other problem.

import { parseArgs as tokenize } from "node:util";
import { closest } from "./_suggest.ts";
import { type Setting, setting, settingByFlag, SETTINGS } from "./settings.ts";

export interface ParsedArgs {
  /** Raw text per setting given on the command line (last one wins); switches as "true". */
  values: Map<Setting, string>;
  /** Usage problems, each naming the flag; never a value, which may be a secret. */
  problems: string[];
}

const OPTIONS = Object.fromEntries(
  SETTINGS.filter((s) => !s.secretFile).flatMap((s) =>
    [s.flag, ...s.aliases ?? []].map((f) => [f.slice(2), {
      type: s.kind === "boolean" || s.kind === "switch" ? "boolean" as const : "string" as const,
      ...f === s.flag && s.short ? { short: s.short.slice(1) } : {},
    }])
  ),
);
/** What "did you mean" may suggest. */
const SPELLINGS = SETTINGS.flatMap((s) => [
  s.flag,
  ...s.aliases ?? [],
  ...(s.kind === "boolean" ? [`--no-${s.flag.slice(2)}`] : []),
]);
/** `-q`, `--name`, but not `-1` (a negative number is a value). */
const looksLikeFlag = (arg: string) => /^--?[A-Za-z]/.test(arg) || arg === "--";
const BOOLEAN_WORD = /^\s*(?:true|false|1|0)\s*$/i;
/** A value to show in "e.g. --flag VALUE". */
const example = (s: Setting) => s.default || s.values?.[0] || s.metavar;

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const values = new Map<Setting, string>();
  const problems: string[] = [];
  let skip = -1; // the index of a value that belongs to a refused or unknown flag
  let boolean: { s: Setting; index: number } | null = null; // may take the next word
  const read = (start: number): void => {
    const args = argv.slice(start);
    const parsed = tokenize({
      args,
      options: OPTIONS,
      strict: false,
      allowPositionals: true,
      tokens: true,
    });
    for (const token of parsed.tokens) {
      const index = token.index + start;
      if (token.kind === "option-terminator") continue;
      if (token.kind === "positional") {
        if (index === skip) continue;
        // `--use-sample-records False` is unambiguous: the tool takes no positional arguments.
        if (boolean?.index === index - 1 && BOOLEAN_WORD.test(token.value)) {
          values.set(boolean.s, token.value);
        } else {
          problems.push(
            `unexpected argument (number ${index + 1} on the command line); every option ` +
              "starts with --, and a value with spaces or quotes must be quoted as one shell word",
          );
        }
        continue;
      }
      const { rawName: flag, value, inlineValue } = token;
      const s = settingByFlag(flag);
      const no = flag.startsWith("--no-") ? settingByFlag(`--${flag.slice(5)}`) : undefined;
      if (s?.secretFile) {
        // Refused whatever follows, and the value (if any) is skipped unread: quoting it, or
        // parsing it as JSON and reporting its flaws, would echo a secret.
        const what = s.kind === "json" ? "JSON" : "value";
        problems.push(
          `${flag} is not accepted: a secret given on the command line shows in the process ` +
            `list, the shell history and the task runner's echo; set ${s.env} in the ` +
            `environment or .env, or put the ${what} in a file and pass ` +
            `${setting(s.secretFile).flag} PATH`,
        );
        if (value === undefined) skip = index + 1;
      } else if (no?.kind === "boolean" && !s) {
        if (value === undefined) values.set(no, "false");
        else problems.push(`${flag} takes no value; use ${no.flag}=<bool>`);
      } else if (no && !s) {
        const why = no.secretFile
          ? `${no.env} is given in the environment or .env only`
          : no.kind === "switch"
          ? `${no.flag} has no --no- form, leave it out instead`
          : `${no.flag} takes a value, e.g. ${no.flag} ${example(no)}`;
        problems.push(`unknown option ${flag}; ${why}`);
      } else if (!s) {
        const guess = closest(flag, SPELLINGS);
        problems.push(
          `unknown option ${flag}; ${
            guess ? `did you mean ${guess}?` : "see --help for the options"
          }`,
        );
        // Its value, if it has one, is part of the same mistake rather than a second one.
        if (value === undefined) skip = index + 1;
      } else if (s.kind === "switch") {
        if (value === undefined) values.set(s, "true");
        else problems.push(`${flag} takes no value`);
      } else if (s.kind === "boolean") {
        values.set(s, value ?? "true");
        if (value === undefined) boolean = { s, index };
      } else if (value === undefined || (!inlineValue && looksLikeFlag(value))) {
        problems.push(
          s.kind === "json"
            ? `${flag} needs a value (JSON, quoted as one shell word)`
            : `${flag} needs a value, e.g. ${s.flag} ${example(s)}`,
        );
        // parseArgs took the next flag as this one's value: read on from that flag.
        if (value !== undefined) return read(index + 1);
      } else {
        values.set(s, value);
      }
    }
  };
  // `deno task analyze -- --version`, as npm users write it, passes the "--" on: the tool takes
  // no positional arguments, so a leading one ends nothing and is dropped. Anywhere else it
  // still ends the options, and what follows is refused as unexpected.
  read(argv[0] === "--" ? 1 : 0);
  return { values, problems };
}
