// The environment a test gives a child process that runs with a cleared environment: what
// it needs to find its tools and caches (PATH, HOME, DENO_DIR, TMPDIR), and what it needs to
// reach the network the way this process does. Behind a TLS-intercepting proxy, Deno fetches
// npm packages only with the proxy's CA (NODE_EXTRA_CA_CERTS, DENO_CERT, DENO_TLS_CA_STORE,
// SSL_CERT_FILE) and the proxy settings; a child without them fails on an empty cache.

/** Variables every child inherits, when this process has them. */
export const PASSTHROUGH_ENV: readonly string[] = [
  "PATH",
  "HOME",
  "DENO_DIR",
  "TMPDIR",
  "NODE_EXTRA_CA_CERTS",
  "DENO_CERT",
  "DENO_TLS_CA_STORE",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "HTTPS_PROXY",
  "HTTP_PROXY",
  "NO_PROXY",
  "https_proxy",
  "http_proxy",
  "no_proxy",
];

/** This process's values of PASSTHROUGH_ENV, then NO_COLOR=1, then `env` on top. */
export function childEnv(env: Record<string, string> = {}): Record<string, string> {
  const inherited: Record<string, string> = {};
  for (const name of PASSTHROUGH_ENV) {
    const v = Deno.env.get(name);
    if (v !== undefined) inherited[name] = v;
  }
  return { ...inherited, NO_COLOR: "1", ...env };
}
