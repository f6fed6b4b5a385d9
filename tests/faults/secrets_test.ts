// Secret hygiene: known secret values given through the environment and `.env`, in
// successful and failing runs (wrong password, unreachable broker, a Metrics API 401, a
// configuration error, --verbose), never appear in stdout, stderr or any file the run
// writes. (Secrets from AWS Secrets Manager: tests/integration/aws_secrets_test.ts.)
import { join } from "node:path";
import { assert, assertEquals } from "../assert.ts";
import { kafkaCredentials, runCli } from "../support/cli.ts";
import { fixture, localBroker, seedFresh } from "../support/testbed.ts";
import { startEmulator } from "../../dev/metrics_api/emulator.ts";

const KAFKA_PASSWORD = "analyst-secret"; // the test bed's real password for `analyst`
const WRONG_PASSWORD = "Wr0ng-Pa55word-7781";
const CLOUD_SECRET = "cl0ud-S3cret-4410";

/** Every file under `dir`, as text. */
async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory) out.push(...await filesUnder(p));
    else if (e.name !== ".env") out.push(await Deno.readTextFile(p));
  }
  return out;
}

async function assertClean(
  label: string,
  r: { stdout: string; stderr: string },
  cwd: string,
  secrets: string[],
) {
  const texts = [r.stdout, r.stderr, ...await filesUnder(cwd)];
  for (const secret of secrets) {
    assert(!texts.some((t) => t.includes(secret)), `${label}: "${secret.slice(0, 3)}…" leaked`);
  }
}

Deno.test("secrets from the environment and .env never reach stdout, stderr or a report", async (t) => {
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
