// JSON.parse whose failure says only where the text broke, never what it holds: V8's messages
// quote the text around the error, which may be a password. The position is V8's own: most
// messages end "at position N (line L column C)"; "Unexpected end" is the text's length; and
// "Unexpected token 'x', …"<text around x>"…" is located by the quoted text, which V8 cuts
// to 10 characters either side once the input is long enough, so the input is padded with
// trailing spaces (which JSON ignores) to make it so.

/** The value, or the problem: "is not valid JSON (at position 40: line 3, column 5)". */
export function parseJson(
  text: string,
): { ok: true; value: unknown } | { ok: false; problem: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    const position = jsonErrorPosition(text);
    if (position === null) return { ok: false, problem: "is not valid JSON" };
    const lines = text.slice(0, position).split("\n");
    const line = lines.length > 1
      ? `: line ${lines.length}, column ${lines.at(-1)!.length + 1}`
      : "";
    return { ok: false, problem: `is not valid JSON (at position ${position}${line})` };
  }
}

function v8Message(text: string): string | null {
  try {
    JSON.parse(text);
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

const CONTEXT = 10;

/** The offset of the first character JSON.parse rejects; its length when it ends too early. */
export function jsonErrorPosition(text: string): number | null {
  const message = v8Message(text);
  if (message === null) return null;
  const at = /at position (\d+)/.exec(message);
  if (at) return Number(at[1]);
  if (message.startsWith("Unexpected end")) return text.length;
  const padded = text + " ".repeat(4 * CONTEXT);
  const m = /^Unexpected token '[\s\S]', (\.\.\.)?"([\s\S]*)"\.\.\. is not valid JSON$/
    .exec(v8Message(padded) ?? "");
  if (!m) return null;
  // Without a leading "..." the quote starts the text; else it is the first place it occurs.
  const start = m[1] ? padded.indexOf(m[2]!) : 0;
  return start < 0 ? null : start + m[2]!.length - CONTEXT;
}
