// "Did you mean …?" for mistyped flags, .env keys and credential keys, by edit distance (leven).
import { leven } from "../deps/leven.ts";

/** The candidate closest to `word` by edit distance, if it is close enough to be a likely typo. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const maxDistance = Math.max(2, Math.floor(word.length / 4));
  let best: string | undefined;
  let bestDistance = maxDistance + 1;
  for (const c of candidates) {
    const d = leven(word.toLowerCase(), c.toLowerCase(), { maxDistance: bestDistance });
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}
