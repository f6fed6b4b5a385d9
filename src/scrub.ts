// Removes secret values from any text before it leaves the process (logs, errors,
// reports), whatever a library put in its messages.

export type Scrubber = (text: string) => string;

export const MASK = "***";

export function makeScrubber(secrets: readonly string[]): Scrubber {
  // Longest first, so a secret that contains another is masked whole. Very short values
  // (like "1") would mask ordinary text and are not real secrets.
  const values = [...new Set(secrets)].filter((s) => s.length >= 4).sort((a, b) =>
    b.length - a.length
  );
  if (values.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const v of values) out = out.replaceAll(v, MASK);
    return out;
  };
}
