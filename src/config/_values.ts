// Turns one setting's raw text (from a flag, the environment, .env or the default) into its
// typed value, with zod schemas built from the setting's row. Failures come back as the
// second half of a message ("is not a whole number; use …"); the caller prefixes the variable.

import { z } from "../deps/zod.ts";
import type { Setting } from "./settings.ts";

export type Value = boolean | number | string | null;

export type ValueResult = { ok: true; value: Value } | { ok: false; problem: string };

const TRUE = new Set(["true", "1"]);
const FALSE = new Set(["false", "0"]);
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
/** 0x10, 0o17, 0b101: what Number() would read in another base, refused with its own reason. */
const HEX_LIKE = /^[+-]?0[xob]/i;

/** The spelling of `value` that `kind: "enum"` rows match against: case and `_`/`-` ignored. */
export function enumKey(value: string): string {
  return value.trim().toLowerCase().replaceAll("_", "-");
}

/** Parses a boolean spelling (True/False/true/false/1/0, any case); undefined if it is none. */
export function parseBoolean(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  return TRUE.has(t) ? true : FALSE.has(t) ? false : undefined;
}

/** What a valid value looks like, for the "; use …" half of a message. */
export function expected(s: Setting): string {
  const unit = s.unit ? ` of ${s.unit}` : "";
  const example = s.default || s.example;
  const eg = example ? `, e.g. ${example}` : "";
  switch (s.kind) {
    case "boolean":
    case "switch":
      return "True or False (or true, false, 1, 0)";
    case "int":
      return `a whole number${unit} ${range(s)}${eg}`;
    case "number":
      return `a number${unit} ${range(s)}${eg}`;
    case "enum":
      return `one of ${(s.values ?? []).join(", ")}`;
    case "json":
      return "JSON text (see --help)";
    case "string":
      return s.metavar ? `a ${s.metavar.toLowerCase()}` : "some text";
  }
}

/** "from 1 to 3650", "> 0 and ≤ 3600", "≥ 0": the accepted range of a number setting. */
export function range(s: Setting): string {
  const min = s.min ?? 0;
  if (s.max === undefined) return `${s.exclusiveMin ? ">" : "≥"} ${min}`;
  return s.exclusiveMin ? `> ${min} and ≤ ${s.max}` : `from ${min} to ${s.max}`;
}

function schemaFor(s: Setting): z.ZodType<Value, string> {
  switch (s.kind) {
    case "boolean":
    case "switch":
      return z.string().transform((text, ctx) => {
        const b = parseBoolean(text);
        if (b === undefined) {
          ctx.addIssue({ code: "custom", message: "is not True or False" });
          return z.NEVER;
        }
        return b;
      });
    case "int":
    case "number": {
      const noun = s.kind === "int" ? "a whole number" : "a number";
      // 1e400 is Infinity to Number(): too large, not "not a number".
      let n = z.number({
        error: (issue) => issue.input === Infinity ? "is too large" : `is not ${noun}`,
      });
      if (s.kind === "int") n = n.int({ error: `is not ${noun}` });
      n = n.max(s.max ?? Number.MAX_SAFE_INTEGER, {
        error: s.max === undefined ? "is too large" : `is more than ${s.max}`,
      });
      const min = s.min ?? 0;
      n = s.exclusiveMin
        ? n.gt(min, { error: `is not more than ${min}` })
        : n.gte(min, { error: `is less than ${min}` });
      return z.string().trim()
        .refine((t) => !HEX_LIKE.test(t), { error: `is not ${noun} in decimal digits` })
        .regex(DECIMAL, { error: `is not ${noun}` })
        .transform(Number)
        .pipe(n);
    }
    case "enum": {
      const values = s.values ?? [];
      return z.string().transform((text, ctx) => {
        const found = values.find((v) => enumKey(v) === enumKey(text));
        if (found === undefined) {
          ctx.addIssue({ code: "custom", message: `is not one of ${values.join(", ")}` });
          return z.NEVER;
        }
        return found;
      });
    }
    case "string":
    case "json":
      return z.string();
  }
}

const schemas = new Map<Setting, z.ZodType<Value, string>>();

/** Validates `text` for setting `s`. Secret settings' text never appears in the problem. */
export function parseValue(s: Setting, text: string): ValueResult {
  let schema = schemas.get(s);
  if (schema === undefined) {
    schema = schemaFor(s);
    schemas.set(s, schema);
  }
  const result = schema.safeParse(text);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0]?.message ?? "is not valid";
  const shown = s.secret ? "the value" : JSON.stringify(text);
  return { ok: false, problem: `${shown} ${issue}; use ${expected(s)}` };
}
