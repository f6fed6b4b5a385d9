// Page tokens: opaque, bound to the exact query they were issued for (body and resolved
// intervals, so a `now`-relative query that has moved on cannot continue), and expiring
// a fixed time after issue. Expired tokens are remembered a while so the 400 can say so.

export type TokenCheck = { ok: true; offset: number } | { ok: false; detail: string };

interface Issued {
  queryKey: string;
  offset: number;
  expiresAt: number;
}

export class PageTokens {
  readonly #tokens = new Map<string, Issued>();
  readonly #ttlMs: number;
  readonly #clock: () => number;

  constructor(ttlMs: number, clock: () => number) {
    this.#ttlMs = ttlMs;
    this.#clock = clock;
  }

  issue(queryKey: string, offset: number): string {
    const now = this.#clock();
    // Forget tokens long expired, so a long-running emulator does not grow without bound.
    for (const [t, v] of this.#tokens) {
      if (v.expiresAt + 10 * this.#ttlMs < now) this.#tokens.delete(t);
    }
    const token = crypto.randomUUID().replaceAll("-", "");
    this.#tokens.set(token, { queryKey, offset, expiresAt: now + this.#ttlMs });
    return token;
  }

  check(token: string, queryKey: string): TokenCheck {
    const issued = this.#tokens.get(token);
    if (!issued) {
      return { ok: false, detail: `Invalid page_token "${token}": no such token was issued` };
    }
    if (this.#clock() >= issued.expiresAt) {
      return {
        ok: false,
        detail:
          `Invalid page_token "${token}": the token has expired; restart the query from the first page`,
      };
    }
    if (issued.queryKey !== queryKey) {
      return {
        ok: false,
        detail:
          `Invalid page_token "${token}": it was issued for a different query (the body must be identical and the intervals absolute)`,
      };
    }
    return { ok: true, offset: issued.offset };
  }
}

/** JSON with object keys sorted, so two bodies that differ only in key order are one query. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0
    );
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
