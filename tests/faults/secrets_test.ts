// Secret hygiene: known secret values given through the environment, `.env` and credential
// files, in successful and failing runs (wrong password, unreachable broker, a Metrics API 401,
// a Metrics API error body that echoes the request's Authorization header, a configuration
// error, --verbose), never appear in stdout (--json), stderr, the GitHub Actions files or any
// report, in any encoding: as typed, JSON-escaped, URL-encoded, base64 of `user:secret`
// (standard and URL-safe) or inside longer base64. (Secrets from AWS Secrets Manager:
// tests/integration/aws_secrets_test.ts.)
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../assert.ts";
import { filesUnder, kafkaCredentials, runCli } from "../support/cli.ts";
import { fixture, localBroker, seedFresh } from "../support/testbed.ts";
import { startEmulator } from "../../dev/metrics_api/emulator.ts";

const KAFKA_PASSWORD = "analyst-secret"; // the test bed's real password for `analyst`
const WRONG_PASSWORD = "Wr0ng-Pa55word-7781";
const CLOUD_SECRET = "cl0ud-S3cret-4410";

/** Files the tests write as the run's input, holding the secrets on purpose. */
const INPUT_FILES = new Set([".env", "kafka.json"]);

const bytesB64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const b64 = (text: string) => bytesB64(new TextEncoder().encode(text));
const urlSafe = (text: string) => text.replaceAll("+", "-").replaceAll("/", "_");

/**
 * The base64 characters that encode the secret alone when it sits inside longer data, at each
 * of the three alignments: where two encodings agree whose every other byte differs (found
 * here independently of src/scrub.ts, whose own list is what is under test).
 */
function embeddedBase64(secret: string): string[] {
  const bytes = new TextEncoder().encode(secret);
  return [0, 1, 2].map((before) => {
    const [a, b] = [0x00, 0xff].map((fill) => {
      const data = new Uint8Array(before + bytes.length + 2).fill(fill);
      data.set(bytes, before);
      return bytesB64(data);
    });
    let [run, longest] = ["", ""];
    for (let i = 0; i < a!.length; i++) {
      run = a![i] === b![i] ? run + a![i] : "";
      if (run.length > longest.length) longest = run;
    }
    return longest;
  });
}

/** How a secret (with its user, for the `user:secret` of HTTP Basic) can appear in output. */
function encodings(secret: string, user?: string): string[] {
  const forms = [
    secret,
    JSON.stringify(secret).slice(1, -1),
    encodeURIComponent(secret),
    b64(secret),
    b64(secret).replace(/=+$/, ""),
    ...embeddedBase64(secret),
  ];
  if (user !== undefined) forms.push(b64(`${user}:${secret}`));
  return [...new Set(forms.flatMap((f) => [f, urlSafe(f)]))];
}

async function assertClean(
  label: string,
  r: { stdout: string; stderr: string },
  cwd: string,
  secrets: (string | [user: string, secret: string])[],
) {
  const texts = [r.stdout, r.stderr, ...await filesUnder(cwd, INPUT_FILES)];
  for (const s of secrets) {
    const forms = typeof s === "string" ? encodings(s) : encodings(s[1], s[0]);
    for (const form of forms) {
      assert(!texts.some((t) => t.includes(form)), `${label}: "${form.slice(0, 3)}…" leaked`);
    }
  }
}

Deno.test("fault: secrets (environment, .env, credential files) never reach stdout, stderr, a report or the GitHub files, in any encoding", async (t) => {
  const info = await localBroker();
  const seeded = await seedFresh(fixture("sampler_profile.json"), "sec");
  const emulator = startEmulator({
    profile: seeded.profile,
    anchor: seeded.anchor,
    clusterId: "sec",
    apiKey: "KEY1",
    apiSecret: CLOUD_SECRET,
  });
  const entry = (password: string, bootstrap = info.saslSslBootstrap) => ({
    kafka_cluster_id: "sec",
    "bootstrap.servers": bootstrap,
    "sasl.username": "analyst",
    "sasl.password": password,
    "ssl.ca.location": info.caFile,
  });
  const base = { TOPIC_FILTER: seeded.prefix };
  const dotenv = async (vars: Record<string, string>) => {
    const cwd = await Deno.makeTempDir({ prefix: "kpr-sec-" });
    await Deno.writeTextFile(
      join(cwd, ".env"),
      Object.entries(vars).map(([k, v]) => `${k}='${v}'`).join("\n") + "\n",
    );
    return cwd;
  };
  try {
    await t.step("a successful run, credentials from the environment", async () => {
      const cwd = await Deno.makeTempDir({ prefix: "kpr-sec-" });
      const r = await runCli(["--verbose"], {
        cwd,
        env: { ...base, KAFKA_CREDENTIALS: kafkaCredentials([entry(KAFKA_PASSWORD)]) },
      });
      assertEquals(r.code, 0, r.stderr);
      await assertClean("env, success", r, cwd, [KAFKA_PASSWORD]);
    });

    await t.step("a successful run, credentials from .env", async () => {
      const cwd = await dotenv({ KAFKA_CREDENTIALS: kafkaCredentials([entry(KAFKA_PASSWORD)]) });
      const r = await runCli(["--verbose"], { cwd, env: base });
      assertEquals(r.code, 0, r.stderr);
      await assertClean(".env, success", r, cwd, [KAFKA_PASSWORD]);
    });

    await t.step("a wrong password, from .env, with --verbose", async () => {
      const cwd = await dotenv({ KAFKA_CREDENTIALS: kafkaCredentials([entry(WRONG_PASSWORD)]) });
      const r = await runCli(["--verbose"], { cwd, env: base });
      assertEquals(r.code, 2, r.stderr);
      await assertClean("wrong password", r, cwd, [WRONG_PASSWORD]);
    });

    await t.step("an unreachable broker, the password from the environment", async () => {
      const cwd = await Deno.makeTempDir({ prefix: "kpr-sec-" });
      const r = await runCli(["--verbose"], {
        cwd,
        env: {
          ...base,
          KAFKA_CREDENTIALS: kafkaCredentials([entry(WRONG_PASSWORD, "127.0.0.1:1")]),
        },
      });
      assertEquals(r.code, 3, r.stderr);
      await assertClean("unreachable", r, cwd, [WRONG_PASSWORD]);
    });

    await t.step("a Metrics API 401, the Cloud secret from .env", async () => {
      const wrongCloud = "n0t-The-Cloud-Secret-99";
      const cwd = await dotenv({
        KAFKA_CREDENTIALS: kafkaCredentials([entry(KAFKA_PASSWORD)]),
        CONFLUENT_CLOUD_CREDENTIAL: JSON.stringify({
          confluent_cloud_api_key: "KEY1",
          confluent_cloud_api_secret: wrongCloud,
        }),
        USE_SAMPLE_RECORDS: "False",
        CONFLUENT_METRICS_API_URL: emulator.url,
      });
      const r = await runCli(["--verbose"], { cwd, env: base });
      assertEquals(r.code, 2, r.stderr);
      await assertClean("metrics 401", r, cwd, [wrongCloud, KAFKA_PASSWORD]);
    });

    await t.step("a wrong password from a file given with --kafka-credentials-file", async () => {
      const cwd = await Deno.makeTempDir({ prefix: "kpr-sec-" });
      await Deno.writeTextFile(join(cwd, "kafka.json"), kafkaCredentials([entry(WRONG_PASSWORD)]));
      const r = await runCli(["--verbose", "--kafka-credentials-file", "kafka.json"], {
        cwd,
        env: base,
      });
      assertEquals(r.code, 2, r.stderr);
      await assertClean("credentials file", r, cwd, [["analyst", WRONG_PASSWORD]]);
    });

    for (const status of [400, 500]) {
      await t.step(
        `a Metrics API ${status} whose body echoes the Authorization header: stderr, --json, reports, step summary`,
        async () => {
          // A server that answers every query with the request's headers, raw and re-encoded.
          const echo = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
            const auth = req.headers.get("authorization") ?? "";
            const decoded = atob(auth.replace(/^Basic /, ""));
            const detail = `request headers: ${JSON.stringify([...req.headers])}; ` +
              `credentials ${decoded}; url-encoded ${encodeURIComponent(decoded)}; ` +
              `base64url ${auth.replace(/^Basic /, "").replaceAll("+", "-").replaceAll("/", "_")}`;
            return new Response(JSON.stringify({ errors: [{ status, detail }] }), {
              status,
              headers: { "content-type": "application/json" },
            });
          });
          try {
            const cwd = await Deno.makeTempDir({ prefix: "kpr-sec-" });
            const r = await runCli(["--verbose", "--json", "--format", "csv,json,md"], {
              cwd,
              env: {
                ...base,
                KAFKA_CREDENTIALS: kafkaCredentials([entry(KAFKA_PASSWORD)]),
                CONFLUENT_CLOUD_CREDENTIAL: JSON.stringify({
                  confluent_cloud_api_key: "KEY1",
                  confluent_cloud_api_secret: CLOUD_SECRET,
                }),
                USE_SAMPLE_RECORDS: "False",
                CONFLUENT_METRICS_API_URL: `http://127.0.0.1:${echo.addr.port}`,
                // 500s are retried: the deadline ends that within seconds.
                METRICS_API_DEADLINE_SECONDS: "2",
                GITHUB_STEP_SUMMARY: join(cwd, "step_summary.md"),
                GITHUB_OUTPUT: join(cwd, "github_output"),
              },
            });
            assertEquals(r.code, 3, r.stderr);
            // The echo reached the error (masked), so the test tests something.
            assertStringIncludes(r.stderr, "request headers");
            assertStringIncludes(r.stderr, "Basic ***");
            assertStringIncludes(r.stdout, "Basic ***");
            const summary = await Deno.readTextFile(join(cwd, "step_summary.md"));
            assertStringIncludes(summary, "could not be analysed");
            await assertClean(`metrics ${status} echo`, r, cwd, [
              ["KEY1", CLOUD_SECRET],
              ["analyst", KAFKA_PASSWORD],
            ]);
          } finally {
            await echo.shutdown();
          }
        },
      );
    }

    await t.step("a configuration error next to the secrets", async () => {
      const cwd = await dotenv({
        KAFKA_CREDENTIALS: kafkaCredentials([entry(WRONG_PASSWORD)]),
        SAMPLING_DAYS: "x",
      });
      const r = await runCli(["--verbose"], {
        cwd,
        env: {
          CONFLUENT_CLOUD_CREDENTIAL:
            `{"confluent_cloud_api_key":"K","confluent_cloud_api_secret":"${CLOUD_SECRET}"`,
        },
      });
      assertEquals(r.code, 2, r.stderr);
      await assertClean("config error", r, cwd, [WRONG_PASSWORD, CLOUD_SECRET]);
    });
  } finally {
    await emulator.close();
    await seeded.cleanup();
  }
});
