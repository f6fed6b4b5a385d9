// What writing the reports of a large cluster costs in memory, without a cluster: one topic of
// the report tests' fixture (a week of hours) copied N times (default 10,000), then, each in a
// process of its own and measured by peak RSS over the RSS before it: writeClusterReports with
// every format into a temporary folder, and the JSON and the HTML texts rendered whole (what
// the writer did before it wrote a topic at a time). Prints figures; asserts nothing.
//
//   deno run -A dev/bench/report_memory.ts [N]
import { fixtureReport } from "../../tests/unit/_report_fixture.ts";
import { renderJson } from "../../src/report/json.ts";
import { renderHtml } from "../../src/report/html.ts";
import { writeClusterReports } from "../../src/report/writer.ts";

const MODES = ["write", "json", "html"] as const;
const n = Number(Deno.args[0] ?? 10_000);
const mode = Deno.args[1] as typeof MODES[number] | undefined;
const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(0)} MB`;

/** Peak RSS above the RSS before `work`, sampled every 5 ms. */
async function peakOver(work: () => unknown): Promise<number> {
  const before = Deno.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => peak = Math.max(peak, Deno.memoryUsage().rss), 5);
  try {
    await work();
    peak = Math.max(peak, Deno.memoryUsage().rss);
  } finally {
    clearInterval(timer);
  }
  return peak - before;
}

if (mode === undefined) {
  console.log(`${n} topics; each line from a process of its own (--optimize-for-size):`);
  for (const m of MODES) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--v8-flags=--optimize-for-size", import.meta.filename!, String(n), m],
      stderr: "inherit",
    }).output();
    Deno.stdout.writeSync(out.stdout);
  }
} else {
  const base = fixtureReport();
  const week = base.topics.find((t) => t.hourly.records.length === 168)!;
  const report = {
    ...base,
    topics: Array.from({ length: n }, (_, i) => ({
      ...week,
      topicName: `t${String(i).padStart(5, "0")}`,
      hourly: {
        start: week.hourly.start,
        records: week.hourly.records.map((r) => r + i),
        bytes: week.hourly.bytes.map((b) => b + i * 100.5),
      },
    })),
  };
  const held = `results held: RSS ${mb(Deno.memoryUsage().rss)}, heap used ` +
    mb(Deno.memoryUsage().heapUsed);
  const dir = await Deno.makeTempDir({ prefix: "kpr-report-memory-" });
  try {
    const added = await peakOver(async () => {
      if (mode === "json") return renderJson(report).length;
      if (mode === "html") return renderHtml(report).length;
      return await writeClusterReports(report, dir, new Set(["csv", "json", "html"]));
    });
    const what = mode === "write"
      ? "writeClusterReports, csv + json + html, a topic at a time"
      : `the ${mode.toUpperCase()} text rendered whole`;
    console.log(`  ${what}: +${mb(added)} (${held})`);
    for await (const e of Deno.readDir(dir)) {
      console.log(`    ${e.name}: ${mb((await Deno.stat(`${dir}/${e.name}`)).size)}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
