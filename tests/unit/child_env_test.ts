// Children started with a cleared environment must still reach the npm registry the way
// this process does (through a TLS-intercepting proxy, with its CA): every such spawn in the
// tests and the test bed goes through childEnv().
import { assert, assertEquals } from "../assert.ts";
import { childEnv, PASSTHROUGH_ENV } from "../support/child_env.ts";

const ROOT = new URL("../../", import.meta.url);

Deno.test("childEnv passes the TLS and proxy variables through, and the caller's win", () => {
  for (const name of ["NODE_EXTRA_CA_CERTS", "DENO_CERT", "DENO_TLS_CA_STORE", "SSL_CERT_FILE"]) {
    assert(PASSTHROUGH_ENV.includes(name), name);
  }
  for (const name of ["HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY"]) {
    assert(PASSTHROUGH_ENV.includes(name));
  }
  const path = Deno.env.get("PATH");
  assertEquals(childEnv().PATH, path);
  assertEquals(childEnv({ PATH: "/x" }).PATH, "/x");
  assertEquals(childEnv().NO_COLOR, "1");
});

Deno.test("every child started with clearEnv in tests/ and dev/ gets childEnv()", async () => {
  const offenders: string[] = [];
  for (const dir of ["tests", "dev"]) {
    for await (const path of files(new URL(`${dir}/`, ROOT))) {
      const text = await Deno.readTextFile(path);
      if (/clearEnv:\s*true/.test(text) && !/\bchildEnv\(/.test(text)) {
        offenders.push(path.pathname);
      }
    }
  }
  assertEquals(offenders, []);
});

async function* files(dir: URL): AsyncGenerator<URL> {
  for await (const entry of Deno.readDir(dir)) {
    const url = new URL(entry.isDirectory ? `${entry.name}/` : entry.name, dir);
    if (entry.isDirectory) yield* files(url);
    else if (entry.name.endsWith(".ts")) yield url;
  }
}
