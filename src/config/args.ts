// The command line, read with node:util's parseArgs (`tokens: true`, not strict) configured
// from the settings table, and its tokens checked here so that every mistake is one problem
// and none quotes a value (often a piece of JSON the shell split, which may hold a password).
// Values stay raw text, so flags, the environment and .env all go through the same schema.
// `allowNegative` is not used: with tokens, `--no-x` reads the same either way, and Deno's
// parseArgs throws on `--no-<string option>` even when not strict, losing every other problem.

import { parseArgs as tokenize } from "node:util";
import { closest } from "./_suggest.ts";
import { type Setting, settingByEnv, settingByFlag, SETTINGS } from "./settings.ts";

export interface ParsedArgs {
  /** Raw text per setting given on the command line (last one wins); switches as "true". */
  values: Map<Setting, string>;
  /** Usage problems, each naming the flag. Never contains a value, which may be a secret. */
  problems: string[];
}

/** `-q`, `--name`, but not `-1` (a negative number is a value). */
const looksLikeFlag = (arg: string) => /^--?[A-Za-z]/.test(arg) || arg === "--";
const BOOLEAN_WORD = /^\s*(?:true|false|1|0)\s*$/i;

/** A value to show in "e.g. --flag VALUE". */
const example = (s: Setting) => s.default || s.values?.[0] || s.metavar || "VALUE";

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const values = new Map<Setting, string>();
  const problems: string[] = [];
  const options: Record<string, { type: "boolean" | "string"; short?: string }> = {};
  for (const s of SETTINGS.filter((s) => !s.envOnly)) {
    const type = s.kind === "boolean" || s.kind === "switch" ? "boolean" : "string";
    for (const f of [s.flag, ...s.aliases ?? []]) options[f.slice(2)] = { type };
    if (s.short) options[s.flag.slice(2)]!.short = s.short.slice(1);
  }
  const spellings = SETTINGS.flatMap((s) => [
    s.flag,
    ...s.aliases ?? [],
    ...(s.kind === "boolean" ? [`--no-${s.flag.slice(2)}`] : []),
  ]);

  let start = 0;
  let skip = -1; // the index of a value that belongs to a refused or unknown flag
  let boolean: { s: Setting; index: number } | null = null; // may take the next word
  parsing: while (start < argv.length) {
    const { tokens } = tokenize({
      args: argv.slice(start),
      options,
      strict: false,
      allowPositionals: true,
      tokens: true,
    });
    for (const token of tokens) {
      const index = token.index + start;
      if (token.kind === "option-terminator") continue;
      if (token.kind === "positional") {
        if (index === skip) continue;
        if (boolean?.index === index - 1 && BOOLEAN_WORD.test(token.value)) {
          // `--use-sample-records False` is unambiguous: the tool takes no positional arguments.
          values.set(boolean.s, token.value);
        } else {
          problems.push(
            `unexpected argument (number ${index + 1} on the command line); every option ` +
              "starts with --, and a value with spaces or quotes must be quoted as one shell word",
          );
        }
        continue;
      }
      const flag = token.rawName;
      const s = settingByFlag(flag);
      const noValue = token.value === undefined;
      if (s?.envOnly) {
        // Refused whatever follows, and the value (if any) is skipped unread: quoting it, or
        // parsing it as JSON and reporting its flaws, would echo a secret.
        problems.push(
          `${flag} is not accepted: a secret given on the command line shows in the process ` +
            `list, the shell history and the task runner's echo; set ${s.env} in the ` +
            `environment or .env, or put the ${
              s.kind === "json" ? "JSON" : "value"
            } in a file and pass ` +
            `${settingByEnv(s.envOnly.fileSetting)?.flag} PATH`,
        );
        if (noValue) skip = index + 1;
      } else if (s === undefined) {
        const base = flag.startsWith("--no-") ? settingByFlag(`--${flag.slice(5)}`) : undefined;
        if (base?.kind === "boolean") {
          if (noValue) values.set(base, "false");
          else problems.push(`${flag} takes no value; use ${base.flag}=<bool>`);
        } else if (base !== undefined) {
          problems.push(
            `unknown option ${flag}; ${
              base.envOnly
                ? `${base.env} is given in the environment or .env only`
                : base.kind === "switch"
                ? `${base.flag} has no --no- form, leave it out instead`
                : `${base.flag} takes a value, e.g. ${base.flag} ${example(base)}`
            }`,
          );
        } else {
          const guess = closest(flag, spellings);
          problems.push(
            `unknown option ${flag}; ${
              guess ? `did you mean ${guess}?` : "see --help for the options"
            }`,
          );
          // Its value, if it has one, is part of the same mistake rather than a second one.
          if (noValue) skip = index + 1;
        }
      } else if (s.kind === "switch") {
        if (noValue) values.set(s, "true");
        else problems.push(`${flag} takes no value`);
      } else if (s.kind === "boolean") {
        values.set(s, token.value ?? "true");
        if (noValue) boolean = { s, index };
      } else if (noValue || (!token.inlineValue && looksLikeFlag(token.value!))) {
        problems.push(
          s.kind === "json"
            ? `${flag} needs a value (JSON, quoted as one shell word)`
            : `${flag} needs a value, e.g. ${s.flag} ${example(s)}`,
        );
        // parseArgs took the next flag as this one's value: read on from that flag.
        if (!noValue) {
          start = index + 1;
          continue parsing;
        }
      } else {
        values.set(s, token.value!);
      }
    }
    break;
  }
  return { values, problems };
}
