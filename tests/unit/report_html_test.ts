// renderHtml() as text: what a browser would be given. Escaping of every cluster string, the
// sort keys the page's script reads, human units, one chart per active topic with its capacity
// lines, empty and failed topics, long windows and large clusters, and a Content-Security-Policy
// that allows exactly the page's own style and script. The page in a real browser is tested in
// tests/integration/report_html_browser_test.ts.
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../assert.ts";
import {
  analyzeTopic,
  DAY_MS,
  DEFAULT_MODEL_PARAMS,
  HOUR_MS,
  summarizeCluster,
  type TopicMeasurement,
  type TopicResult,
} from "../../src/model/mod.ts";
import { actionOf, HTML_ACTIONS, renderHtml, TABLE_PAGE } from "../../src/report/html.ts";
import { escapeHtml } from "../../src/report/_html_escape.ts";
import { MAX_CHART_POINTS, niceCeil, partitionLimits } from "../../src/report/_html_chart.ts";
import { SCRIPT, STYLE } from "../../src/report/_html_assets.ts";
import { E, fixtureReport, MEASUREMENTS, MIB } from "./_report_fixture.ts";

const HOSTILE = `<script>alert("x")</script>&'`;

/** A measurement of `hours` hours up to E at `mibPerSecond`, one busy hour, a peak minute. */
function measurement(topic: string, hours: number, extra: Partial<TopicMeasurement> = {}) {
  const start = E - hours * HOUR_MS;
  const hourly = [];
  for (let h = start; h < E; h += HOUR_MS) {
    const mib = h === E - 5 * HOUR_MS ? 8 : 2;
    hourly.push({ hourStart: h, records: mib * 1024 * 3600, bytes: mib * MIB * 3600 });
  }
  const m: TopicMeasurement = {
    topic,
    partitions: 6,
    isCompacted: false,
    retentionMs: -1,
    windowStart: start,
    windowEnd: E,
    hourly,
    partitionRecords: null,
    sample: null,
    peakMinute: {
      minuteStart: E - 5 * HOUR_MS + 7 * 60_000,
      records: 60 * 20_000,
      bytes: 60 * 20 * MIB,
    },
    error: null,
    ...extra,
  };
  return m;
}

function report(measurements: readonly TopicMeasurement[]) {
  return fixtureReport({}, measurements);
}

/** Each topic's <tbody> by topic name (names unescaped). */
function bodies(html: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of html.matchAll(/<tbody id="t\d+" data-name="([^"]*)"[\s\S]*?<\/tbody>/g)) {
    out.set(unescape(m[1]!), m[0]);
  }
  return out;
}

function unescape(text: string): string {
  return text.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'").replaceAll("&amp;", "&");
}

/** The data-v of every cell of a topic's main row, in column order (undefined: none). */
function sortKeys(body: string): (string | undefined)[] {
  const row = body.match(/<tr>([\s\S]*?)<\/tr>/)![1]!;
  return [...row.matchAll(/<td([^>]*)>/g)].map((m) => m[1]!.match(/data-v="([^"]*)"/)?.[1]);
}

function headers(html: string): { title: string; numeric: boolean }[] {
  return [...html.matchAll(/<th([^>]*)><button type="button">([^<]*)<\/button><\/th>/g)]
    .map((m) => ({ title: m[2]!, numeric: m[1]!.includes(`data-type="num"`) }));
}

Deno.test("escapeHtml() escapes &, <, >, both quotes, and replaces NUL", () => {
  assertEquals(
    escapeHtml(`<a href="x" title='y'>&amp;</a>\0`),
    "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;\uFFFD",
  );
});

Deno.test("renderHtml() escapes every string from the cluster: topic names, errors, notes, cluster id, settings", () => {
  const html = renderHtml(fixtureReport({
    clusterId: `lkc-<blink>"1"`,
    notes: [`groups: <i>denied</i> & more`],
    error: null,
    parameters: { topic_filter: [`<x>`], odd: `"quoted" & 'single'` },
  }, [
    measurement(HOSTILE, 48),
    {
      ...measurement(`"><img src=x onerror=alert(1)>`, 48),
      hourly: [],
      error: `<blink>no</blink> & "why"`,
    },
  ]));
  // Our own script is the only script element, and no cluster string became markup.
  assertEquals(html.match(/<script/g)?.length, 1);
  for (const raw of [HOSTILE, "<blink>", "<i>", "<img", "<x>", `"quoted"`, "'single'"]) {
    assert(!html.includes(raw), `${raw} appears unescaped`);
  }
  assertStringIncludes(html, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;");
  assertStringIncludes(
    html,
    `data-name="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;"`,
  );
  assertStringIncludes(html, "<code>lkc-&lt;blink&gt;&quot;1&quot;</code>");
  assertStringIncludes(html, "groups: &lt;i&gt;denied&lt;/i&gt; &amp; more");
  assertStringIncludes(html, "&lt;blink&gt;no&lt;/blink&gt; &amp; &quot;why&quot;");
  assertStringIncludes(html, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
  // The escaped name reads back as the name.
  assert(bodies(html).has(HOSTILE));
});

Deno.test("every numeric column is marked for numeric sorting and carries exact sort keys", () => {
  const r = fixtureReport();
  const html = renderHtml(r);
  const cols = headers(html);
  assertEquals(cols.map((c) => c.title), [
    "Topic",
    "Partitions",
    "Recommended",
    "Action",
    "Reason",
    "Peak hour",
    "Peak minute",
    "Peak records/s",
    "Records in window",
    "Warnings",
  ]);
  // The page's script sorts these as numbers, by their data-v keys.
  assertEquals(cols.filter((c) => c.numeric).map((c) => c.title), [
    "Partitions",
    "Recommended",
    "Peak hour",
    "Peak minute",
    "Peak records/s",
    "Records in window",
  ]);
  // Action sorts by rank, increase first, not alphabetically.
  assertEquals(HTML_ACTIONS, ["increase", "keep", "over_partitioned", "empty", "error"]);
  const byName = bodies(html);
  assertEquals(byName.size, r.topics.length);
  for (const t of r.topics) {
    const keys = sortKeys(byName.get(t.topicName)!);
    assertEquals(keys.length, cols.length);
    cols.forEach((c, i) => {
      if (!c.numeric) return;
      assert(keys[i] !== undefined, `${t.topicName}: no data-v in ${c.title}`);
      assert(keys[i] === "" || Number.isFinite(Number(keys[i])), `${c.title}: ${keys[i]}`);
    });
    const n = (v: number | null) => v === null ? "" : String(v);
    assertEquals(keys[1], String(t.partitions));
    assertEquals(keys[2], n(t.recommendedPartitions));
    assertEquals(keys[5], n(t.peakBytesPerSecond));
    assertEquals(keys[8], n(t.recordsInWindow));
    assertEquals(keys[3], String(HTML_ACTIONS.indexOf(actionOf(t))));
  }
});

Deno.test("rates and counts are shown in human units, the range of an uncertain recommendation beside it", () => {
  const byName = bodies(renderHtml(fixtureReport()));
  const orders = byName.get("orders")!;
  assertStringIncludes(orders, ">30.0 MiB/s</td>");
  assertStringIncludes(orders, ">9 (8–10)</td>");
  assertStringIncludes(orders, ">30.7k/s</td>");
  assertStringIncludes(orders, `<span class="act a-increase">increase</span>`);
  assertStringIncludes(byName.get("steady")!, ">1.00 MiB/s</td>");
  assertStringIncludes(byName.get('=HYPERLINK("x")')!, ">256 KiB/s</td>");
  // The exact count stays available on hover.
  assertMatch(byName.get("steady")!, /title="\d+">\d+(\.\d+)?[kMG]<\/td>/);
});

Deno.test("each active topic has exactly one chart, with two series and its peaks marked", () => {
  const r = report([measurement("busy", 72), ...MEASUREMENTS]);
  const html = renderHtml(r);
  const byName = bodies(html);
  const active = r.topics.filter((t) => t.status === "active");
  assertEquals(html.match(/<svg class="chart"/g)?.length, active.length);
  for (const t of r.topics) {
    const body = byName.get(t.topicName)!;
    const charts = body.match(/<svg class="chart"/g)?.length ?? 0;
    assertEquals(charts, t.status === "active" ? 1 : 0, t.topicName);
    if (t.status !== "active") continue;
    assertEquals(body.match(/<path class="s" d="/g)?.length, 2, `${t.topicName}: series`);
    assertEquals(body.match(/<circle class="pk"/g)?.length, 2, `${t.topicName}: peak hours`);
  }
  const busy = byName.get("busy")!;
  assertEquals(busy.match(/<path class="pm"/g)?.length, 2, "the peak minute, in both panels");
  assertStringIncludes(busy, "peak hour 2026-09-07 19:00 UTC: 8.00 MiB/s");
  assertStringIncludes(busy, "peak minute 2026-09-07 19:07 UTC: 20.0 MiB/s");
  // The chart waits in a template until its topic is opened.
  assertMatch(busy, /<tr class="chart" id="c\d+" hidden><td colspan="10"><template>/);
});

Deno.test("capacity lines: current and recommended partitions × the per-partition byte rate", () => {
  const r = fixtureReport();
  const byName = bodies(renderHtml(r));
  // orders: 30 MiB/s peak × 3 = 90 MiB/s required; 6 partitions carry 60, the 9 recommended 90.
  const orders = byName.get("orders")!;
  assertEquals(orders.match(/<path class="cur" d="M/g)?.length, 1);
  assertEquals(orders.match(/<path class="rec" d="M/g)?.length, 1);
  assertEquals(orders.match(/<path class="req" d="M/g)?.length, 2, "required, in both panels");
  assertStringIncludes(orders, `<tspan class="t-cur">now (6) 60.0 MiB/s</tspan>`);
  assertStringIncludes(orders, `<tspan class="t-rec">recommended (9) 90.0 MiB/s</tspan>`);
  assertStringIncludes(orders, `<tspan class="t-req">required 90.0 MiB/s</tspan>`);
  // The recommended line is at the required one: 9 × 10 MiB/s is exactly 90 MiB/s.
  const y = (cls: string) =>
    Number(orders.match(new RegExp(`<path class="${cls}" d="M70 ([\\d.]+)H`))![1]);
  assertEquals(y("rec"), y("req"));
  assert(y("cur") > y("rec"), "current capacity is drawn below the recommended one");

  // steady: 1 MiB/s against 60 MiB/s of capacity: named, not drawn, so the traffic stays visible.
  const steady = byName.get("steady")!;
  assertEquals(steady.match(/<path class="(cur|rec)"/g), null);
  assertStringIncludes(steady, "now = recommended (6) 60.0 MiB/s ↑ off scale");
});

Deno.test("without a per-partition rate in the settings no capacity is drawn", () => {
  const r = fixtureReport({ parameters: { sampling_days: 7 } });
  const html = renderHtml(r);
  assertEquals(partitionLimits(r.parameters), { bytesPerSecond: null, recordsPerSecond: null });
  assertEquals(html.match(/<path class="(cur|rec)"/g), null);
  assertStringIncludes(html, "No per-partition byte rate is set, so no capacity is drawn.");
  // The producer rate binds when it is the smaller one; records have their own.
  assertEquals(
    partitionLimits({
      consumer_throughput_per_partition: 10 * MIB,
      producer_throughput_per_partition: 5 * MIB,
      consumer_records_per_second_per_partition: 2000,
      producer_records_per_second_per_partition: null,
    }),
    { bytesPerSecond: 5 * MIB, recordsPerSecond: 2000 },
  );
});

Deno.test("empty and failed topics get a row and a line saying why, but no chart", () => {
  const byName = bodies(renderHtml(fixtureReport()));
  const empty = byName.get("empty-topic")!;
  assertStringIncludes(empty, `data-action="empty"`);
  assertStringIncludes(empty, "No records from 2026-09-01 00:00 UTC to 2026-09-08 00:00 UTC.");
  const broken = byName.get("broken")!;
  assertStringIncludes(broken, `data-action="error"`);
  assertStringIncludes(
    broken,
    `<td class="err">Cannot describe topic: TOPIC_AUTHORIZATION_FAILED</td>`,
  );
  assertStringIncludes(
    broken,
    "Could not be measured: Cannot describe topic: TOPIC_AUTHORIZATION_FAILED",
  );
  for (const body of [empty, broken]) {
    assert(!body.includes("<svg"), "no chart");
    assertEquals(sortKeys(body)[5], "", "unknown peak sorts as unknown");
  }
});

Deno.test("a cluster that could not be analysed renders its error and an empty table", () => {
  const html = renderHtml(fixtureReport({
    topics: [],
    summary: summarizeCluster([]),
    error: "Cannot connect to broker-1:9092 <timeout>",
  }));
  assertStringIncludes(
    html,
    `<p class="alert"><strong>The cluster could not be analysed:</strong> Cannot connect to ` +
      "broker-1:9092 &lt;timeout&gt;</p>",
  );
  assertEquals(html.match(/<tbody/g), null);
  assertStringIncludes(html, `<span id="shown">0 topics</span>`);
});

Deno.test("the summary counts partitions to add and topics by action and by reason", () => {
  const r = fixtureReport();
  const html = renderHtml(r);
  assertStringIncludes(html, `<div class="big" id="to-add">${r.summary.partitionsToAdd}</div>`);
  const count = (a: string) =>
    Number(
      html.match(new RegExp(`data-show="${a}"><span[^>]*>[^<]*</span></button><b>(\\d+)</b>`))![1],
    );
  for (const a of HTML_ACTIONS) {
    assertEquals(count(a), r.topics.filter((t) => actionOf(t) === a).length, a);
  }
  assertStringIncludes(html, "<li><span>minimum</span><b>4</b></li>");
  assertStringIncludes(html, "<li><span>consumer_bytes</span><b>1</b></li>");
  assertStringIncludes(html, "method <code>sampling_records</code>");
  assertStringIncludes(html, "Analysed at 2026-09-08T00:17:42.500Z");
  assertStringIncludes(html, "up to 7 days of complete UTC hours ending 2026-09-08 00:00 UTC");
});

Deno.test("a long window is drawn with at most MAX_CHART_POINTS points, keeping the busiest hour", () => {
  const r = report([measurement("month", 30 * 24)]);
  const html = renderHtml(r);
  const paths = [...html.matchAll(/<path class="s" d="M(\d+) (\d+)l([^"]*)"/g)];
  assertEquals(paths.length, 2);
  for (const [, , , rest] of paths) {
    const numbers = rest!.match(/-?\d+/g)!.length;
    assert(numbers % 2 === 0, "x, y pairs");
    assert(numbers / 2 + 1 <= MAX_CHART_POINTS, `${numbers / 2 + 1} points`);
    assert(numbers / 2 + 1 >= MAX_CHART_POINTS / 2, `${numbers / 2 + 1} points: too coarse`);
  }
  // Every 5-hour bucket holds quiet 2 MiB/s hours, one also the 8 MiB/s hour: bucket maxima
  // keep it, so the path has two levels and the busy one once.
  const [, , y0, rest] = paths[0]!;
  const pairs = rest!.match(/-?\d+/g)!.map(Number);
  const ys = [Number(y0)];
  for (let i = 1; i < pairs.length; i += 2) ys.push(ys.at(-1)! + pairs[i]!);
  const levels = [...new Set(ys)].sort((a, b) => a - b);
  assertEquals(levels.length, 2, `levels ${levels}`);
  assertEquals(ys.filter((y) => y === levels[0]).length, 1);
});

Deno.test("a week of hours is drawn hour by hour, in a small chart", () => {
  const r = report([measurement("week", 7 * 24)]);
  const body = bodies(renderHtml(r)).get("week")!;
  const d = body.match(/<path class="s" d="M\d+ \d+l([^"]*)"/)![1]!;
  assertEquals(d.match(/-?\d+/g)!.length / 2 + 1, 168);
  const chart = body.match(/<svg class="chart"[\s\S]*?<\/svg><\/template>/)![0];
  assert(chart.length < 4500, `the chart takes ${chart.length} characters`);
});

Deno.test("a large cluster keeps one page of topics in the table and the rest in a template", () => {
  const base = measurement("t", 24);
  const ms = Array.from(
    { length: TABLE_PAGE + 7 },
    (_, i) => ({ ...base, topic: `topic-${String(i).padStart(4, "0")}` }),
  );
  const html = renderHtml(report(ms));
  const [table, rest] = html.split(`<template id="more-topics">`);
  assertEquals(table!.match(/<tbody /g)?.length, TABLE_PAGE);
  assertEquals(rest!.match(/<tbody /g)?.length, 7);
  assertStringIncludes(rest!, `data-name="topic-0${TABLE_PAGE}"`);
  assertStringIncludes(html, `<table class="topics" id="topics" data-page="${TABLE_PAGE}">`);
});

Deno.test("the Content-Security-Policy allows exactly the page's style and script, and no network", async () => {
  const html = renderHtml(fixtureReport());
  const csp = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/)![1]!;
  const hash = async (text: string) => {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
    return btoa(String.fromCharCode(...new Uint8Array(digest)));
  };
  assertStringIncludes(csp, "default-src 'none'");
  assertStringIncludes(csp, `style-src 'sha256-${await hash(STYLE)}'`);
  assertStringIncludes(csp, `script-src 'sha256-${await hash(SCRIPT)}'`);
  assertStringIncludes(html, `<style>${STYLE}</style>`);
  assertStringIncludes(html, `<script>${SCRIPT}</script>`);
  // Nothing on the page points elsewhere.
  assertEquals(html.match(/\b(src|href)=/g), null);
  // The apply plan's text names documentation by its address; nothing else mentions one.
  const apart = html.replace(/<details class="apply">[\s\S]*?<\/details>/, "");
  assertEquals(apart.match(/https?:\/\//g), null);
});

Deno.test("niceCeil() rounds an axis top up to 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 in its unit", () => {
  assertEquals(niceCeil(37 * MIB, 1024), 40 * MIB);
  assertEquals(niceCeil(90 * MIB, 1024), 100 * MIB);
  assertEquals(niceCeil(1000, 1000), 1000);
  assertEquals(niceCeil(1001, 1000), 1200);
  assertEquals(niceCeil(0.37, 1024), 0.4);
  assertEquals(niceCeil(0, 1024), 1);
});

Deno.test("results of other shapes render too: a window capped to two days, a topic with consumer groups", () => {
  const topics: TopicResult[] = [
    analyzeTopic(
      measurement("grouped", 2 * 24, {
        retentionMs: 2 * DAY_MS,
        consumerGroups: [{ groupId: "<g>", state: "Stable", members: 9, lag: 1500 }],
      }),
      DEFAULT_MODEL_PARAMS,
      { brokerCount: 3 },
    ),
  ];
  const html = renderHtml(fixtureReport({ topics, summary: summarizeCluster(topics) }));
  const body = bodies(html).get("grouped")!;
  assertStringIncludes(body, "largest consumer group 9 members · lag 1.50k");
  assertStringIncludes(body, `<span class="w">idle_consumers</span>`);
  // Under two days the axis is in hours.
  assertMatch(body, /<text class="xl" x="[\d.]+" y="232">06:00<\/text>/);
});

Deno.test("renderHtml(): a How to apply section with the plan's commands, escaped", () => {
  const html = renderHtml(fixtureReport(), { plan: { bootstrapServers: ["b1:9092"] } });
  assertStringIncludes(html, "<summary>How to apply</summary>");
  assertStringIncludes(html, "The tool never runs these commands.");
  assertStringIncludes(html, "kafka-topics.sh --bootstrap-server b1:9092");
  // Nothing to apply (every topic kept): no commands.
  const kept = fixtureReport({
    topics: fixtureReport().topics.filter((t) => t.action === "keep"),
  });
  assert(!renderHtml(kept).includes("kafka-topics.sh --bootstrap-server"));
});
