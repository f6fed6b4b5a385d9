// Golden snapshots (Deno's t.assertSnapshot) of what people read: --help, the Markdown report
// (with its apply plan; the plan file has its own in report_plan_test.ts) and the GitHub job
// summary. The report fixture has fixed times, so nothing volatile needs normalising here; a
// change shows as a diff, and `deno test -A --update-snapshots tests/unit/snapshots_test.ts`
// accepts it after a look.
import { helpText } from "../../src/config/mod.ts";
import { renderStepSummary } from "../../src/report/github.ts";
import { renderMarkdown } from "../../src/report/markdown.ts";
import { fixtureReport } from "./_report_fixture.ts";

Deno.test("snapshot: --help", async (t) => {
  await t.assertSnapshot(helpText());
});

Deno.test("snapshot: the GitHub job summary", async (t) => {
  const failed = fixtureReport({
    clusterId: "lkc-down",
    error: "connect ECONNREFUSED",
    topics: [],
  });
  await t.assertSnapshot(
    renderStepSummary({
      reports: [{ report: fixtureReport(), files: [] }, { report: failed, files: [] }],
    }),
  );
});

Deno.test("snapshot: the Markdown report", async (t) => {
  await t.assertSnapshot(renderMarkdown(fixtureReport()));
});
