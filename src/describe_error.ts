// Turns an error from anywhere (the Kafka client nests its causes in AggregateErrors and
// `cause` chains) into one line that says what happened and why, for logs and reports.
// A connection that Deno's permissions refused says so, and names the flag that allows it.

export function describeError(e: unknown, maxDepth = 6): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  const walk = (err: unknown, depth: number) => {
    if (depth > maxDepth || err === null || err === undefined || seen.has(err)) return;
    seen.add(err);
    if (err instanceof Error) {
      const code = (err as { code?: unknown }).code;
      const message = err.message.trim().replace(/\.$/, "") ||
        (typeof code === "string" && !code.startsWith("PLT_KFK") ? code : err.name);
      if (message && !parts.includes(message)) parts.push(message);
      const nested = (err as { errors?: unknown }).errors;
      if (Array.isArray(nested)) { for (const n of nested) walk(n, depth + 1); }
      walk(err.cause, depth + 1);
    } else {
      parts.push(String(err));
    }
  };
  walk(e, 0);
  const text = parts.join(": ") || "unknown error";
  const host = deniedHost(text);
  return host === null ? text : `${text} (network access to ${host} is not permitted: ` +
    `add it to --allow-net, e.g. --allow-net=${host}; with deno task analyze, KPR_ALLOW_NET=${host})`;
}

/** The host a permission check refused, as Deno and its Node.js layer word it. */
function deniedHost(text: string): string | null {
  const m = /Requires net access to "([^"]+)"/.exec(text) ??
    /(?:getaddrinfo|connect) EPERM ([^\s:]+(?::\d+)?)/.exec(text);
  return m?.[1] ?? null;
}
