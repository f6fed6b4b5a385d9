// Small HTTP policies of the Metrics API client: how long a 429 asks to wait (Retry-After,
// else rateLimit-reset), exponential backoff with jitter, and the API's error detail.

export interface RateLimitWait {
  ms: number;
  /** Which header decided it, for the log line. */
  source: "Retry-After" | "rateLimit-reset";
}

/**
 * The wait a 429 asks for: `Retry-After` (seconds or an HTTP date) when present, else
 * `rateLimit-reset` (seconds from now; a value that can only be an epoch is read as one).
 * Header names are case-insensitive (Headers.get). Null when neither header is usable.
 */
export function rateLimitWait(headers: Headers, now: number): RateLimitWait | null {
  const retryAfter = headers.get("retry-after")?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) {
      return { ms: Number(retryAfter) * 1000, source: "Retry-After" };
    }
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return { ms: Math.max(0, date - now), source: "Retry-After" };
  }
  const reset = headers.get("ratelimit-reset")?.trim();
  if (reset && /^\d+(\.\d+)?$/.test(reset)) {
    const seconds = Number(reset);
    // Seconds from now per the API docs; a value past 2001 in epoch seconds cannot be that.
    const ms = seconds > 1e9 ? seconds * 1000 - now : seconds * 1000;
    return { ms: Math.max(0, ms), source: "rateLimit-reset" };
  }
  return null;
}

/** The wait before retry `attempt` (1, 2, …): base·2^(attempt−1), capped, times 0.5–1 jitter. */
export function backoffMs(attempt: number, random: () => number, baseMs = 500, capMs = 30_000) {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling * (0.5 + 0.5 * random()));
}

/** `errors[].detail` of an error body joined, else the start of the raw text. */
export function errorDetail(text: string, statusText: string): string {
  try {
    const body = JSON.parse(text) as { errors?: { detail?: unknown; title?: unknown }[] };
    const details = (Array.isArray(body.errors) ? body.errors : [])
      .map((e) =>
        typeof e?.detail === "string" ? e.detail : typeof e?.title === "string" ? e.title : ""
      )
      .filter((d) => d !== "");
    if (details.length > 0) return details.join("; ");
  } catch {
    // not JSON: fall through to the raw text
  }
  const raw = text.trim().replace(/\s+/g, " ");
  if (raw === "") return statusText || "(no detail)";
  return raw.length > 300 ? `${raw.slice(0, 300)}…` : raw;
}
