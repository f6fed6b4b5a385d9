// Every output is scrubbed with the run's one scrubber (report files, the GitHub Actions
// outputs and job summary), and the exit code tells failures before a tripped gate.

import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../assert.ts";
import { EXIT, exitCode } from "../../main.ts";
import { publishToGithub } from "../../src/cli/github_env.ts";
import { makeScrubber, MASK } from "../../src/scrub.ts";
import { writeClusterReports } from "../../src/report/writer.ts";
import type { ClusterReport } from "../../src/report/types.ts";
import { fixtureReport } from "./_report_fixture.ts";

const SECRET = "cl0ud-S3cret-4410";
const KEY = "KEY77";
const BASIC = btoa(`${KEY}:${SECRET}`);

/**
 * A failed cluster whose error quotes what a server echoed (raw, base64, URL-encoded), as does
 * a topic's: the JSON report writes the cluster and each topic as pieces of their own.
 */
function leakyReport(): ClusterReport {
  const echo = `echo authorization=Basic ${BASIC} secret=${encodeURIComponent(SECRET)} ` +
    `raw=${SECRET}`;
  const report = fixtureReport({ error: `The Metrics API answered 500: ${echo}` });
  const [first, ...rest] = report.topics;
  return { ...report, topics: [{ ...first!, error: `a broker answered: ${echo}` }, ...rest] };
}

function assertNoSecret(label: string, text: string) {
  for (const form of [SECRET, BASIC, encodeURIComponent(SECRET)]) {
    assert(!text.includes(form), `${label} leaks ${form}:\n${text}`);
  }
}

Deno.test("writeClusterReports() scrubs every report file with the scrubber it is given", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kpr-scrub-" });
  const scrub = makeScrubber([SECRET, `${KEY}:${SECRET}`]);
  const paths = await writeClusterReports(leakyReport(), dir, new Set(["csv", "json", "md"]), {
    scrub,
  });
  assertEquals(paths.length, 4);
  for (const p of paths) {
    const text = await Deno.readTextFile(p);
    assertNoSecret(p, text);
  }
  assertStringIncludes(await Deno.readTextFile(paths[2]!), `Basic ${MASK}`);
});

Deno.test("publishToGithub() scrubs GITHUB_OUTPUT and GITHUB_STEP_SUMMARY", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kpr-scrub-" });
  const outputFile = join(dir, "output");
  const summaryFile = join(dir, "summary.md");
  const report = leakyReport();
  await publishToGithub(
    { reports: [{ report, files: [join(dir, `${SECRET}.json`)] }] },
    { outputFile, summaryFile },
    makeScrubber([SECRET, `${KEY}:${SECRET}`]),
  );
  const summary = await Deno.readTextFile(summaryFile);
  assertStringIncludes(summary, "could not be analysed");
  assertNoSecret("step summary", summary);
  assertNoSecret("outputs", await Deno.readTextFile(outputFile));
});

function outcome(
  over: { failedClusters?: number; failedTopics?: number; refusedClusters?: number } = {},
  action: "increase" | "keep" = "increase",
) {
  const report = fixtureReport();
  report.topics = report.topics.map((t) => ({ ...t, action }));
  return {
    clusters: [
      { report, files: [], failed: false, measurements: [] },
      { report, files: [], failed: (over.failedClusters ?? 0) > 0, measurements: [] },
    ],
    failedClusters: over.failedClusters ?? 0,
    failedTopics: over.failedTopics ?? 0,
    refusedClusters: over.refusedClusters ?? 0,
  };
}

Deno.test("exitCode(): a failed cluster or topic exits 3 even when a --fail-on gate tripped", () => {
  const failOn = ["increase"];
  assertEquals(exitCode(outcome({ failedClusters: 1 }), failOn), EXIT.partial);
  assertEquals(exitCode(outcome({ failedTopics: 2 }), failOn), EXIT.partial);
});

Deno.test("exitCode(): the gate exits 4 when everything was analysed; 0 without a gate or a match", () => {
  assertEquals(exitCode(outcome(), ["increase"]), EXIT.gate);
  assertEquals(exitCode(outcome(), []), EXIT.ok);
  assertEquals(exitCode(outcome({}, "keep"), ["increase"]), EXIT.ok);
});

Deno.test("exitCode(): every cluster refusing its credentials is a configuration error, 2", () => {
  assertEquals(
    exitCode(outcome({ failedClusters: 2, refusedClusters: 2 }), ["increase"]),
    EXIT.usage,
  );
  // One refused of two is a partial run.
  assertEquals(exitCode(outcome({ failedClusters: 1, refusedClusters: 1 })), EXIT.partial);
});
