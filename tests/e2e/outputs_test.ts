// What the CLI hands to scripts and CI: --json on stdout (logs stay on stderr), --format
// choosing the report files, --fail-on increase exiting 4, and the GitHub Actions outputs
// and job summary when GITHUB_OUTPUT / GITHUB_STEP_SUMMARY are set.
import { join } from "node:path";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../assert.ts";
import { kafkaCredentials, runCli } from "../support/cli.ts";
import { fixture, localBroker, seedFresh } from "../support/testbed.ts";
import type { JsonReport } from "../../src/report/json.ts";

Deno.test("--json, --format, --fail-on and the GitHub Actions outputs", async (t) => {
  const info = await localBroker();
  const seeded = await seedFresh(fixture("sampler_profile.json"), "out");
  const env = {
    KAFKA_CREDENTIALS: kafkaCredentials([{
      kafka_cluster_id: "outputs",
      "bootstrap.servers": info.plaintextBootstrap,
      "security.protocol": "PLAINTEXT",
    }]),
    TOPIC_FILTER: seeded.prefix,
    // The seeded topic carries ~30 B/s: at 10 B/s a partition it needs more than 6.
    CONSUMER_THROUGHPUT_PER_PARTITION: "10",
    MIN_CONSUMPTION_THROUGHPUT: "0",
  };
  const files = (dir: string) =>
    [...Deno.readDirSync(join(dir, "reports"))].map((e) => e.name).sort();
  try {
    await t.step(
      "--json prints one array of JSON reports on stdout; logs stay on stderr",
      async () => {
        const cwd = await Deno.makeTempDir({ prefix: "kpr-out-" });
        const r = await runCli(["--json", "--format", ""], { cwd, env });
        assertEquals(r.code, 0, r.stderr);
        const reports: JsonReport[] = JSON.parse(r.stdout);
        assertEquals(reports.length, 1);
        assertEquals(reports[0]!.cluster_id, "outputs");
        assertEquals(reports[0]!.topics.map((x) => x.topic_name), [`${seeded.prefix}busy`]);
        assertStringIncludes(r.stderr, "analysis started");
        assert(!r.stdout.includes("INFO"), "no log line on stdout");
        assertEquals([...Deno.readDirSync(cwd)].length, 0, "--format '' writes no file");
      },
    );

    await t.step("--format chooses the files: md only, csv and json, html and plan", async () => {
      const md = await Deno.makeTempDir({ prefix: "kpr-out-" });
      assertEquals((await runCli(["--format", "md"], { cwd: md, env })).code, 0);
      const written = files(md);
      assertEquals(written.length, 1);
      assertMatch(written[0]!, /^outputs-recommender-\d+-report\.md$/);
      const both = await Deno.makeTempDir({ prefix: "kpr-out-" });
      assertEquals((await runCli(["--format", "csv,json"], { cwd: both, env })).code, 0);
      assertEquals(files(both).map((f) => f.replace(/\d+/, "T")), [
        "outputs-recommender-T-detail-report.csv",
        "outputs-recommender-T-report.json",
        "outputs-recommender-T-summary-report.csv",
      ]);
      // html and plan: the page, and the commands that would apply the recommendations.
      const page = await Deno.makeTempDir({ prefix: "kpr-out-" });
      assertEquals((await runCli(["--format", "html,plan"], { cwd: page, env })).code, 0);
      assertEquals(files(page).map((f) => f.replace(/\d+/, "T")), [
        "outputs-recommender-T-apply-plan.md",
        "outputs-recommender-T-report.html",
      ]);
      const plan = await Deno.readTextFile(
        join(page, "reports", files(page).find((f) => f.endsWith("-apply-plan.md"))!),
      );
      assertStringIncludes(plan, "The tool never runs these commands.");
      assertStringIncludes(plan, "kafka-topics.sh --bootstrap-server");
      const bad = await runCli(["--format", "csv,pdf"], { cwd: both, env });
      assertEquals(bad.code, 2);
      assertStringIncludes(bad.stderr, `"pdf" is not known`);
    });

    await t.step(
      "--fail-on increase exits 4 when a topic needs more partitions, 0 when none does",
      async () => {
        const gated = await runCli(["--fail-on", "increase"], { env });
        assertEquals(gated.code, 4, gated.stderr);
        const relaxed = await runCli(["--fail-on", "increase"], {
          env: {
            ...env,
            CONSUMER_THROUGHPUT_PER_PARTITION: "10485760",
            MIN_RECOMMENDED_PARTITIONS: "1",
          },
        });
        assertEquals(relaxed.code, 0, relaxed.stderr);
      },
    );

    await t.step(
      "in a GitHub Actions step: outputs and a job summary of the topics to increase",
      async () => {
        const cwd = await Deno.makeTempDir({ prefix: "kpr-out-" });
        const output = join(cwd, "github_output");
        const summary = join(cwd, "step_summary.md");
        await Deno.writeTextFile(output, "earlier=kept\n");
        const r = await runCli([], {
          cwd,
          env: { ...env, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary },
        });
        assertEquals(r.code, 0, r.stderr);
        const out = await Deno.readTextFile(output);
        assert(out.startsWith("earlier=kept\n"), "appends, never overwrites");
        const values = parseGithubOutput(out);
        assertEquals(values.get("topics_to_increase"), "1");
        assert(Number(values.get("partitions_to_add")) > 0);
        const paths = values.get("report_paths")!.split("\n");
        assertEquals(paths.length, 4);
        for (const p of paths) await Deno.stat(join(cwd, p));
        assertEquals(values.get("json_reports")!.split("\n").length, 1);
        const md = await Deno.readTextFile(summary);
        assertStringIncludes(md, "## Kafka partition recommendations");
        assertMatch(md, new RegExp(`\\| \`${seeded.prefix}busy\` \\| 2 → \\d+ \\|`));
      },
    );
  } finally {
    await seeded.cleanup();
  }
});

/** GITHUB_OUTPUT holds `name=value` lines and `name<<DELIM … DELIM` blocks. */
function parseGithubOutput(text: string): Map<string, string> {
  const values = new Map<string, string>();
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i]!);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      values.set(heredoc[1]!, lines.slice(i + 1, end).join("\n"));
      i = end;
    } else if (lines[i]!.includes("=")) {
      const [k, ...v] = lines[i]!.split("=");
      values.set(k!, v.join("="));
    }
  }
  return values;
}
