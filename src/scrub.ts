// Removes secret values from any text before it leaves the process (logs, errors, reports,
// --json, the GitHub Actions files), whatever a library or a server put in it, and in every
// encoding a secret travels in: as typed, JSON-escaped (once or twice), URL-encoded (path and
// form style), and base64 (standard and URL-safe), both whole (`Basic base64(key:secret)`,
// since the secrets list holds `user:secret` pairs too) and inside any longer base64 text.

import { Buffer } from "node:buffer";

export type Scrubber = (text: string) => string;

export const MASK = "***";

/**
 * Values shorter than this are not scrubbed: they would mask ordinary text ("1", "abc"), and
 * are not real secrets.
 */
export const MIN_SECRET_LENGTH = 4;

/**
 * A base64 run shorter than this is not scrubbed: the characters that depend on a short
 * secret alone are few, and would match ordinary words.
 */
const MIN_BASE64_RUN = 6;

/** The masker for these secrets (each also in the encodings listed above). */
export function makeScrubber(secrets: readonly string[]): Scrubber {
  const forms = new Set<string>();
  for (const s of new Set(secrets)) {
    if (s.length < MIN_SECRET_LENGTH) continue;
    for (const f of secretForms(s)) forms.add(f);
  }
  if (forms.size === 0) return (text) => text;
  // One pass over the text; longest first, so a form that contains another is masked whole.
  const pattern = new RegExp(
    [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp).join("|"),
    "g",
  );
  return (text) => text.replace(pattern, MASK);
}

/**
 * The masker for a list of secrets that may grow during the run (discovery's temporary API
 * keys): rebuilt whenever the list has changed.
 */
export function growingScrubber(secrets: readonly string[]): Scrubber {
  let size = -1;
  let scrub: Scrubber = (text) => text;
  return (text) => {
    if (secrets.length !== size) {
      size = secrets.length;
      scrub = makeScrubber(secrets);
    }
    return scrub(text);
  };
}

/** Every spelling of `secret` that the scrubber masks. */
export function secretForms(secret: string): string[] {
  const forms = new Set<string>([secret]);
  const json = JSON.stringify(secret).slice(1, -1);
  forms.add(json);
  // Python's json.dumps and others escape every non-ASCII character as \uXXXX.
  forms.add(asciiJson(json));
  forms.add(
    asciiJson(json).replace(/\\u([0-9a-f]{4})/g, (_, h: string) => `\\u${h.toUpperCase()}`),
  );
  // Some encoders (PHP's) escape "/" too.
  forms.add(json.replaceAll("/", "\\/"));
  // JSON inside a JSON string (an error body quoting a request body).
  forms.add(JSON.stringify(json).slice(1, -1));
  for (const url of urlForms(secret)) forms.add(url);
  for (const b of base64Forms(new TextEncoder().encode(secret))) forms.add(b);
  return [...forms].filter((f) => f !== "");
}

function asciiJson(json: string): string {
  return json.replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** encodeURIComponent, its `+`-for-space form, URLSearchParams' form, each in either hex case. */
function urlForms(secret: string): string[] {
  const component = encodeURIComponent(secret);
  const form = new URLSearchParams([["", secret]]).toString().slice(1);
  const forms = [component, component.replaceAll("%20", "+"), form, encodeURI(secret)];
  const lower = (s: string) => s.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase());
  return forms.flatMap((f) => [f, lower(f)]);
}

/**
 * The base64 of `bytes` as a whole (with and without padding), and, for each of the three
 * positions the bytes can start at within a 3-byte group of a longer text, the run of
 * characters that depend on these bytes alone: a secret anywhere inside a base64 blob (a
 * JSON body, a Basic header with a user in front) contains one of these runs. Each in the
 * standard and the URL-safe alphabet.
 */
export function base64Forms(bytes: Uint8Array): string[] {
  const forms: string[] = [];
  const whole = base64(bytes);
  forms.push(whole, whole.replace(/=+$/, ""));
  for (let offset = 0; offset < 3; offset++) {
    // `offset` bytes before, two after: the characters in between see only the secret.
    const padded = new Uint8Array(offset + bytes.length + 2);
    padded.set(bytes, offset);
    const encoded = base64(padded);
    const first = Math.ceil((8 * offset) / 6);
    const end = Math.floor((8 * (offset + bytes.length)) / 6);
    const run = encoded.slice(first, end);
    if (run.length >= MIN_BASE64_RUN) forms.push(run);
  }
  return [...new Set(forms.flatMap((f) => [f, f.replaceAll("+", "-").replaceAll("/", "_")]))]
    .filter((f) => f.length >= MIN_BASE64_RUN);
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
