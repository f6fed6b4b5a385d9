// JSON parsing whose failure says only *where* the text broke. V8's own messages quote a
// snippet of the input ("Unexpected token 'p', "[{"pw"..." is not valid JSON"), which would
// echo credentials, so on failure we locate the error ourselves and report just the position.

export type JsonResult = { ok: true; value: unknown } | { ok: false; position: number | null };

export function parseJson(text: string): JsonResult {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, position: jsonErrorPosition(text) };
  }
}

class Stop {
  constructor(readonly at: number) {}
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = '"\\/bfnrt';

/**
 * The zero-based offset of the first character JSON.parse rejects (the text's length when it
 * ends too early), or null if this scanner finds no error (it and V8 should always agree).
 */
export function jsonErrorPosition(t: string): number | null {
  let i = 0;
  const fail = (): never => {
    throw new Stop(i);
  };
  const ws = () => {
    while (i < t.length && " \t\n\r".includes(t[i]!)) i++;
  };
  const string = () => {
    i++; // the opening quote
    while (i < t.length) {
      const c = t.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) fail();
      if (c === 0x5c) {
        i++;
        const e = t[i];
        if (e === "u") {
          for (let k = 1; k <= 4; k++) {
            if (!/[0-9a-fA-F]/.test(t[i + k] ?? "")) {
              i += k;
              fail();
            }
          }
          i += 5;
        } else if (e !== undefined && ESCAPES.includes(e)) {
          i++;
        } else {
          fail();
        }
      } else {
        i++;
      }
    }
    fail();
  };
  const value = (): void => {
    ws();
    const c = t[i];
    if (c === "{" || c === "[") {
      const close = c === "{" ? "}" : "]";
      i++;
      ws();
      if (t[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (c === "{") {
          ws();
          if (t[i] !== '"') fail();
          string();
          ws();
          if (t[i] !== ":") fail();
          i++;
        }
        value();
        ws();
        if (t[i] === ",") {
          i++;
          continue;
        }
        if (t[i] === close) {
          i++;
          return;
        }
        fail();
      }
    }
    if (c === '"') return string();
    for (const literal of ["true", "false", "null"]) {
      if (t.startsWith(literal, i)) {
        i += literal.length;
        return;
      }
    }
    NUMBER.lastIndex = i;
    if (NUMBER.test(t)) {
      i = NUMBER.lastIndex;
      return;
    }
    fail();
  };
  try {
    value();
    ws();
    if (i < t.length) fail();
    return null;
  } catch (e) {
    if (e instanceof Stop) return e.at;
    throw e;
  }
}
