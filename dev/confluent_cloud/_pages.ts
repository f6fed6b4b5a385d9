// Pagination of the emulated list endpoints as the Confluent Cloud API reference describes it:
// `page_size` (default 10, at most 100) and an opaque `page_token`, with the next page's full
// URL in `metadata.next` (absent on the last page). A token names a position in one listing
// (the route and its filters), so a token from another listing is refused.

export const DEFAULT_PAGE_SIZE = 10;
export const MAX_PAGE_SIZE = 100;

export type PageSize = { ok: true; size: number } | { ok: false; detail: string };

/** `page_size` from the query: absent gives the default; anything but 1..100 is a 400. */
export function pageSizeOf(raw: string | null): PageSize {
  if (raw === null) return { ok: true, size: DEFAULT_PAGE_SIZE };
  if (!/^\d+$/.test(raw)) {
    return { ok: false, detail: `page_size must be a whole number, got "${raw}"` };
  }
  const size = Number(raw);
  if (size < 1 || size > MAX_PAGE_SIZE) {
    return { ok: false, detail: `page_size must be between 1 and ${MAX_PAGE_SIZE}, got ${size}` };
  }
  return { ok: true, size };
}

export type TokenCheck = { ok: true; offset: number } | { ok: false; detail: string };

export class PageTokens {
  readonly #tokens = new Map<string, { listing: string; offset: number }>();

  issue(listing: string, offset: number): string {
    const token = crypto.randomUUID().replaceAll("-", "");
    this.#tokens.set(token, { listing, offset });
    return token;
  }

  check(token: string, listing: string): TokenCheck {
    const issued = this.#tokens.get(token);
    if (!issued || issued.listing !== listing) {
      return { ok: false, detail: `The page_token "${token}" is not valid for this request` };
    }
    return { ok: true, offset: issued.offset };
  }
}

/** A route's identity for tokens: its path and its filters (every parameter but paging). */
export function listingOf(url: URL): string {
  const filters = [...url.searchParams].filter(([k]) => k !== "page_size" && k !== "page_token")
    .sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
  return `${url.pathname}?${new URLSearchParams(filters)}`;
}
