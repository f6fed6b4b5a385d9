// The per-minute request limit of `/query`: fixed one-minute windows that start with the
// first request after the previous window ended, and the `rateLimit-*` headers that
// describe them (reset in seconds from now, as the Metrics API documents).

const WINDOW_MS = 60_000;

export interface RateDecision {
  allowed: boolean;
  /** Empty when no limit is set. */
  headers: Record<string, string>;
  /** Seconds until the window resets (0 when no limit is set). */
  resetSeconds: number;
}

export class RateLimiter {
  #limit: number | null;
  #windowStart: number | null = null;
  #count = 0;
  readonly #clock: () => number;

  constructor(perMinute: number | null, clock: () => number) {
    this.#limit = checked(perMinute);
    this.#clock = clock;
  }

  /** Changes the limit and starts a fresh window. */
  set(perMinute: number | null): void {
    this.#limit = checked(perMinute);
    this.#windowStart = null;
    this.#count = 0;
  }

  /** Counts one request against the current window unless the window is used up. */
  take(): RateDecision {
    if (this.#limit === null) return { allowed: true, headers: {}, resetSeconds: 0 };
    const now = this.#clock();
    if (this.#windowStart === null || now >= this.#windowStart + WINDOW_MS) {
      this.#windowStart = now;
      this.#count = 0;
    }
    const allowed = this.#count < this.#limit;
    if (allowed) this.#count++;
    const resetSeconds = Math.max(1, Math.ceil((this.#windowStart + WINDOW_MS - now) / 1000));
    return {
      allowed,
      resetSeconds,
      headers: {
        "rateLimit-limit": String(this.#limit),
        "rateLimit-remaining": String(this.#limit - this.#count),
        "rateLimit-reset": String(resetSeconds),
      },
    };
  }
}

function checked(perMinute: number | null): number | null {
  if (perMinute !== null && !(Number.isInteger(perMinute) && perMinute >= 1)) {
    throw new RangeError(`the rate limit must be a whole number ≥ 1 per minute, got ${perMinute}`);
  }
  return perMinute;
}
