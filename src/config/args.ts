// A small argv parser driven by the settings table. Not node:util's parseArgs: booleans here
// take values (`--use-sample-records=False`), which it cannot express. Values stay raw text so
// that flags, the environment and .env all go through the same validation in load.ts.

import { closest } from "./_suggest.ts";
import { parseBoolean } from "./_values.ts";
import { type Setting, SETTINGS } from "./settings.ts";

export interface ParsedArgs {
  /** Raw text per setting given on the command line (last one wins); switches as "true". */
  values: Map<Setting, string>;
  /** Usage problems, each naming the flag. Never contains a value, which may be a secret. */
  problems: string[];
}

/** Every spelling a user may type, for "did you mean". */
function knownFlags(settings: readonly Setting[]): string[] {
  return settings.flatMap((s) => [
    s.flag,
    ...(s.kind === "boolean" ? [`--no-${s.flag.slice(2)}`] : []),
  ]);
}

function unknownFlag(flag: string, settings: readonly Setting[]): string {
  const guess = closest(flag, knownFlags(settings));
  return `unknown option ${flag}; ${
    guess ? `did you mean ${guess}?` : "see --help for the options"
  }`;
}

/** A value to show in "e.g. --flag VALUE". */
function example(s: Setting): string {
  return s.default || s.example || s.values?.[0] || s.metavar || "VALUE";
}

/** `-q`, `--name`, but not `-1` (a negative number is a value). */
function looksLikeFlag(arg: string): boolean {
  return /^--?[A-Za-z]/.test(arg) || arg === "--";
}

export function parseArgs(
  argv: readonly string[],
  settings: readonly Setting[] = SETTINGS,
): ParsedArgs {
  const values = new Map<Setting, string>();
  const problems: string[] = [];
  const byFlag = (flag: string) => settings.find((s) => s.flag === flag || s.short === flag);

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("-") || arg === "-" || !looksLikeFlag(arg)) {
      // The argument itself is not quoted: it is often a fragment of a JSON value the shell
      // split, and that may hold a password.
      problems.push(
        `unexpected argument (number ${
          i + 1
        } on the command line); every option starts with --, and a value with spaces or ` +
          "quotes must be quoted as one shell word",
      );
      continue;
    }
    if (arg === "--") continue;
    const eq = arg.indexOf("=");
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    const inline = eq < 0 ? undefined : arg.slice(eq + 1);
    let s = byFlag(flag);

    if (s === undefined && flag.startsWith("--no-")) {
      s = byFlag(`--${flag.slice(5)}`);
      if (s?.kind === "boolean") {
        if (inline !== undefined) problems.push(`${flag} takes no value; use ${s.flag}=<bool>`);
        else values.set(s, "false");
        continue;
      }
      if (s !== undefined) {
        problems.push(
          `unknown option ${flag}; ${
            s.envOnly
              ? `${s.env} is given in the environment or .env only`
              : `${s.flag} ${
                s.kind === "switch"
                  ? "has no --no- form, leave it out instead"
                  : `takes a value, e.g. ${s.flag} ${example(s)}`
              }`
          }`,
        );
        continue;
      }
    }
    if (s === undefined) {
      problems.push(unknownFlag(flag, settings));
      // Its value, if it has one, is part of the same mistake rather than a second one.
      if (inline === undefined && argv[i + 1] !== undefined && !looksLikeFlag(argv[i + 1]!)) i++;
      continue;
    }

    if (s.envOnly) {
      // Refused whatever follows, and the value (if any) is skipped unread: quoting it, or
      // parsing it as JSON and reporting its flaws, would echo a secret.
      const file = settings.find((f) => f.env === s!.envOnly!.fileSetting);
      problems.push(
        `${flag} is not accepted: a secret given on the command line shows in the process ` +
          "list, the shell history and the task runner's echo; set " +
          `${s.env} in the environment or .env, or put the JSON in a file and pass ` +
          `${file?.flag ?? "its file setting"} PATH`,
      );
      if (inline === undefined && argv[i + 1] !== undefined && !looksLikeFlag(argv[i + 1]!)) i++;
      continue;
    }
    if (s.kind === "switch") {
      if (inline !== undefined) problems.push(`${flag} takes no value`);
      else values.set(s, "true");
      continue;
    }
    if (s.kind === "boolean") {
      if (inline !== undefined) {
        values.set(s, inline);
      } else if (argv[i + 1] !== undefined && parseBoolean(argv[i + 1]!) !== undefined) {
        // `--use-sample-records False` is unambiguous: the tool takes no positional arguments.
        values.set(s, argv[++i]!);
      } else {
        values.set(s, "true");
      }
      continue;
    }
    if (inline !== undefined) {
      values.set(s, inline);
      continue;
    }
    const next = argv[i + 1];
    if (next === undefined || looksLikeFlag(next)) {
      problems.push(
        s.kind === "json"
          ? `${flag} needs a value (JSON, quoted as one shell word)`
          : `${flag} needs a value, e.g. ${s.flag} ${example(s)}`,
      );
      continue;
    }
    values.set(s, next);
    i++;
  }
  return { values, problems };
}
