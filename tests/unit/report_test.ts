// The report renderers and writer: the reference's CSV columns and their meanings, formula
// neutralisation, the JSON contract, hot-partition flags, file names, and atomic writes.

import { assert, assertEquals, assertRejects, assertStringIncludes } from "../assert.ts";
import { summaryStats, TERM_NAMES } from "../../src/model/mod.ts";
import {
  DETAIL_COLUMNS,
  REFERENCE_DETAIL_COLUMNS,
  renderDetailCsv,
  renderJson,
  renderMarkdown,
  renderSummaryCsv,
  reportFileNames,
  type ReportFs,
  toJsonReport,
  writeClusterReports,
} from "../../src/report/mod.ts";
import { textCell } from "../../src/report/_csv.ts";
import { renderStepSummary } from "../../src/report/github.ts";
import { jsonPieces } from "../../src/report/json.ts";
import { fixed, plainNumber } from "../../src/report/_format.ts";
import {
  csvRecords,
  E,
  fixtureReport,
  MEASUREMENTS,
  MIB,
  parseCsv,
  T0,
} from "./_report_fixture.ts";
import type { TopicMeasurement } from "../../src/model/mod.ts";

const report = fixtureReport();
const detail = csvRecords(renderDetailCsv(report));
const row = (topic: string) => {
  const r = detail.find((d) => d.topic_name === topic);
  assert(r !== undefined, `no detail row for ${topic}`);
  return r;
};

Deno.test("detail CSV starts with the reference's nine columns, in its order", () => {
  const [header] = parseCsv(renderDetailCsv(report));
  assertEquals(REFERENCE_DETAIL_COLUMNS, [
    "method",
    "topic_name",
    "is_compacted",
    "number_of_records",
    "number_of_partitions",
    "required_throughput",
    "consumer_throughput",
    "recommended_partitions",
    "status",
  ]);
  assertEquals(header?.slice(0, 9), [...REFERENCE_DETAIL_COLUMNS]);
  assertEquals(header, [...DETAIL_COLUMNS]);
  for (
    const c of ["peak_throughput", "window_days", "avg_record_bytes", "action", "warnings"]
  ) {
    assert(header?.includes(c), `missing ${c}`);
  }
});

Deno.test("detail CSV appends the interval's four columns, then Model v2's, after every earlier column", () => {
  const [header] = parseCsv(renderDetailCsv(report));
  const at = header!.indexOf("error");
  assertEquals(header?.slice(at, at + 5), [
    "error",
    "avg_record_bytes_low",
    "avg_record_bytes_high",
    "recommended_partitions_low",
    "recommended_partitions_high",
  ]);
  assertEquals(header?.slice(at + 5), [
    "reason",
    "peak_records_per_second",
    "peak_minute_start",
    "peak_minute_records_per_second",
    "peak_minute_bytes_per_second",
    "peak_window",
    "required_records_per_second",
    "keys_kept_pct",
    "distinct_keys",
    "consumer_groups",
    "largest_group_members",
    "consumer_lag",
    "hot_partition_hours",
    "hot_partition_ingress",
    "hot_partition_egress",
  ]);
});

Deno.test("detail CSV: the recommendation at the ends of the bytes-per-record interval", () => {
  const orders = row("orders");
  assertEquals(
    [orders.avg_record_bytes_low, orders.avg_record_bytes, orders.avg_record_bytes_high],
    ["900.0", "1024.0", "1100.0"],
  );
  assertEquals(
    [orders.recommended_partitions_low, orders.recommended_partitions_high],
    ["8", "10"],
  );
  // No interval from the source: both ends are the estimate and the recommendation.
  const steady = row("steady");
  assertEquals(
    [steady.avg_record_bytes_low, steady.avg_record_bytes_high],
    ["1024.0", "1024.0"],
  );
  assertEquals(
    [steady.recommended_partitions_low, steady.recommended_partitions_high],
    ["6", "6"],
  );
  assertEquals(row("'-rm").warnings, "window_capped"); // an interval too narrow to matter
  for (const name of ["empty-topic", "broken"]) {
    const r = row(name);
    assertEquals(
      [
        r.avg_record_bytes_low,
        r.avg_record_bytes_high,
        r.recommended_partitions_low,
        r.recommended_partitions_high,
      ],
      ["", "", "", ""],
      name,
    );
  }
});

Deno.test("detail CSV: 1,048,576 B/s on average is consumer_throughput 1.000000 MB/s", () => {
  const r = row("steady");
  assertEquals(r.method, "sampling_records");
  assertEquals(r.is_compacted, "no");
  assertEquals(r.consumer_throughput, "1.000000");
  assertEquals(r.peak_throughput, "1.000000");
  // required = peak × factor 3
  assertEquals(r.required_throughput, "3.000000");
  assertEquals(r.recommended_partitions, "6");
  assertEquals(r.window_days, "7.000");
  assertEquals(r.avg_record_bytes, "1024.0");
  assertEquals(r.avg_payload_bytes, "800.0");
  assertEquals(r.action, "keep");
  assertEquals(r.window_end, "2026-09-08T00:00:00.000Z");
  assertEquals(r.window_start, "2026-09-01T00:00:00.000Z");
});

Deno.test("detail CSV: number_of_records is the records in the window, not the log", () => {
  // 168 hours × 3,686,400 records of 1 KiB (1 MiB/s).
  assertEquals(row("steady").number_of_records, String(168 * 3_686_400));
  const orders = report.topics.find((t) => t.topicName === "orders")!;
  assertEquals(row("orders").number_of_records, String(orders.recordsInWindow));
});

Deno.test("detail CSV: required is peak × factor, consumer the average, both MB/s", () => {
  const r = row("orders");
  // 47 hours at 5 MiB/s and one at 30 over 2 days: average 265/48, peak 30, required 90.
  assertEquals(r.consumer_throughput, (265 / 48).toFixed(6));
  assertEquals(r.peak_throughput, "30.000000");
  assertEquals(r.required_throughput, "90.000000");
  assertEquals(r.recommended_partitions, "9");
  assertEquals(r.action, "increase");
  assertEquals(r.warnings, "keyed_topic|skewed|window_capped|low_sample|uncertain");
  assertEquals(r.window_days, "2.000");
  assertEquals(r.peak_hour_start, new Date(E - 10 * 3_600_000).toISOString());
  // 900,000 of 1,000,000 records on one of 6 partitions: 5.4 × the mean.
  assertEquals(r.skew, "5.400");
});

Deno.test("detail CSV: empty and failed topics recommend 0, as the reference did", () => {
  const empty = row("empty-topic");
  assertEquals(empty.status, "empty");
  assertEquals(empty.number_of_records, "0");
  assertEquals(empty.required_throughput, "0.000000");
  assertEquals(empty.consumer_throughput, "0.000000");
  assertEquals(empty.recommended_partitions, "0");
  assertEquals([empty.peak_throughput, empty.action, empty.error], ["", "", ""]);

  const broken = row("broken");
  assertEquals(broken.status, "error");
  assertEquals(broken.number_of_records, "");
  assertEquals(broken.required_throughput, "");
  assertEquals(broken.recommended_partitions, "0");
  assertEquals(broken.error, "Cannot describe topic: TOPIC_AUTHORIZATION_FAILED");
});

Deno.test("detail CSV: names a spreadsheet would run get a leading quote and parse back", () => {
  const text = renderDetailCsv(report);
  assertStringIncludes(text, `\nsampling_records,"'=HYPERLINK(""x"")",no,`);
  assertStringIncludes(text, "\nsampling_records,'-rm,no,");
  assertEquals(row(`'=HYPERLINK("x")`).number_of_partitions, "12");
  assertEquals(row(`'=HYPERLINK("x")`).action, "over_partitioned");
  assertEquals(row("'-rm").recommended_partitions, "6");
  // A comma and a quote are CSV's business only: quoted, not prefixed.
  assertEquals(row('a,b "c"').is_compacted, "yes");
  assertEquals(row('a,b "c"').warnings, "compacted");
  for (const r of detail) {
    for (const [column, cell] of Object.entries(r)) {
      assert(!/^[=+\-@\t\r]/.test(cell), `${column} holds a live formula: ${cell}`);
    }
  }
});

Deno.test("detail CSV: numbers keep fixed decimals and never use exponents", () => {
  const numeric = [
    "number_of_records",
    "number_of_partitions",
    "required_throughput",
    "consumer_throughput",
    "recommended_partitions",
    "peak_throughput",
    "window_days",
    "avg_record_bytes",
    "avg_payload_bytes",
    "skew",
    "consumer_fan_out",
    "avg_record_bytes_low",
    "avg_record_bytes_high",
    "recommended_partitions_low",
    "recommended_partitions_high",
  ];
  for (const r of detail) {
    for (const c of numeric) assert(/^(\d+(\.\d+)?)?$/.test(r[c]!), `${c}: ${r[c]}`);
  }
  assertEquals(fixed(1e-7, 6), "0.000000");
  assertEquals(fixed(1.5e21, 1), "1500000000000000000000.0");
  assertEquals(plainNumber(100 / 3), "33.333333");
  assertEquals(plainNumber(0.5), "0.5");
  assertEquals(plainNumber(12), "12");
});

Deno.test("textCell neutralises = + - @ tab and CR, full-width forms too, and nothing else", () => {
  for (const s of ["=1+1", "+1", "-rm", "@SUM(A1)", "\tx", "\rx", "\uFF1D1"]) {
    assertEquals(textCell(s), `'${s}`);
  }
  for (const s of ["orders", "a=b", " =x", "", "'quoted"]) assertEquals(textCell(s), s);
  assertEquals(textCell(null), "");
});

Deno.test("detail CSV lists topics by name whatever order they arrive in", () => {
  const reversed = fixtureReport({ topics: [...report.topics].reverse() });
  assertEquals(renderDetailCsv(reversed), renderDetailCsv(report));
});

Deno.test("summary CSV: stat,value rows in summaryStats' order, Python-style values", () => {
  const rows = parseCsv(renderSummaryCsv(report));
  assertEquals(rows[0], ["stat", "value"]);
  const stats = summaryStats(report.summary, report.run);
  assertEquals(rows.slice(1).map((r) => r[0]), stats.map((s) => s.stat));
  const value = (stat: string) => rows.find((r) => r[0] === stat)?.[1];
  assertEquals(value("method"), "sampling_records");
  assertEquals(value("internal_topics_included"), "False");
  assertEquals(value("topic_filter"), "None");
  assertEquals(value("total_topics"), "7");
  assertEquals(value("partitions_to_add"), "3");
  assertEquals(value("elapsed_time_hours"), "0.25");
});

Deno.test("summary CSV: a cluster that failed ends with its error, neutralised", () => {
  const failed = fixtureReport({ error: "-unreachable: connect ECONNREFUSED" });
  const rows = parseCsv(renderSummaryCsv(failed));
  assertEquals(rows.at(-1), ["error", "'-unreachable: connect ECONNREFUSED"]);
  const filtered = fixtureReport({ run: { ...report.run, topicFilter: "=cmd" } });
  assertEquals(parseCsv(renderSummaryCsv(filtered)).find((r) => r[0] === "topic_filter"), [
    "topic_filter",
    "'=cmd",
  ]);
});

const JSON_TOP_FIELDS = [
  "schema_version",
  "cluster_id",
  "method",
  "analysis_time",
  "window_end",
  "parameters",
  "topics",
  "summary",
  "notes",
  "error",
];

const JSON_TOPIC_FIELDS = [
  "topic_name",
  "status",
  "error",
  "partitions",
  "is_compacted",
  "retention_ms",
  "window_start",
  "window_end",
  "window_days",
  "records_in_window",
  "bytes_in_window",
  "avg_record_bytes",
  "avg_record_bytes_low",
  "avg_record_bytes_high",
  "avg_payload_bytes",
  "avg_bytes_per_second",
  "peak_bytes_per_second",
  "peak_hour_start",
  "required_bytes_per_second",
  "recommended_partitions",
  "recommended_partitions_low",
  "recommended_partitions_high",
  "action",
  "warnings",
  "skew",
  "consumer_fan_out",
  "peak_records_per_second",
  "peak_minute_start",
  "peak_minute_records_per_second",
  "peak_minute_bytes_per_second",
  "peak_window",
  "required_records_per_second",
  "reason",
  "terms",
  "keys_kept_pct",
  "distinct_keys",
  "consumer_groups",
  "largest_group_members",
  "consumer_lag",
  "hot_partition_hours",
  "hot_partition_ingress",
  "hot_partition_egress",
  "hourly",
];

Deno.test("JSON report has exactly the contract's fields, schema_version 1", () => {
  const json = JSON.parse(renderJson(report));
  assertEquals(Object.keys(json).sort(), [...JSON_TOP_FIELDS].sort());
  assertEquals(json.schema_version, 1);
  assertEquals(json.cluster_id, "lkc-test01");
  assertEquals(json.method, "sampling");
  assertEquals(json.analysis_time, "2026-09-08T00:17:42.500Z");
  assertEquals(json.window_end, "2026-09-08T00:00:00.000Z");
  assertEquals(json.error, null);
  assertEquals(json.topics.length, 7);
  for (const t of json.topics) {
    assertEquals(Object.keys(t).sort(), [...JSON_TOPIC_FIELDS].sort(), t.topic_name);
    for (const h of t.hourly) {
      assertEquals(Object.keys(h).sort(), ["bytes", "hour_start", "records"]);
    }
    // Every term's value, by name, for each recommendation; none without one.
    if (t.recommended_partitions === null) assertEquals([t.terms, t.reason], [null, null]);
    else assertEquals(Object.keys(t.terms), [...TERM_NAMES], t.topic_name);
  }
  assertEquals(json.summary.partitions_to_add, 3);
  assertEquals(json.parameters.topic_filter, []);
  assertEquals(json, toJsonReport(report));
  assert(renderJson(report).endsWith("}\n"));
});

Deno.test("JSON report: rates are bytes per second, unrounded; unknowns are null", () => {
  const topics = toJsonReport(report).topics;
  const get = (name: string) => topics.find((t) => t.topic_name === name)!;
  const steady = get("steady");
  assertEquals(steady.avg_bytes_per_second, MIB);
  assertEquals(steady.required_bytes_per_second, 3 * MIB);
  assertEquals(steady.hourly.length, 168);
  assertEquals(steady.hourly[0], {
    hour_start: "2026-09-01T00:00:00.000Z",
    records: 3_686_400,
    bytes: 3600 * MIB,
  });
  const orders = get("orders");
  assertEquals(orders.avg_bytes_per_second, (265 / 48) * MIB);
  assertEquals(orders.peak_bytes_per_second, 30 * MIB);
  assertEquals(orders.retention_ms, 2 * 86_400_000);
  assertEquals(get('a,b "c"').retention_ms, -1);
  const broken = get("broken");
  assertEquals(
    [broken.records_in_window, broken.peak_hour_start, broken.action, broken.window_days],
    [null, null, null, null],
  );
  assertEquals(get("empty-topic").records_in_window, 0);
  assertEquals(get("empty-topic").recommended_partitions, null);
});

Deno.test("JSON report: the bytes-per-record interval and the recommendation at its ends", () => {
  const topics = toJsonReport(report).topics;
  const get = (name: string) => topics.find((t) => t.topic_name === name)!;
  const ends = (name: string) => {
    const t = get(name);
    return [
      t.avg_record_bytes_low,
      t.avg_record_bytes_high,
      t.recommended_partitions_low,
      t.recommended_partitions_high,
    ];
  };
  assertEquals(ends("orders"), [900, 1100, 8, 10]);
  assertEquals(get("orders").warnings.at(-1), "uncertain");
  assertEquals(ends("-rm"), [1000, 1050, 6, 6]);
  assertEquals(ends("steady"), [1024, 1024, 6, 6]);
  assertEquals(ends("empty-topic"), [null, null, null, null]);
  assertEquals(ends("broken"), [null, null, null, null]);
});

Deno.test("report file names: <cluster>-recommender-<epoch seconds>-…, id made safe", () => {
  assertEquals(reportFileNames("lkc-test01", T0), {
    detail: "lkc-test01-recommender-1788826662-detail-report.csv",
    summary: "lkc-test01-recommender-1788826662-summary-report.csv",
    json: "lkc-test01-recommender-1788826662-report.json",
    markdown: "lkc-test01-recommender-1788826662-report.md",
    html: "lkc-test01-recommender-1788826662-report.html",
    plan: "lkc-test01-recommender-1788826662-apply-plan.md",
  });
  assertEquals(
    reportFileNames("../a b/c:d", 1_999).json,
    ".._a_b_c_d-recommender-1-report.json",
  );
});

Deno.test("writeClusterReports writes each format into a new directory, nothing else", async () => {
  const root = await Deno.makeTempDir();
  try {
    const dir = `${root}/out/nested`;
    const paths = await writeClusterReports(report, dir, new Set(["csv", "json", "md"]));
    const names = reportFileNames(report.clusterId, report.analysisTime);
    assertEquals(paths, [
      `${dir}/${names.detail}`,
      `${dir}/${names.summary}`,
      `${dir}/${names.json}`,
      `${dir}/${names.markdown}`,
    ]);
    const listed = [];
    for await (const e of Deno.readDir(dir)) listed.push(e.name);
    assertEquals(listed.sort(), [names.detail, names.summary, names.json, names.markdown].sort());
    assertEquals(await Deno.readTextFile(paths[0]!), renderDetailCsv(report));
    assertEquals(await Deno.readTextFile(paths[1]!), renderSummaryCsv(report));
    assertEquals(await Deno.readTextFile(paths[2]!), renderJson(report));
    assertEquals(await Deno.readTextFile(paths[3]!), renderMarkdown(report));

    // A second run over the same names replaces the files and leaves no temporaries.
    assertEquals(await writeClusterReports(report, dir, new Set(["json"])), [paths[2]]);
    const again = [];
    for await (const e of Deno.readDir(dir)) again.push(e.name);
    assertEquals(again.sort(), listed.sort());
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("writeClusterReports removes its temporary file when a write fails", async () => {
  const calls: string[] = [];
  const fs: ReportFs = {
    mkdir: () => Promise.resolve(),
    writeTextFile: (path) => {
      calls.push(`write ${path}`);
      return Promise.resolve();
    },
    rename: () => Promise.reject(new Error("disk full")),
    remove: (path) => {
      calls.push(`remove ${path}`);
      return Promise.resolve();
    },
  };
  const err = await assertRejects(
    () => writeClusterReports(report, "out", new Set(["json"]), { fs }),
    Error,
    "disk full",
  );
  assertStringIncludes(err.message, "lkc-test01-recommender-1788826662-report.json");
  assertEquals(calls.length, 2);
  assertEquals(calls[0]!.replace("write ", "remove "), calls[1]);
  // A short temporary name, not the final one plus a suffix (which could pass 255 bytes).
  assert(/^write out\/\.kpr-[0-9a-f-]{36}\.tmp$/.test(calls[0]!), calls[0]);
});

Deno.test("writeClusterReports names no file until every format is written: a failed write leaves none", async () => {
  const calls: string[] = [];
  const fs: ReportFs = {
    mkdir: () => Promise.resolve(),
    writeTextFile: (path) => {
      calls.push(`write ${path}`);
      // The third file (the JSON report, after the two CSV files) cannot be written.
      return calls.length === 3 ? Promise.reject(new Error("disk full")) : Promise.resolve();
    },
    rename: (from) => {
      calls.push(`rename ${from}`);
      return Promise.resolve();
    },
    remove: (path) => {
      calls.push(`remove ${path}`);
      return Promise.resolve();
    },
  };
  const err = await assertRejects(
    () => writeClusterReports(report, "out", new Set(["csv", "json", "md"]), { fs }),
    Error,
    "disk full",
  );
  assertStringIncludes(err.message, "lkc-test01-recommender-1788826662-report.json");
  const writes = calls.filter((c) => c.startsWith("write ")).map((c) => c.slice(6));
  assertEquals(writes.length, 3, "the Markdown report is not rendered after the failure");
  assertEquals(calls.filter((c) => c.startsWith("rename ")), [], "no file named");
  assertEquals(
    calls.filter((c) => c.startsWith("remove ")).map((c) => c.slice(7)).sort(),
    [...writes].sort(),
    "every temporary file removed",
  );
});

Deno.test("the JSON report in pieces, a topic each, joins into JSON.stringify's two-space layout", () => {
  for (
    const r of [report, { ...report, topics: [] }, { ...report, topics: report.topics.slice(0, 1) }]
  ) {
    const pieces = [...jsonPieces(r)];
    assertEquals(pieces.join(""), JSON.stringify(toJsonReport(r), null, 2) + "\n");
    assertEquals(pieces.join(""), renderJson(r));
    // The frame before and after the topics, and one piece per topic.
    assertEquals(pieces.length, r.topics.length === 0 ? 1 : r.topics.length + 2);
  }
});

Deno.test("writeClusterReports with no formats touches nothing", async () => {
  const fs: ReportFs = {
    mkdir: () => Promise.reject(new Error("must not create")),
    writeTextFile: () => Promise.reject(new Error("must not write")),
    rename: () => Promise.reject(new Error("must not rename")),
    remove: () => Promise.reject(new Error("must not remove")),
  };
  assertEquals(await writeClusterReports(report, "out", new Set(), { fs }), []);
});

Deno.test("Markdown report lists increases first, with names as code", () => {
  const md = renderMarkdown(report);
  const rows = md.split("\n").filter((l) => l.startsWith("| `"));
  assertEquals(
    rows[0],
    "| `orders` | 6 → 9 (8–10) | 30.0 MiB/s | 30.7k | increase | consumer\\_bytes | " +
      "keyed_topic, skewed, window_capped, low_sample, uncertain |",
  );
  assertEquals(rows.length, 7);
  assertStringIncludes(md, "Reason: the limit that set the count.");
  assertStringIncludes(md, '| `=HYPERLINK("x")` | 12 → 6 |');
  assertStringIncludes(
    md,
    "| `broken` | 4 |  |  | error: Cannot describe topic: TOPIC\\_AUTHORIZATION\\_FAILED |",
  );
  assertStringIncludes(md, "7 topics: 1 need more partitions (3 to add)");
});

Deno.test("a cluster's notes are in the JSON and the Markdown report", () => {
  const noted = fixtureReport({ notes: ["consumer groups not read: GROUP_AUTHORIZATION_FAILED"] });
  assertEquals(toJsonReport(noted).notes, ["consumer groups not read: GROUP_AUTHORIZATION_FAILED"]);
  assertStringIncludes(
    renderMarkdown(noted),
    "Note: consumer groups not read: GROUP\\_AUTHORIZATION\\_FAILED",
  );
  assertEquals(toJsonReport(report).notes, []);
});

Deno.test("Markdown report says how many increases only reach a policy floor", () => {
  const floor = fixtureReport({
    topics: report.topics.map((t) => t.action === "increase" ? { ...t, reason: "minimum" } : t),
  });
  assertStringIncludes(
    renderMarkdown(floor),
    "(3 to add; 1 of them only to reach a policy floor, reason `minimum` or `brokers`)",
  );
  assert(!renderMarkdown(report).includes("only to reach a policy floor"));
});

Deno.test("Markdown report shows a range only where the interval's ends differ, and says what it is", () => {
  const md = renderMarkdown(report);
  assertStringIncludes(md, "| `-rm` | 6 → 6 | "); // its narrow interval moves nothing
  assertStringIncludes(md, "| `steady` | 6 → 6 | ");
  assertEquals(md.match(/ \(\d+–\d+\)/g), [" (8–10)"]);
  assertStringIncludes(md, "A range in parentheses is the recommendation at either end");
  const certain = fixtureReport({
    topics: report.topics.filter((t) => !t.warnings.includes("uncertain")),
  });
  assert(!renderMarkdown(certain).includes("A range in parentheses"));
});

Deno.test("GitHub step summary shows the range of an uncertain increase", () => {
  const summary = renderStepSummary({ reports: [{ report, files: [] }] });
  assertStringIncludes(summary, "| `orders` | 6 → 9 (8–10) | 30.0 MiB/s | ");
});

// --- hot-partition flags ---------------------------------------------------------------------

/** The fixture with the cluster's flags: orders hot both ways, steady cold, empty-topic read hot. */
const flagged = fixtureReport(
  {},
  MEASUREMENTS.map((m) => {
    const flags: Record<string, Partial<TopicMeasurement>> = {
      orders: { hotPartitionIngress: true, hotPartitionEgress: true },
      steady: { hotPartitionIngress: false, hotPartitionEgress: false },
      "empty-topic": { hotPartitionEgress: true },
      broken: { hotPartitionIngress: true, hotPartitionEgress: true },
    };
    return { ...m, ...flags[m.topic] };
  }),
);

Deno.test("detail CSV: hot_partition_ingress and hot_partition_egress are yes, no, or empty (n/a)", () => {
  const rows = csvRecords(renderDetailCsv(flagged));
  const flags = (topic: string) => {
    const r = rows.find((d) => d.topic_name === topic)!;
    return [r.hot_partition_ingress, r.hot_partition_egress];
  };
  assertEquals(flags("orders"), ["yes", "yes"]);
  assertEquals(flags("steady"), ["no", "no"]);
  assertEquals(flags("empty-topic"), ["", "yes"]);
  assertEquals(flags("broken"), ["", ""], "a failed topic knows nothing");
  assertEquals(flags('a,b "c"'), ["", ""]);
  const [header] = parseCsv(renderDetailCsv(flagged));
  assertEquals(header!.slice(-2), ["hot_partition_ingress", "hot_partition_egress"]);
});

Deno.test("JSON report: hot-partition flags as booleans or null, counts and percentages in the summary", () => {
  const json = toJsonReport(flagged);
  const flags = (topic: string) => {
    const t = json.topics.find((x) => x.topic_name === topic)!;
    return [t.hot_partition_ingress, t.hot_partition_egress];
  };
  assertEquals(flags("orders"), [true, true]);
  assertEquals(flags("steady"), [false, false]);
  assertEquals(flags("empty-topic"), [null, true]);
  assertEquals(flags("-rm"), [null, null]);
  assertEquals(json.summary.hot_partition_ingress_count, 1);
  assertEquals(json.summary.hot_partition_ingress_percentage, (1 / 7) * 100);
  assertEquals(json.summary.hot_partition_egress_count, 2);
  assertEquals(json.summary.hot_partition_egress_percentage, (2 / 7) * 100);
  const summary = new Map(csvRecords(renderSummaryCsv(flagged)).map((r) => [r.stat, r.value]));
  assertEquals(
    ["count", "percentage"].map((s) => summary.get(`hot_partition_egress_${s}`)),
    ["2", "28.571429"],
  );
});

Deno.test("Markdown report: a hot-partition column only for a flag some topic has, yes / no / n/a", () => {
  const md = renderMarkdown(flagged);
  assertStringIncludes(
    md,
    "| Topic | Partitions | Peak | Peak records/s | Action | Reason | Warnings | Hot ingress | " +
      "Hot egress |\n| --- | ---: | ---: | ---: | --- | --- | --- | --- | --- |\n",
  );
  const rows = md.split("\n").filter((l) => l.startsWith("| `"));
  const ending = (topic: string) => rows.find((r) => r.startsWith(`| \`${topic}\` |`))!;
  assert(ending("orders").endsWith(" | yes | yes |"), ending("orders"));
  assert(ending("steady").endsWith(" | no | no |"), ending("steady"));
  assert(ending("empty-topic").endsWith(" | n/a | yes |"), ending("empty-topic"));
  assert(ending("broken").endsWith(" | n/a | n/a |"), ending("broken"));
  assertStringIncludes(md, "Hot ingress and hot egress: whether a partition of the topic was hot");
  // Sampling knows ingress only: no egress column of n/a. Nothing known: no column at all.
  const ingressOnly = fixtureReport({
    topics: flagged.topics.map((t) => ({ ...t, hotPartitionEgress: null })),
  });
  assertStringIncludes(renderMarkdown(ingressOnly), "| Warnings | Hot ingress |\n");
  assert(!renderMarkdown(ingressOnly).includes("Hot egress |"));
  assert(!renderMarkdown(report).includes("Hot ingress"));
});
