// The scrubber masks a secret in every encoding it can leak in: as typed, JSON-escaped,
// URL-encoded, and base64, whole (`Basic base64(key:secret)`) or anywhere inside a longer
// base64 text, at each of the three byte alignments, in both base64 alphabets.
import { assert, assertEquals, assertStringIncludes } from "../assert.ts";
import { base64Forms, makeScrubber, MASK } from "../../src/scrub.ts";

const SECRET = "cl0ud-S3cret-4410";
const KEY = "KEY77";

function b64(text: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}

function urlSafe(base64: string): string {
  return base64.replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function assertMasked(scrubbed: string, secret: string, encoded: string) {
  assert(!scrubbed.includes(secret), `raw secret left in: ${scrubbed}`);
  assert(!scrubbed.includes(encoded), `encoded secret left in: ${scrubbed}`);
  assertStringIncludes(scrubbed, MASK);
}

Deno.test("makeScrubber() masks a secret as typed, and leaves other text alone", () => {
  const scrub = makeScrubber([SECRET]);
  assertEquals(scrub(`password=${SECRET}; again ${SECRET}`), `password=${MASK}; again ${MASK}`);
  assertEquals(scrub("nothing secret here"), "nothing secret here");
});

Deno.test("makeScrubber() ignores values too short to be secrets, which would mask words", () => {
  assertEquals(makeScrubber(["abc", "1", ""])("abc 1 two"), "abc 1 two");
});

Deno.test("makeScrubber() masks `Basic base64(key:secret)` whole, from the pair the config collects", () => {
  const header = `Basic ${b64(`${KEY}:${SECRET}`)}`;
  const scrub = makeScrubber([SECRET, `${KEY}:${SECRET}`]);
  assertEquals(scrub(`authorization: ${header}`), `authorization: Basic ${MASK}`);
  // URL-safe alphabet, no padding, as JWTs and some proxies write it.
  const safe = urlSafe(b64(`${KEY}:${SECRET}`));
  assertEquals(scrub(`token=${safe}`), `token=${MASK}`);
});

Deno.test("makeScrubber() masks the secret inside `Basic base64(key:secret)` knowing only the secret", () => {
  const encoded = b64(`${KEY}:${SECRET}`);
  const scrubbed = makeScrubber([SECRET])(`Basic ${encoded}`);
  assertMasked(scrubbed, SECRET, encoded);
  // What is left cannot be decoded back to the secret.
  assert(!scrubbed.includes(encoded.slice(4, 20)), scrubbed);
});

for (const prefix of ["", "x", "xy", "xyz", '{"pw":"']) {
  Deno.test(`makeScrubber() masks a secret inside base64 of a JSON blob, after ${prefix.length} more bytes`, () => {
    const blob = `${prefix}${JSON.stringify({ user: "u", password: SECRET, n: 1 })}`;
    for (const encoded of [b64(blob), urlSafe(b64(blob))]) {
      const scrubbed = makeScrubber([SECRET])(`body: ${encoded}`);
      assertMasked(scrubbed, SECRET, encoded);
      // No run of 8 characters that encodes part of the secret is left.
      const secretRuns = base64Forms(new TextEncoder().encode(SECRET));
      for (const run of secretRuns) assert(!scrubbed.includes(run), run);
    }
  });
}

Deno.test("base64Forms(): the whole encoding equals btoa, and each run is inside the encoding at its alignment", () => {
  const bytes = new TextEncoder().encode(SECRET);
  const forms = base64Forms(bytes);
  assert(forms.includes(b64(SECRET)));
  for (let pad = 0; pad < 3; pad++) {
    const encoded = b64(`${"#".repeat(pad)}${SECRET}!!`);
    assert(forms.some((f) => f.length >= 18 && encoded.includes(f)), `alignment ${pad}`);
  }
});

Deno.test("makeScrubber() masks URL-encoded secrets: component, form (+ for space) and either hex case", () => {
  const secret = "p@ss w/rd&=+ü1";
  const scrub = makeScrubber([secret]);
  for (
    const encoded of [
      encodeURIComponent(secret),
      encodeURIComponent(secret).replaceAll("%20", "+"),
      new URLSearchParams({ p: secret }).toString().slice(2),
      encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
    ]
  ) {
    const scrubbed = scrub(`https://host/path?token=${encoded}&x=1`);
    assertEquals(scrubbed, `https://host/path?token=${MASK}&x=1`, encoded);
  }
});

Deno.test("makeScrubber() masks JSON-escaped secrets: quotes, backslashes, unicode, escaped twice", () => {
  const secret = 'pa"ss\\wörd/€1';
  const scrub = makeScrubber([secret]);
  const once = JSON.stringify({ password: secret });
  assertEquals(scrub(once), `{"password":"${MASK}"}`);
  // Escaped to ASCII (\u00f6), as Python's json.dumps writes it.
  const ascii = once.replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  assertEquals(scrub(ascii), `{"password":"${MASK}"}`);
  // A JSON body quoted inside another JSON string (an error echoing the request).
  const twice = JSON.stringify({ detail: once });
  assert(!scrub(twice).includes("wörd"), scrub(twice));
  assertStringIncludes(scrub(twice), MASK);
  // "/" escaped as "\/", as PHP writes it.
  assertEquals(scrub(once.replace("/", "\\/")), `{"password":"${MASK}"}`);
});

Deno.test("makeScrubber() masks the longer of two overlapping secrets whole", () => {
  const scrub = makeScrubber(["secret", `${KEY}:secret`]);
  assertEquals(scrub(`${KEY}:secret and secret`), `${MASK} and ${MASK}`);
});

Deno.test("makeScrubber() keeps up with a large report: 8 MB and 40 secrets in well under a second", () => {
  const secrets = Array.from({ length: 20 }, (_, i) => `s3cret-value-${i}-XYZ/+"`)
    .flatMap((s) => [s, `key:${s}`]);
  const text = JSON.stringify(
    Array.from({ length: 120_000 }, (_, i) => ({ hour: "2026-01-01T00:00:00Z", n: i })),
  );
  const t0 = performance.now();
  const out = makeScrubber(secrets)(text);
  assert(performance.now() - t0 < 1_000);
  assertEquals(out, text);
});
