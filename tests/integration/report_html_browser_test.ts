// The HTML report in a real browser: the pinned headless Chromium (dev/tools/ensure_chromium.sh)
// opens the page rendered for the demo workload (dev/workload/profiles/demo.json, measured from
// its exact ground truth and analysed by the real model, with the demo's small per-partition
// capacities) plus hostile topic names and a failed topic, over the DevTools Protocol. It must
// load without a console error, an exception or any request but the file itself; clicking a
// numeric header sorts the topics, the filter box and the action select hide rows, and a topic
// opens its chart. A screenshot is kept in .cache/artifacts/html-report.png for a person to
// look at. A second test loads a 10,000-topic report and times loading, sorting and filtering.
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { assert, assertEquals } from "../assert.ts";
import { Browser, type CdpEvent, type Page } from "../support/chromium.ts";
import { partitionHourly, peakMinuteTruth, topicTruth } from "../../dev/workload/ground_truth.ts";
import { DEMO_PROFILE_URL, loadProfile } from "../../dev/workload/profile.ts";
import {
  analyzeTopic,
  DEFAULT_MODEL_PARAMS,
  HOUR_MS,
  measurementWindow,
  type ModelParams,
  summarizeCluster,
  type TopicMeasurement,
  type TopicResult,
} from "../../src/model/mod.ts";
import type { ClusterReport } from "../../src/report/types.ts";
import { renderHtml, TABLE_PAGE } from "../../src/report/html.ts";

const ARTIFACT = fileURLToPath(new URL("../../.cache/artifacts/html-report.png", import.meta.url));
/** E, the window end: a fixed hour, so the page looks the same on every run. */
const ANCHOR = Date.UTC(2026, 8, 8, 0);
const T0 = ANCHOR + 17 * 60_000;
/** The demo's capacities (dev/demo.ts): its topics carry hundreds of bytes per second. */
const PARAMS: ModelParams = {
  ...DEFAULT_MODEL_PARAMS,
  consumerThroughputPerPartition: 200,
  minConsumptionThroughput: 100,
};
/** Log bytes a record costs beyond its payload (record and batch headers), roughly. */
const RECORD_OVERHEAD = 70;
const HOSTILE = `<img src=x onerror="alert(1)">&amp;'"</script>`;

async function demoMeasurements(): Promise<TopicMeasurement[]> {
  const profile = await loadProfile(DEMO_PROFILE_URL);
  return profile.topics.map((topic, i): TopicMeasurement => {
    const retentionMs = topic.retentionMs ?? -1;
    const window = measurementWindow(T0, PARAMS.samplingDays, retentionMs);
    const truth = topicTruth(profile, topic, ANCHOR, window);
    const perRecord = truth.records > 0 ? truth.payloadBytes / truth.records + RECORD_OVERHEAD : 0;
    const minute = peakMinuteTruth(profile, topic, ANCHOR, window, { topHours: 3 });
    const sampled = Math.min(truth.records, 2000);
    return {
      topic: topic.name,
      partitions: topic.partitions,
      isCompacted: topic.cleanupPolicy === "compact",
      retentionMs,
      windowStart: window.start,
      windowEnd: window.end,
      hourly: truth.hourly.map((h) => ({
        hourStart: h.hourStart,
        records: h.records,
        bytes: h.records * perRecord,
      })),
      partitionRecords: truth.perPartition,
      partitionHourly: partitionHourly(profile, topic, ANCHOR, window),
      sample: truth.records === 0 ? null : {
        records: sampled,
        batches: Math.ceil(sampled / 20),
        logBytes: sampled * perRecord,
        batchRecords: sampled,
        payloadBytes: sampled * (perRecord - RECORD_OVERHEAD),
        keyedRecords: truth.keyed ? sampled : 0,
      },
      // Every other topic as if sampled with some spread, the rest as if measured exactly.
      recordBytes: i % 2 === 0 && perRecord > 0
        ? { low: perRecord * 0.9, high: perRecord * 1.1 }
        : null,
      peakMinute: minute === null ? null : {
        minuteStart: minute.minuteStart,
        records: minute.records,
        bytes: minute.records * perRecord,
      },
      consumerGroups: topic.name === "stock_trades"
        ? [{ groupId: "trade-settlement", state: "Stable", members: 8, lag: 12_345 }]
        : null,
      error: null,
    };
  });
}

function clusterReport(topics: TopicResult[], clusterId: string): ClusterReport {
  return {
    clusterId,
    method: "sampling",
    analysisTime: T0,
    windowEnd: ANCHOR,
    parameters: {
      sampling_days: PARAMS.samplingDays,
      min_recommended_partitions: PARAMS.minRecommendedPartitions,
      min_consumption_throughput: PARAMS.minConsumptionThroughput,
      required_consumption_throughput_factor: PARAMS.requiredThroughputFactor,
      consumer_throughput_per_partition: PARAMS.consumerThroughputPerPartition,
      producer_throughput_per_partition: null,
      partition_rounding: PARAMS.partitionRounding,
      topic_filter: [],
    },
    brokerCount: 3,
    topics,
    summary: summarizeCluster(topics),
    run: {
      elapsedTimeHours: 0.02,
      method: "sampling_records",
      requiredConsumptionThroughputFactor: PARAMS.requiredThroughputFactor,
      minimumRequiredThroughputThreshold: PARAMS.minConsumptionThroughput / 1_048_576,
      defaultPartitionCount: PARAMS.minRecommendedPartitions,
      samplingBatchSize: 10_000,
      samplingDays: PARAMS.samplingDays,
      samplingMaxConsecutiveNulls: 50,
      samplingTimeout: 2,
      samplingMaxContinuousFailedBatches: 5,
      internalTopicsIncluded: true,
      topicFilter: null,
    },
    notes: ["Consumer groups of 1 topic could not be described: <GROUP_AUTHORIZATION_FAILED>"],
    error: null,
  };
}

async function demoReport(): Promise<ClusterReport> {
  const measurements = await demoMeasurements();
  const orders = measurements.find((m) => m.topic === "orders_hot_key")!;
  measurements.push(
    { ...orders, topic: HOSTILE },
    {
      ...orders,
      topic: "payments<&>",
      hourly: [],
      partitionRecords: null,
      partitionHourly: null,
      sample: null,
      peakMinute: null,
      error: `Cannot describe topic: TOPIC_AUTHORIZATION_FAILED for "payments<&>"`,
    },
  );
  const topics = measurements.map((m) => analyzeTopic(m, PARAMS, { brokerCount: 3 }));
  return clusterReport(topics, "demo<&>");
}

/** Console errors, uncaught exceptions and log errors the page produced, as text. */
function problems(events: readonly CdpEvent[]): string[] {
  return events.flatMap((e) => {
    if (e.method === "Runtime.exceptionThrown") {
      return [
        `exception: ${
          e.params.exceptionDetails?.exception?.description ?? e.params.exceptionDetails?.text
        }`,
      ];
    }
    if (e.method === "Runtime.consoleAPICalled" && ["error", "assert"].includes(e.params.type)) {
      return [`console.${e.params.type}: ${JSON.stringify(e.params.args)}`];
    }
    if (e.method === "Log.entryAdded" && e.params.entry.level === "error") {
      return [`log: ${e.params.entry.text} (${e.params.entry.url ?? ""})`];
    }
    return [];
  });
}

function requestedUrls(events: readonly CdpEvent[]): string[] {
  return events.filter((e) => e.method === "Network.requestWillBeSent")
    .map((e) => String(e.params.request.url));
}

/** The topic names in the table's current order (visible or not). */
function order(page: Page): Promise<string[]> {
  return page.evaluate(`[...document.getElementById("topics").tBodies].map((b) => b.dataset.name)`);
}

/** The sort keys (data-v) of column `col` in the table's current order; "" is unknown. */
function columnValues(page: Page, col: number): Promise<string[]> {
  return page.evaluate(
    `[...document.getElementById("topics").tBodies].map((b) => b.rows[0].cells[${col}].dataset.v)`,
  );
}

/** The names of the topics the filter leaves visible, in table order. */
function visibleNames(page: Page): Promise<string[]> {
  return page.evaluate(
    `[...document.getElementById("topics").tBodies].filter((b) => !b.hidden && b.offsetParent !== null).map((b) => b.dataset.name)`,
  );
}

/** Index of a column by its header's title. */
async function columnIndex(page: Page, title: string): Promise<number> {
  const titles = await page.evaluate<string[]>(
    `[...document.querySelectorAll("#topics thead th")].map((th) => th.textContent)`,
  );
  const i = titles.indexOf(title);
  assert(i >= 0, `no column ${title} among ${titles.join(", ")}`);
  return i;
}

/** Waits until `expression` is truthy in the page (the filter applies on a timer). */
async function until(page: Page, expression: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate<boolean>(`Boolean(${expression})`))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${expression}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function assertAscending(values: readonly string[], message: string) {
  const known = values.filter((v) => v !== "").map(Number);
  const unknownFirst = values.indexOf("");
  if (unknownFirst >= 0) {
    assert(values.slice(unknownFirst).every((v) => v === ""), `${message}: unknowns not last`);
  }
  for (let i = 1; i < known.length; i++) {
    assert(known[i - 1]! <= known[i]!, `${message}: ${known[i - 1]} before ${known[i]}`);
  }
}

async function writeHtml(html: string): Promise<{ dir: string; url: string }> {
  const dir = await Deno.makeTempDir({ prefix: "kpr-html-" });
  const file = join(dir, "report.html");
  await Deno.writeTextFile(file, html);
  return { dir, url: new URL(`file://${file}`).href };
}

Deno.test("the HTML report of the demo workload loads cleanly in Chromium, sorts, filters and draws its charts", async () => {
  const report = await demoReport();
  const { dir, url } = await writeHtml(renderHtml(report));
  const browser = await Browser.launch();
  try {
    const page = await browser.newPage();
    await page.send("Emulation.setDeviceMetricsOverride", {
      width: 1400,
      height: 900,
      deviceScaleFactor: 1,
      mobile: false,
    });
    await page.open(url);
    // A hostile name is text in its button, never markup.
    assertEquals(
      await page.evaluate(
        `document.querySelector("#topics tbody[data-name^='<img'] button.t").textContent`,
      ),
      HOSTILE,
    );
    assertEquals(
      await page.evaluate(`document.querySelectorAll("img, body > script ~ script").length`),
      0,
    );
    assertEquals(
      await page.evaluate(`document.querySelector("h1 code").textContent`),
      "demo<&>",
    );

    const total = report.topics.length;
    const initial = await order(page);
    assertEquals(initial.length, total);

    // A numeric column sorts numerically, ascending then descending, unknowns always last.
    const peak = await columnIndex(page, "Peak hour");
    await page.click(`#topics thead th:nth-child(${peak + 1}) button`);
    const ascending = await columnValues(page, peak);
    assertAscending(ascending, "ascending");
    assertEquals(
      await page.evaluate(
        `document.querySelector("#topics thead th:nth-child(${
          peak + 1
        })").getAttribute("aria-sort")`,
      ),
      "ascending",
    );
    await page.click(`#topics thead th:nth-child(${peak + 1}) button`);
    const descending = await columnValues(page, peak);
    const known = descending.filter((v) => v !== "");
    assertAscending([...known].reverse(), "descending");
    assert(descending.slice(known.length).every((v) => v === ""), "unknowns last when descending");
    assert(known.length >= 10, `only ${known.length} topics have a peak`);
    // Records sort as numbers, not as text ("9" after "10" would be text order).
    const records = await columnIndex(page, "Records in window");
    await page.click(`#topics thead th:nth-child(${records + 1}) button`);
    assertAscending(await columnValues(page, records), "records ascending");

    // The name filter hides every topic whose name does not contain the text.
    await page.type("#filter", "STOCK");
    await until(page, `document.getElementById("shown").textContent.startsWith("2 of")`);
    assertEquals(
      (await visibleNames(page)).sort(),
      ["stock_trades", "stock_trades_with_totals"],
    );
    await page.evaluate(
      `(() => { const f = document.getElementById("filter"); f.value = ""; f.dispatchEvent(new Event("input")); })()`,
    );
    await until(page, `document.getElementById("shown").textContent === "${total} topics"`);
    // The action select, through the summary's button for "empty".
    await page.click(`button[data-show="empty"]`);
    const empty = report.topics.filter((t) => t.status === "empty").map((t) => t.topicName);
    assertEquals((await visibleNames(page)).sort(), empty.sort());
    await page.evaluate(
      `(() => { const s = document.getElementById("action"); s.value = "increase"; s.dispatchEvent(new Event("change")); })()`,
    );
    const increase = report.topics.filter((t) => t.action === "increase").map((t) => t.topicName);
    assert(increase.length > 0, "the demo has topics to increase");
    assertEquals((await visibleNames(page)).sort(), [...increase].sort());
    await page.evaluate(
      `(() => { const s = document.getElementById("action"); s.value = ""; s.dispatchEvent(new Event("change")); })()`,
    );

    // A topic opens its chart: two series, the peak marked, capacity lines or an off-scale note.
    await page.click(`#topics tbody[data-name="page_clicks_daily_peak"] button.t`);
    const chart = await page.evaluate<
      { visible: boolean; series: number; peaks: number; lines: number; key: string }
    >(`(() => {
      const row = document.querySelector('#topics tbody[data-name="page_clicks_daily_peak"] tr.chart');
      const svg = row.querySelector("svg.chart");
      return {
        visible: !row.hidden && svg !== null && svg.getBoundingClientRect().height > 100,
        series: svg.querySelectorAll("path.s").length,
        peaks: svg.querySelectorAll("circle.pk").length,
        lines: svg.querySelectorAll("path.cur, path.rec").length,
        key: svg.querySelector("text.key").textContent,
      };
    })()`);
    assert(chart.visible, "the chart row is shown");
    assertEquals(chart.series, 2);
    assertEquals(chart.peaks, 2);
    assert(chart.lines > 0, "capacity lines are drawn");
    assert(/required .* now \(6\) .* recommended \(7\) /.test(chart.key), chart.key);
    await page.click(`#topics tbody[data-name="orders_hot_key"] button.t`);
    await page.click(`#topics tbody[data-name="payments<&>"] button.t`);
    assertEquals(
      await page.evaluate(
        `document.querySelector('#topics tbody[data-name="payments<&>"] tr.chart .err').textContent`,
      ),
      `Could not be measured: Cannot describe topic: TOPIC_AUTHORIZATION_FAILED for "payments<&>"`,
    );

    // Late events (a blocked resource would log after load) have had their chance.
    await new Promise((r) => setTimeout(r, 300));
    assertEquals(problems(page.events), []);
    assertEquals(requestedUrls(page.events), [url]);

    const png = await page.screenshot(1400);
    await Deno.mkdir(dirname(ARTIFACT), { recursive: true });
    await Deno.writeFile(ARTIFACT, png);
    console.log(`screenshot: ${ARTIFACT}`);
  } finally {
    await browser.close();
    await Deno.remove(dir, { recursive: true });
  }
});

/** A week of hours for topic `i`: a daily wave at a topic-specific level, one busy hour. */
function syntheticMeasurement(i: number): TopicMeasurement {
  const window = measurementWindow(T0, 7, -1);
  // 50 B/s to about 64 MiB/s, so every action and many reasons appear.
  const bytesPerSecond = 50 * 1.9 ** (i % 23);
  const hourly = [];
  for (let h = window.start, k = 0; h < window.end; h += HOUR_MS, k++) {
    const wave = 1 + 0.6 * Math.sin((2 * Math.PI * (k + i)) / 24);
    const burst = k === (i * 7) % 168 ? 2.5 : 1;
    const bytes = i % 50 === 0 ? 0 : bytesPerSecond * wave * burst * 3600;
    hourly.push({ hourStart: h, records: Math.round(bytes / 512), bytes });
  }
  return {
    topic: `svc-${String(i % 97).padStart(2, "0")}.events.v${i % 5}.${i}`,
    partitions: [1, 3, 6, 12, 24][i % 5]!,
    isCompacted: false,
    retentionMs: -1,
    windowStart: window.start,
    windowEnd: window.end,
    hourly,
    partitionRecords: null,
    sample: null,
    error: i % 997 === 0 ? "Cannot fetch offsets: REQUEST_TIMED_OUT" : null,
  };
}

Deno.test("a 10,000-topic HTML report loads, sorts and filters in Chromium (timings printed)", async () => {
  const params = { ...DEFAULT_MODEL_PARAMS };
  const topics = Array.from(
    { length: 10_000 },
    (_, i) => analyzeTopic(syntheticMeasurement(i), params, { brokerCount: 3 }),
  );
  const report = clusterReport(topics, "big");
  report.parameters.consumer_throughput_per_partition = params.consumerThroughputPerPartition;
  report.parameters.min_consumption_throughput = params.minConsumptionThroughput;
  const html = renderHtml(report);
  const { dir, url } = await writeHtml(html);
  const browser = await Browser.launch();
  try {
    const page = await browser.newPage();
    let started = performance.now();
    await page.open(url);
    const loadMs = performance.now() - started;

    const records = await columnIndex(page, "Records in window");
    started = performance.now();
    await page.click(`#topics thead th:nth-child(${records + 1}) button`);
    await page.evaluate(`new Promise((r) => requestAnimationFrame(() => setTimeout(r)))`);
    const sortMs = performance.now() - started;
    // One page is attached, and it is the start of the whole order, not of the first page.
    const values = await columnValues(page, records);
    assertEquals(values.length, TABLE_PAGE);
    assertAscending(values, "records ascending");
    const fewest = Math.min(
      ...topics.flatMap((t) => t.recordsInWindow === null ? [] : [t.recordsInWindow]),
    );
    assertEquals(Number(values[0]), fewest);
    assertEquals(
      await page.evaluate(`document.getElementById("shown").textContent`),
      `10000 topics, the first ${TABLE_PAGE} shown`,
    );
    await page.click("#show-more");
    assertEquals((await columnValues(page, records)).length, 2 * TABLE_PAGE);

    started = performance.now();
    await page.type("#filter", "svc-42.");
    await until(page, `document.getElementById("shown").textContent.includes("match")`);
    await page.evaluate(`new Promise((r) => requestAnimationFrame(() => setTimeout(r)))`);
    const filterMs = performance.now() - started;
    const shown = await visibleNames(page);
    assert(shown.length > 0 && shown.every((n) => n.includes("svc-42.")), "filtered by name");

    started = performance.now();
    await page.click(`#topics tbody:not([hidden])[data-action="keep"] button.t`);
    const openMs = performance.now() - started;
    assertEquals(
      await page.evaluate(
        `document.querySelectorAll("#topics tr.chart:not([hidden]) svg.chart").length`,
      ),
      1,
    );
    assertEquals(problems(page.events), []);
    assertEquals(requestedUrls(page.events), [url]);
    console.log(
      `10,000 topics: ${(html.length / 1_048_576).toFixed(1)} MiB of HTML; load ${
        loadMs.toFixed(0)
      } ms, sort ${sortMs.toFixed(0)} ms, filter ${filterMs.toFixed(0)} ms, open a chart ${
        openMs.toFixed(0)
      } ms`,
    );
    // Timings are printed, never asserted: a shared machine makes timed tests flaky.
  } finally {
    await browser.close();
    await Deno.remove(dir, { recursive: true });
  }
});
