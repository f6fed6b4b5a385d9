// Golden files for every report format: a fixed cluster rendered and compared byte for byte
// with tests/unit/golden/. After an intended change, regenerate with
// `UPDATE_GOLDEN=1 deno test -A tests/unit/report_golden_test.ts` and read the diff.

import { assertEquals } from "../assert.ts";
import {
  type ClusterReport,
  renderDetailCsv,
  renderJson,
  renderMarkdown,
  renderSummaryCsv,
} from "../../src/report/mod.ts";
import { fixtureReport, GOLDEN_MEASUREMENTS } from "./_report_fixture.ts";

const update = Deno.env.get("UPDATE_GOLDEN") === "1";
// The analysis time is the fixture's fixed T0; only the elapsed time would vary in a real run.
const report = fixtureReport({}, GOLDEN_MEASUREMENTS);

async function golden(name: string, render: (r: ClusterReport) => string) {
  const url = new URL(`./golden/${name}`, import.meta.url);
  const actual = render(report);
  if (update) await Deno.writeTextFile(url, actual);
  assertEquals(actual, await Deno.readTextFile(url), `${name} differs from its golden file`);
}

Deno.test("detail CSV matches golden/detail.csv", () => golden("detail.csv", renderDetailCsv));
Deno.test("summary CSV matches golden/summary.csv", () => golden("summary.csv", renderSummaryCsv));
Deno.test("JSON report matches golden/report.json", () => golden("report.json", renderJson));
// .txt, or `deno fmt` would realign the golden table and break the comparison.
Deno.test("Markdown report matches golden/report.md.txt", () =>
  golden("report.md.txt", renderMarkdown));
