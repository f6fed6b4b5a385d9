// Escaping for the HTML report: every string that comes from a cluster (topic names, error
// messages, notes, settings) passes through here before it reaches the page, so a topic named
// `<script>` or `"><img onerror=…>` is shown as text and never parsed as markup.

const ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * Text safe both as element content and inside a quoted attribute value. NUL, which HTML
 * parsers replace or drop, becomes U+FFFD here so the page shows what the parser would.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!).replaceAll("\0", "\uFFFD");
}
