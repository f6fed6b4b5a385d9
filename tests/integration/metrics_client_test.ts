// The Metrics API client against the local emulator over real HTTP: hourly series equal to
// the profile's ground truth, 1,000 topics under a 5-requests-a-minute limit (the emulator
// really answers 429; the client's injected sleep moves the emulator's clock, so the waits
// take no wall time), 5xx and network retries, timeouts, 401/403 without retry or secret,
// and restarts after an expired page token.
import {
  assert,
  assertEquals,
  assertMatch,
  assertRejects,
  assertStringIncludes,
} from "../assert.ts";
import {
  type EmulatorOptions,
  type MetricsEmulator,
  startEmulator,
} from "../../dev/metrics_api/emulator.ts";
import {
  groundTruth,
  minuteTruth,
  peakMinuteTruth,
  topicTruth,
} from "../../dev/workload/ground_truth.ts";
import { HOUR_MS, recordsInHour } from "../../dev/workload/plan.ts";
import { loadProfile, profileSchema, type WorkloadProfile } from "../../dev/workload/profile.ts";
import { backoffMs, rateLimitWait } from "../../src/metrics/_http.ts";
import {
  hourlyTopicQuery,
  MAX_FILTER_TOPICS,
  MetricsApiClient,
  type MetricsApiClientOptions,
  minuteTopicQuery,
} from "../../src/metrics/client.ts";
import { planMinuteQueries } from "../../src/metrics/peak_minutes.ts";
import {
  measureByMetrics,
  type MetricsSourceOptions,
  type MetricsTopicMeasurement,
} from "../../src/sources/confluent_metrics.ts";
import type { TopicPlan } from "../../src/plan/cluster_plan.ts";
import {
  MetricsApiAuthError,
  MetricsApiDeadlineError,
  MetricsApiError,
  MetricsApiTimeoutError,
} from "../../src/metrics/errors.ts";

const ANCHOR = Date.UTC(2026, 8, 3);
const START = ANCHOR - 2 * 24 * HOUR_MS;
const CLUSTER = "lkc-cli001";
const KEY = "CLIKEY77";
const SECRET = "cli-secret-5a4b3c2d1e";
const FIXTURE = new URL("../fixtures/metrics_profile.json", import.meta.url);

async function withEmulator(
  extra: Partial<EmulatorOptions> & { profile?: WorkloadProfile },
  fn: (emu: MetricsEmulator, profile: WorkloadProfile) => Promise<void>,
): Promise<void> {
  const profile = extra.profile ?? await loadProfile(FIXTURE);
  const emu = startEmulator({
    anchor: ANCHOR,
    clusterId: CLUSTER,
    apiKey: KEY,
    apiSecret: SECRET,
    ...extra,
    profile,
  });
  try {
    await fn(emu, profile);
  } finally {
    await emu.close();
  }
}

function client(emu: MetricsEmulator, extra: Partial<MetricsApiClientOptions> = {}) {
  return new MetricsApiClient({
    baseUrl: emu.url,
    apiKey: KEY,
    apiSecret: SECRET,
    timeoutMs: 5_000,
    maxRetries: 3,
    sleep: () => Promise.resolve(),
    ...extra,
  });
}

/** topic → hour → expected value, hours without traffic left out (the emulator omits them). */
function expected(
  profile: WorkloadProfile,
  start: number,
  end: number,
  perRecord: (topic: string) => number,
) {
  const out = new Map<string, Map<number, number>>();
  for (const t of groundTruth(profile, ANCHOR, { start, end }).values()) {
    const hours = t.hourly.filter((h) => h.records > 0);
    if (hours.length > 0) {
      out.set(t.topic, new Map(hours.map((h) => [h.hourStart, h.records * perRecord(t.topic)])));
    }
  }
  return out;
}

Deno.test("client hourly series equal the profile's ground truth for every topic", async () => {
  await withEmulator({}, async (emu, profile) => {
    const c = client(emu);
    const records = await c.hourlyTopicSeries(CLUSTER, "received_records", START, ANCHOR);
    assertEquals(records, expected(profile, START, ANCHOR, () => 1));
    const bytes = await c.hourlyTopicSeries(CLUSTER, "received_bytes", START, ANCHOR);
    assertEquals(bytes, expected(profile, START, ANCHOR, (t) => emu.bytesPerRecord(t)));
    const sent = await c.hourlyTopicSeries(CLUSTER, "sent_bytes", START, ANCHOR);
    assertEquals(
      sent,
      expected(profile, START, ANCHOR, (t) => emu.bytesPerRecord(t) * emu.fanOut(t)),
    );
    assert(records.has("_internal_state"), "internal topics are measured too");
    // A window inside the profile: only its hours.
    const day = await c.hourlyTopicSeries(
      CLUSTER,
      "received_records",
      ANCHOR - 24 * HOUR_MS,
      ANCHOR,
    );
    assertEquals(day, expected(profile, ANCHOR - 24 * HOUR_MS, ANCHOR, () => 1));
    assertEquals(c.stats, { requests: 4, retries: 0, pages: 4, restarts: 0 });
    assertEquals(emu.requests[0]!.body, {
      aggregations: [{ metric: "io.confluent.kafka.server/received_records" }],
      filter: { field: "resource.kafka.id", op: "EQ", value: CLUSTER },
      granularity: "PT1H",
      intervals: ["2026-09-01T00:00:00Z/2026-09-03T00:00:00Z"],
      group_by: ["metric.topic"],
      limit: 1000,
      format: "FLAT",
    });
  });
});

Deno.test("client: 1,000 topics under 5 requests a minute give correct series in pages + 429 retries requests", async () => {
  const profile = profileSchema.parse({
    days: 1,
    seed: 3,
    topics: Array.from({ length: 1000 }, (_, i) => ({
      name: `topic-${String(i).padStart(4, "0")}`,
      partitions: 1,
      traffic: { recordsPerHour: 1 + (i % 13), valueBytes: { min: 10, max: 30 } },
    })),
  });
  const start = ANCHOR - 24 * HOUR_MS;
  let now = ANCHOR + 5 * 60_000;
  let slept = 0;
  await withEmulator({ profile, rateLimitPerMinute: 5, clock: () => now }, async (emu) => {
    const lines: string[] = [];
    const c = client(emu, {
      logger: (l) => lines.push(l),
      // Waiting moves the emulator's clock: the 429s are real, the minutes are not.
      sleep: (ms) => {
        now += ms;
        slept += ms;
        return Promise.resolve();
      },
    });
    const truth = (perRecord: (topic: string) => number) => {
      const out = new Map<string, Map<number, number>>();
      for (const t of profile.topics) {
        const hours = new Map<number, number>();
        for (let h = start; h < ANCHOR; h += HOUR_MS) {
          hours.set(h, recordsInHour(profile, t, ANCHOR, h) * perRecord(t.name));
        }
        out.set(t.name, hours);
      }
      return out;
    };

    // 100 topics a page: 10 pages per metric, 20 in all, in 4 one-minute windows.
    const records = await c.hourlyTopicSeries(CLUSTER, "received_records", start, ANCHOR, {
      limit: 100,
    });
    const bytes = await c.hourlyTopicSeries(CLUSTER, "received_bytes", start, ANCHOR, {
      limit: 100,
    });
    assertEquals(records.size, 1000);
    assertEquals(records, truth(() => 1));
    assertEquals(bytes, truth((t) => emu.bytesPerRecord(t)));
    const limited = emu.requests.filter((r) => r.status === 429).length;
    assertEquals(c.stats.pages, 20);
    assertEquals(limited, 3, "one 429 per exhausted window: the client waits exactly the reset");
    assertEquals(c.stats, { requests: 23, retries: 3, pages: 20, restarts: 0 });
    assertEquals(emu.requests.length, c.stats.requests);
    assertEquals(slept, 3 * 60_000, "each wait is rateLimit-reset seconds, not more");
    assertEquals(lines.filter((l) => l.includes("rateLimit-reset")).length, 3);

    // The spec's 1,000 topics a page: one request per metric, whatever the topic count.
    const before = c.stats.requests;
    const again = await c.queryAll(hourlyTopicQuery(CLUSTER, "received_records", start, ANCHOR));
    assertEquals([again.pages, again.requests - again.retries], [1, 1]);
    assertEquals(again.data.length, 1000 * 24);
    assertEquals(c.stats.requests - before, again.requests);
  });
});

Deno.test("client retries 5xx with backoff and gives up after maxRetries", async () => {
  await withEmulator({}, async (emu, profile) => {
    const waits: number[] = [];
    const c = client(emu, {
      random: () => 0.5,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    emu.failNext(2, 503);
    const body = hourlyTopicQuery(CLUSTER, "received_records", START, ANCHOR);
    const ok = await c.queryAll(body);
    assertEquals([ok.requests, ok.retries, ok.pages], [3, 2, 1]);
    assertEquals(waits, [375, 750], "exponential: 500·2^(n−1) × (0.5 + 0.5·jitter)");
    const total = ok.data.reduce((s, p) => s + p.value, 0);
    const truth = [...groundTruth(profile, ANCHOR, { start: START, end: ANCHOR }).values()]
      .reduce((s, t) => s + t.records, 0);
    assertEquals(total, truth);

    emu.failNext(10, 500);
    const before = emu.requests.length;
    const e = await assertRejects(() => c.queryAll(body), MetricsApiError);
    assertEquals(e.status, 500);
    assertEquals(emu.requests.length - before, 4, "1 try + maxRetries 3");
    assertStringIncludes(e.message, "Internal server error (injected)");
  });
});

Deno.test("client retries network errors a bounded number of times", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  let sleeps = 0;
  const c = new MetricsApiClient({
    baseUrl: `http://127.0.0.1:${port}/`,
    apiKey: KEY,
    apiSecret: SECRET,
    maxRetries: 2,
    sleep: () => (sleeps++, Promise.resolve()),
  });
  const e = await assertRejects(
    () => c.hourlyTopicSeries(CLUSTER, "received_bytes", START, ANCHOR),
    MetricsApiError,
    "Could not reach the Metrics API",
  );
  assertEquals([e.status, sleeps, c.stats.requests], [null, 2, 3]);
  assert(!e.message.includes(SECRET));
});

Deno.test("client times out a slow answer with MetricsApiTimeoutError", async () => {
  await withEmulator({}, async (emu) => {
    emu.delayNext(2, 3_000);
    const c = client(emu, { timeoutMs: 150, maxRetries: 1 });
    const t0 = performance.now();
    const e = await assertRejects(
      () => c.hourlyTopicSeries(CLUSTER, "received_bytes", START, ANCHOR),
      MetricsApiTimeoutError,
      "did not answer within 150 ms (2 attempts)",
    );
    assert(performance.now() - t0 < 2_000, "gave up well before the slow route answered");
    assertEquals([e.timeoutMs, e.status, c.stats.requests], [150, null, 2]);
    // The next request is served normally.
    const ok = await c.hourlyTopicSeries(CLUSTER, "received_records", START, ANCHOR);
    assert(ok.size > 0);
  });
});

Deno.test("client stops at once on 401 and 403, naming the key and the API's detail but never the secret", async () => {
  await withEmulator({ rateLimitPerMinute: 100 }, async (emu) => {
    const lines: string[] = [];
    const wrong = new MetricsApiClient({
      baseUrl: emu.url,
      apiKey: KEY,
      apiSecret: "not-the-secret-123",
      logger: (l) => lines.push(l),
    });
    const e401 = await assertRejects(
      () => wrong.hourlyTopicSeries(CLUSTER, "received_bytes", START, ANCHOR),
      MetricsApiAuthError,
    );
    assertEquals([e401.status, e401.detail, e401.apiKey], [401, "Invalid credentials", KEY]);
    assertStringIncludes(e401.message, `Cloud API key "${KEY}"`);
    assertStringIncludes(e401.message, "Invalid credentials");
    assertEquals(emu.requests.length, 1, "no retry");

    const lines403: string[] = [];
    const c = client(emu, { logger: (l) => lines403.push(l) });
    const e403 = await assertRejects(
      () => c.hourlyTopicSeries("lkc-notmine", "received_bytes", START, ANCHOR),
      MetricsApiAuthError,
    );
    assertEquals(e403.status, 403);
    assertStringIncludes(
      e403.message,
      "Query must filter by at least one of your authorized resources",
    );
    assertStringIncludes(e403.message, "lkc-notmine");
    assertEquals(emu.requests.length, 2, "no retry");
    for (
      const text of [e401, e403].flatMap((e) => [e.message, String(e.stack), JSON.stringify(e)])
    ) {
      assert(!text.includes(SECRET) && !text.includes("not-the-secret-123"), text);
    }
    assertEquals([...lines, ...lines403], []);
  });
});

Deno.test("client restarts from page one when a page token has expired", async () => {
  let emu: MetricsEmulator | undefined;
  // Time jumps past the token's life while the client is between page one and page two.
  const clock = () => ANCHOR + (emu?.requests.length === 1 ? 60_000 : 0);
  await withEmulator({ pageTokenTtlMs: 30_000, clock }, async (e, profile) => {
    emu = e;
    const lines: string[] = [];
    const c = client(e, { logger: (l) => lines.push(l) });
    const got = await c.hourlyTopicSeries(CLUSTER, "received_records", START, ANCHOR, { limit: 2 });
    assertEquals(got, expected(profile, START, ANCHOR, () => 1));
    assertEquals(
      e.requests.map((r) => [r.query.page_token === undefined ? "first" : "next", r.status]),
      [
        ["first", 200],
        ["next", 400],
        ["first", 200],
        ["next", 200],
      ],
    );
    assertEquals(c.stats, { requests: 4, retries: 1, pages: 3, restarts: 1 });
    assertStringIncludes(lines.join("\n"), "restarting the query from page one");
  });
});

Deno.test("client gives up when page tokens keep expiring", async () => {
  let now = ANCHOR;
  // Every look at the clock is a second later, so every token is stale when it comes back.
  await withEmulator({ pageTokenTtlMs: 500, clock: () => (now += 1_000) }, async (emu) => {
    const c = client(emu, { maxRestarts: 2 });
    const e = await assertRejects(
      () => c.hourlyTopicSeries(CLUSTER, "received_records", START, ANCHOR, { limit: 2 }),
      MetricsApiError,
      "refused page tokens 3 times",
    );
    assertEquals(e.status, 400);
    assertEquals(emu.requests.length, 6);
  });
});

Deno.test("client honours Retry-After first, then rateLimit-reset, case-insensitively; else backoff", async () => {
  const now = Date.UTC(2026, 8, 1, 12);
  const h = (init: Record<string, string>) => new Headers(init);
  assertEquals(rateLimitWait(h({ "Retry-After": "7", "RateLimit-Reset": "30" }), now), {
    ms: 7_000,
    source: "Retry-After",
  });
  assertEquals(
    rateLimitWait(h({ "retry-after": new Date(now + 12_000).toUTCString() }), now)?.ms,
    12_000,
  );
  assertEquals(rateLimitWait(h({ "RATELIMIT-RESET": "30" }), now), {
    ms: 30_000,
    source: "rateLimit-reset",
  });
  assertEquals(rateLimitWait(h({ "ratelimit-reset": String(now / 1000 + 9) }), now)?.ms, 9_000);
  assertEquals(rateLimitWait(h({ "ratelimit-limit": "300" }), now), null);
  assertEquals([1, 2, 3, 10].map((n) => backoffMs(n, () => 1)), [500, 1_000, 2_000, 30_000]);
  assertEquals(backoffMs(3, () => 0), 1_000);

  // Against the emulator with Retry-After switched on, the client waits what it says.
  let clock = ANCHOR;
  await withEmulator(
    { rateLimitPerMinute: 1, sendRetryAfter: true, clock: () => clock },
    async (emu) => {
      const waits: number[] = [];
      const c = client(emu, {
        sleep: (ms) => {
          waits.push(ms);
          clock += ms;
          return Promise.resolve();
        },
      });
      clock += 15_000;
      await c.hourlyTopicSeries(CLUSTER, "received_records", START, ANCHOR);
      await c.hourlyTopicSeries(CLUSTER, "received_records", START, ANCHOR);
      assertEquals(waits, [60_000]);
    },
  );
});

// --- the deadline, against a real local server that misbehaves ---------------------------

/** One valid, empty answer page. */
const EMPTY_PAGE = JSON.stringify({ data: [], meta: { pagination: {} } });

/**
 * A local server on port 0 answering each request with `answer(n)` (n = 1, 2, …); an answer
 * of null never comes (until the server closes).
 */
function misbehaving(answer: (n: number, req: Request) => Response | null) {
  let n = 0;
  const closing = Promise.withResolvers<void>();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (req) => {
      n++;
      const res = answer(n, req);
      if (res !== null) return res;
      await closing.promise;
      return new Response("too late", { status: 503 });
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests: () => n,
    close: () => {
      closing.resolve();
      return server.shutdown();
    },
  };
}

Deno.test("client: a Retry-After past the deadline fails at once, saying how long the API asked to wait", async () => {
  const server = misbehaving(() =>
    new Response('{"errors":[{"detail":"Too many requests"}]}', {
      status: 429,
      headers: { "retry-after": "86400" },
    })
  );
  try {
    const c = new MetricsApiClient({
      baseUrl: server.url,
      apiKey: KEY,
      apiSecret: SECRET,
      deadlineMs: 900_000,
    });
    const t0 = performance.now();
    const e = await assertRejects(
      () => c.hourlyTopicSeries(CLUSTER, "received_bytes", START, ANCHOR),
      MetricsApiDeadlineError,
    );
    assert(performance.now() - t0 < 1_000, "no sleeping");
    assertEquals([e.status, server.requests()], [429, 1]);
    assertStringIncludes(e.message, "asked to wait 86400 s (Retry-After)");
    assertStringIncludes(e.message, "past the deadline of METRICS_API_DEADLINE_SECONDS");
    assertMatch(e.message, /\((89\d(\.\d)?|900) s left of 900 s\)/);
    assertStringIncludes(e.message, "Run again once it has reset");
  } finally {
    await server.close();
  }
});

Deno.test("client: a rateLimit-reset past the deadline fails at once too", async () => {
  const server = misbehaving(() =>
    new Response("{}", { status: 429, headers: { "ratelimit-reset": "120" } })
  );
  try {
    const c = new MetricsApiClient({
      baseUrl: server.url,
      apiKey: KEY,
      apiSecret: SECRET,
      deadlineMs: 60_000,
    });
    await assertRejects(
      () => c.hourlyTopicSeries(CLUSTER, "received_bytes", START, ANCHOR),
      MetricsApiDeadlineError,
      "asked to wait 120 s (rateLimit-reset)",
    );
  } finally {
    await server.close();
  }
});

Deno.test("client: a Retry-After within the deadline is honoured, then the page is read", async () => {
  const server = misbehaving((n) =>
    n === 1
      ? new Response("{}", { status: 429, headers: { "retry-after": "1" } })
      : new Response(EMPTY_PAGE, { headers: { "content-type": "application/json" } })
  );
  try {
    const lines: string[] = [];
    const c = new MetricsApiClient({
      baseUrl: server.url,
      apiKey: KEY,
      apiSecret: SECRET,
      deadlineMs: 10_000,
      logger: (l) => lines.push(l),
    });
    const t0 = performance.now();
    const series = await c.hourlyTopicSeries(CLUSTER, "received_bytes", START, ANCHOR);
    const elapsed = performance.now() - t0;
    assertEquals(series.size, 0);
    assert(elapsed >= 950 && elapsed < 5_000, `waited ${elapsed} ms`);
    assertEquals([server.requests(), c.stats.retries], [2, 1]);
    assertStringIncludes(lines.join("\n"), "Retry-After 1 s");
  } finally {
    await server.close();
  }
});

Deno.test("client: the deadline bounds a server that keeps answering 503, whatever maxRetries says", async () => {
  const server = misbehaving(() => new Response("busy", { status: 503 }));
  try {
    const c = new MetricsApiClient({
      baseUrl: server.url,
      apiKey: KEY,
      apiSecret: SECRET,
      maxRetries: 1_000,
      deadlineMs: 1_500,
    });
    const t0 = performance.now();
    const e = await assertRejects(
      () => c.hourlyTopicSeries(CLUSTER, "received_bytes", START, ANCHOR),
      MetricsApiDeadlineError,
    );
    const elapsed = performance.now() - t0;
    assert(elapsed < 2_000, `took ${elapsed} ms`);
    assertEquals(e.status, 503);
    assertStringIncludes(
      e.message,
      "ran out of their deadline (METRICS_API_DEADLINE_SECONDS, 1.5 s)",
    );
    assertStringIncludes(e.message, "HTTP 503");
    assert(server.requests() >= 2, "retried while there was time");
  } finally {
    await server.close();
  }
});

Deno.test("client: a request timeout is cut to what is left of the deadline", async () => {
  const server = misbehaving(() => null);
  try {
    const c = new MetricsApiClient({
      baseUrl: server.url,
      apiKey: KEY,
      apiSecret: SECRET,
      timeoutMs: 30_000,
      deadlineMs: 400,
    });
    const t0 = performance.now();
    await assertRejects(
      () => c.hourlyTopicSeries(CLUSTER, "received_bytes", START, ANCHOR),
      MetricsApiDeadlineError,
      "no answer within 400 ms",
    );
    assert(performance.now() - t0 < 1_500);
  } finally {
    await server.close();
  }
});

Deno.test("client: an error body that echoes the Authorization header is scrubbed in every encoding", async () => {
  const server = misbehaving((_n, req) => {
    const auth = req.headers.get("authorization") ?? "";
    const body = JSON.stringify({
      errors: [{
        detail: `bad request; you sent authorization: ${auth}, decoded ${
          atob(auth.replace("Basic ", ""))
        }, url ${encodeURIComponent(SECRET)}, base64url ${
          auth.replace("Basic ", "").replaceAll("+", "-").replaceAll("/", "_")
        }`,
      }],
    });
    return new Response(body, { status: 400 });
  });
  try {
    const lines: string[] = [];
    const c = new MetricsApiClient({
      baseUrl: server.url,
      apiKey: KEY,
      apiSecret: SECRET,
      logger: (l) => lines.push(l),
    });
    const e = await assertRejects(
      () => c.hourlyTopicSeries(CLUSTER, "received_bytes", START, ANCHOR),
      MetricsApiError,
    );
    const basic = btoa(`${KEY}:${SECRET}`);
    for (const text of [e.message, e.detail, ...lines]) {
      for (const form of [SECRET, basic, encodeURIComponent(SECRET), basic.slice(8, 24)]) {
        assert(!text.includes(form), `${form} leaked: ${text}`);
      }
    }
    assertStringIncludes(e.message, "authorization: Basic ***");
  } finally {
    await server.close();
  }
});

// --- the busiest minute (PT1M) and hot_partition_ingress, through the source ----------------

const MINUTE_MS = 60_000;
const DAY_MS = 24 * HOUR_MS;
const PEAK_DAY = Date.UTC(2026, 8, 2);

/**
 * Topics whose busiest minute is known by construction, plus a hot key, uniform keys, a
 * hot key on 2 partitions (never hot: neither can get more than twice their mean), and an
 * empty one.
 */
const SOURCE_PROFILE = profileSchema.parse({
  days: 2,
  seed: 21,
  topics: [
    {
      // The busiest hour is the last day's 14:00 (peak × growth), and 30 % of it falls in
      // minute 7: the busiest minute is 2026-09-02T14:07. A bigger burst (a whole ordinary
      // hour in one minute) is not inside the busiest hours, so it is not the peak minute.
      name: "spiky",
      partitions: 3,
      traffic: {
        recordsPerHour: 600,
        dailyPeak: { hourUtc: 14, multiplier: 3 },
        growthPerDay: 0.1,
        valueBytes: { min: 100, max: 140 },
        minuteBursts: [
          { hourUtc: 14, minute: 7, share: 0.3 },
          { hoursAgo: 6, minute: 50, share: 1 },
        ],
      },
    },
    {
      // Its busiest hours: the last day's 09:00, the first day's 09:00, then the last day's
      // first hour (the earliest of the ordinary hours of the last day).
      name: "steady",
      partitions: 1,
      traffic: {
        recordsPerHour: 61,
        dailyPeak: { hourUtc: 9, multiplier: 2 },
        growthPerDay: 0.5,
        valueBytes: { min: 20, max: 20 },
      },
    },
    {
      name: "hot",
      partitions: 4,
      traffic: {
        recordsPerHour: 400,
        valueBytes: { min: 80, max: 80 },
        keys: { kind: "hot", cardinality: 100, hotShare: 0.5 },
      },
    },
    {
      name: "uniform",
      partitions: 4,
      traffic: {
        recordsPerHour: 400,
        valueBytes: { min: 80, max: 80 },
        keys: { kind: "uniform", cardinality: 1000 },
      },
    },
    {
      name: "hot-two",
      partitions: 2,
      traffic: {
        recordsPerHour: 400,
        valueBytes: { min: 80, max: 80 },
        keys: { kind: "hot", cardinality: 100, hotShare: 0.5 },
      },
    },
    { name: "idle", partitions: 3 },
  ],
});

/** The plan of a topic as the cluster would give it (partitions, retention). */
function topicPlans(profile: WorkloadProfile, retentionMs = 7 * DAY_MS): TopicPlan[] {
  return profile.topics.map((t) => ({
    name: t.name,
    topicId: "",
    leaders: new Array<number>(t.partitions).fill(1),
    isCompacted: false,
    retentionMs,
  }));
}

/** The source over a profile served by the emulator; T0 is 10 minutes after the anchor. */
async function measure(
  profile: WorkloadProfile,
  emulator: Partial<EmulatorOptions>,
  options: Partial<MetricsSourceOptions> & { client?: Partial<MetricsApiClientOptions> } = {},
  check: (
    got: Map<string, MetricsTopicMeasurement>,
    emu: MetricsEmulator,
    lines: string[],
  ) => void | Promise<void>,
) {
  const analysisTime = ANCHOR + 10 * MINUTE_MS;
  await withEmulator({ clock: () => analysisTime, ...emulator, profile }, async (emu) => {
    const lines: string[] = [];
    const { client: clientOptions, ...sourceOptions } = options;
    const got = await measureByMetrics(
      client(emu, clientOptions),
      CLUSTER,
      topicPlans(profile),
      { analysisTime, samplingDays: profile.days, log: (l) => lines.push(l), ...sourceOptions },
    );
    await check(new Map(got.map((m) => [m.topic, m])), emu, lines);
  });
}

type Body = {
  aggregations: { metric: string }[];
  granularity: string;
  intervals: string[];
  filter: unknown;
};
const bodyOf = (r: { body: unknown }) => r.body as Body;
const metricOf = (r: { body: unknown }) => bodyOf(r).aggregations[0]!.metric.split("/")[1];

Deno.test("client minute series: one PT1M query for an hour, filtered to the topics, equal to the plan's minutes", async () => {
  await withEmulator({ clock: () => ANCHOR, profile: SOURCE_PROFILE }, async (emu) => {
    const c = client(emu);
    const hour = PEAK_DAY + 14 * HOUR_MS;
    const got = await c.minuteTopicSeries(CLUSTER, "received_records", hour, ["spiky", "hot"]);
    const want = (topic: string) =>
      new Map(
        minuteTruth(
          SOURCE_PROFILE,
          SOURCE_PROFILE.topics.find((t) => t.name === topic)!,
          ANCHOR,
          hour,
        )
          .records.flatMap((n, m) => n > 0 ? [[hour + m * MINUTE_MS, n] as const] : []),
      );
    assertEquals(got, new Map([["hot", want("hot")], ["spiky", want("spiky")]]));
    assertEquals(emu.requests.at(-1)!.body, {
      aggregations: [{ metric: "io.confluent.kafka.server/received_records" }],
      filter: {
        op: "AND",
        filters: [
          { field: "resource.kafka.id", op: "EQ", value: CLUSTER },
          {
            op: "OR",
            filters: [
              { field: "metric.topic", op: "EQ", value: "hot" },
              { field: "metric.topic", op: "EQ", value: "spiky" },
            ],
          },
        ],
      },
      granularity: "PT1M",
      intervals: ["2026-09-02T14:00:00Z/2026-09-02T15:00:00Z"],
      group_by: ["metric.topic"],
      limit: 1000,
      format: "FLAT",
    });
    // One topic: a plain EQ. More than MAX_FILTER_TOPICS: the cluster only, and the client
    // keeps the topics it asked for.
    assertEquals(
      (minuteTopicQuery(CLUSTER, "received_bytes", hour, ["a"]).filter as { filters: unknown[] })
        .filters[1],
      { field: "metric.topic", op: "EQ", value: "a" },
    );
    const many = ["uniform", ...Array.from({ length: MAX_FILTER_TOPICS }, (_, i) => `nope-${i}`)];
    assertEquals(minuteTopicQuery(CLUSTER, "received_records", hour, many).filter, {
      field: "resource.kafka.id",
      op: "EQ",
      value: CLUSTER,
    });
    const kept = await c.minuteTopicSeries(CLUSTER, "received_records", hour, many);
    assertEquals(kept, new Map([["uniform", want("uniform")]]));
  });
});

Deno.test("source: peakMinute is the busiest minute of each topic's top 3 hours, as the plan has it; hot_partition_ingress per topic; 5 + 2 × hours requests", async () => {
  const profile = SOURCE_PROFILE;
  const window = { start: ANCHOR - 2 * DAY_MS, end: ANCHOR };
  await measure(profile, {}, {}, (got, emu, lines) => {
    const byName = (n: string) => profile.topics.find((t) => t.name === n)!;
    const searched = new Set<number>();
    for (const t of profile.topics) {
      const m = got.get(t.name)!;
      const truth = peakMinuteTruth(profile, t, ANCHOR, window, { topHours: 3 });
      assertEquals(m.error, null);
      if (truth === null) {
        assertEquals(m.peakMinute, null, t.name);
        continue;
      }
      truth.hoursSearched.forEach((h) => searched.add(h));
      assertEquals(
        m.peakMinute,
        {
          minuteStart: truth.minuteStart,
          records: truth.records,
          bytes: truth.records * emu.bytesPerRecord(t.name),
        },
        t.name,
      );
    }
    // Known by construction: 30 % of the last day's 14:00 hour (600 × 3 × 1.1) in minute 7,
    // plus its share of the rest spread evenly; not the 60 % burst of an ordinary hour.
    const spiky = got.get("spiky")!.peakMinute!;
    assertEquals(spiky.minuteStart, PEAK_DAY + 14 * HOUR_MS + 7 * MINUTE_MS);
    assertEquals(spiky.records, 594 + 23);
    const ordinaryBurst = minuteTruth(profile, byName("spiky"), ANCHOR, ANCHOR - 6 * HOUR_MS);
    assert(ordinaryBurst.records[50]! > spiky.records, "a bigger burst outside the top hours");
    assertEquals(
      got.get("steady")!.peakMinute!.minuteStart >= PEAK_DAY + 9 * HOUR_MS &&
        got.get("steady")!.peakMinute!.minuteStart < PEAK_DAY + 10 * HOUR_MS,
      true,
    );

    // hot_partition_ingress: only the topic with a hot partition (≥ 3 partitions).
    assertEquals(
      profile.topics.map((t) => [t.name, got.get(t.name)!.hotPartitionIngress]),
      [
        ["spiky", false],
        ["steady", false],
        ["hot", true],
        ["uniform", false],
        ["hot-two", false],
        ["idle", false],
      ],
    );
    // A Dedicated cluster that flagged nothing for reads: no for every topic.
    assertEquals(profile.topics.map((t) => got.get(t.name)!.hotPartitionEgress), [
      ...profile.topics.map(() => false),
    ]);
    // The hourly series are untouched by all this.
    for (const t of profile.topics) {
      assertEquals(
        got.get(t.name)!.hourly.map((h) => h.records),
        topicTruth(profile, t, ANCHOR, window).hourly.map((h) => h.records),
      );
    }

    // Requests: 3 hourly + the two hot-partition flags (ingress was raised, so no probe of the
    // cluster type) + (records, bytes) per distinct top hour.
    assertEquals(
      searched.size,
      8,
      "spiky 3, steady 2 more (both have the last day's 00:00), the flat topics' first 3",
    );
    assertEquals(emu.requests.length, 5 + 2 * searched.size);
    assert(emu.requests.every((r) => r.status === 200));
    assertEquals(emu.requests.slice(0, 5).map(metricOf), [
      "received_records",
      "received_bytes",
      "sent_bytes",
      "hot_partition_ingress",
      "hot_partition_egress",
    ]);
    const minuteRequests = emu.requests.slice(5);
    assert(minuteRequests.every((r) => bodyOf(r).granularity === "PT1M"));
    assertEquals(
      minuteRequests.map((r) => [metricOf(r), Date.parse(bodyOf(r).intervals[0]!.split("/")[0]!)]),
      [...searched].sort((a, b) => a - b).flatMap((h) => [
        ["received_records", h],
        ["received_bytes", h],
      ]),
    );
    assertEquals(lines, []);
  });
});

Deno.test("source: minute data the API no longer holds leaves peakMinute null with a log line, the hours intact", async () => {
  const profile = SOURCE_PROFILE;
  // The emulator holds 20 hours of minute data: none of the busiest hours of the flat topics
  // (the first of the profile), spiky's 14:00 and steady's 09:00 of the last day.
  await measure(profile, { minuteRetentionMs: 20 * HOUR_MS }, {}, (got, emu, lines) => {
    const window = { start: ANCHOR - 2 * DAY_MS, end: ANCHOR };
    for (const t of profile.topics) {
      const m = got.get(t.name)!;
      const truth = peakMinuteTruth(profile, t, ANCHOR, window, { topHours: 3 });
      if (t.name === "spiky" || t.name === "steady") {
        // Their busiest hour is still held, and holds their busiest minute.
        assertEquals(
          m.peakMinute,
          {
            minuteStart: truth!.minuteStart,
            records: truth!.records,
            bytes: truth!.records * emu.bytesPerRecord(t.name),
          },
          t.name,
        );
      } else {
        assertEquals(m.peakMinute, null, t.name);
      }
      assertEquals(
        m.hourly.reduce((s, h) => s + h.records, 0),
        topicTruth(profile, t, ANCHOR, window).records,
      );
    }
    assertEquals(
      got.get("spiky")!.peakMinute?.minuteStart,
      PEAK_DAY + 14 * HOUR_MS + 7 * MINUTE_MS,
    );
    assertEquals(got.get("hot")!.hotPartitionIngress, true);
    assertStringIncludes(lines.join("\n"), "no minute data for the busiest hours of 3 topic(s)");
    assertStringIncludes(lines.join("\n"), "(hot, uniform, hot-two)");
    assert(emu.requests.every((r) => r.status === 200));
  });
});

Deno.test("source: busiest hours older than the API's minute retention (7 days) are not asked", async () => {
  // Ten days; `old` peaks at 03:00 every day alike, so its busiest hours (ties: the earlier)
  // are the first three days' 03:00, older than 7 days; `recent` has traffic on the last day.
  const profile = profileSchema.parse({
    days: 10,
    seed: 4,
    topics: [
      {
        name: "old",
        partitions: 1,
        traffic: {
          recordsPerHour: 50,
          dailyPeak: { hourUtc: 3, multiplier: 2 },
          valueBytes: { min: 10, max: 10 },
        },
      },
      {
        name: "recent",
        partitions: 1,
        traffic: { days: 1, recordsPerHour: 50, valueBytes: { min: 10, max: 10 } },
      },
    ],
  });
  const analysisTime = ANCHOR + 10 * MINUTE_MS;
  await withEmulator(
    { clock: () => analysisTime, profile, minuteRetentionMs: null },
    async (emu) => {
      const lines: string[] = [];
      const got = await measureByMetrics(client(emu), CLUSTER, topicPlans(profile, -1), {
        analysisTime,
        samplingDays: 10,
        log: (l) => lines.push(l),
      });
      const [old, recent] = got;
      assertEquals(old!.peakMinute, null);
      assertEquals(old!.hourly.length, 10 * 24);
      assertEquals(Math.max(...old!.hourly.map((h) => h.records)), 100);
      const truth = peakMinuteTruth(profile, profile.topics[1]!, ANCHOR, {
        start: ANCHOR - 10 * DAY_MS,
        end: ANCHOR,
      }, { topHours: 3 })!;
      assertEquals(recent!.peakMinute?.minuteStart, truth.minuteStart);
      // Only recent's 3 hours were asked: 6 + 2 × 3 requests (no flag raised on these
      // one-partition topics, so dedicated_cku_count is asked too); old's were never sent.
      assertEquals(emu.requests.length, 6 + 2 * 3);
      assertEquals(metricOf(emu.requests[5]!), "dedicated_cku_count");
      const asked = emu.requests.slice(6).map((r) =>
        Date.parse(bodyOf(r).intervals[0]!.split("/")[0]!)
      );
      assertEquals(new Set(asked), new Set(truth.hoursSearched));
      assertStringIncludes(
        lines.join("\n"),
        "minute data is no longer held for some of the busiest hours of 1 topic(s) (old)",
      );
      assertStringIncludes(
        lines.join("\n"),
        "no minute data for the busiest hours of 1 topic(s) (old)",
      );
    },
  );
});

Deno.test("source: PT1M queries that cannot finish by the deadline leave peakMinute null, never a topic error", async () => {
  // 5 requests a minute and no Retry-After: the 6th (the first PT1M query) is told to wait
  // for the window to reset, past the 20 s deadline, so the client stops at once.
  await measure(
    SOURCE_PROFILE,
    { rateLimitPerMinute: 5 },
    { client: { deadlineMs: 20_000 } },
    (got, emu, lines) => {
      for (const m of got.values()) {
        assertEquals([m.topic, m.error, m.peakMinute], [m.topic, null, null]);
      }
      assertEquals(got.get("hot")!.hotPartitionIngress, true);
      assertEquals(got.get("uniform")!.hotPartitionIngress, false);
      assertEquals(emu.requests.map((r) => r.status), [200, 200, 200, 200, 200, 429]);
      const text = lines.join("\n");
      assertStringIncludes(text, "PT1M queries stopped at hour");
      assertStringIncludes(text, "(8 of 8 hours not asked)");
      assertStringIncludes(text, "METRICS_API_DEADLINE_SECONDS");
      assertStringIncludes(text, "no minute data for the busiest hours of 5 topic(s)");
    },
  );
});

Deno.test("source: hot_partition_ingress that cannot be read is null (unknown), the rest measured", async () => {
  let emu: MetricsEmulator | undefined;
  const analysisTime = ANCHOR + 10 * MINUTE_MS;
  await withEmulator({ clock: () => analysisTime, profile: SOURCE_PROFILE }, async (e) => {
    emu = e;
    const lines: string[] = [];
    const c = client(e, { maxRetries: 0 });
    // The first three queries succeed; the fourth (hot_partition_ingress) gets a 500.
    const hourly = c.hourlyTopicSeries.bind(c);
    c.hourlyTopicSeries = (cluster, metric, start, end, opts) => {
      if (metric === "hot_partition_ingress") e.failNext(1, 500);
      return hourly(cluster, metric, start, end, opts);
    };
    const got = await measureByMetrics(c, CLUSTER, topicPlans(SOURCE_PROFILE), {
      analysisTime,
      samplingDays: 2,
      log: (l) => lines.push(l),
    });
    assert(got.every((m) => m.hotPartitionIngress === null && m.error === null));
    // Egress was read and raised nowhere; the cluster type (Dedicated) says that is a no.
    assert(got.every((m) => m.hotPartitionEgress === false));
    assertEquals(
      got.find((m) => m.topic === "spiky")!.peakMinute?.minuteStart,
      PEAK_DAY + 14 * HOUR_MS + 7 * MINUTE_MS,
    );
    assertStringIncludes(lines.join("\n"), "hot_partition_ingress could not be read");
  });
  assertEquals(emu!.requests[3]!.status, 500);
  assertEquals(emu!.requests.slice(4, 6).map(metricOf), [
    "hot_partition_egress",
    "dedicated_cku_count",
  ]);
});

Deno.test("source: at most maxMinuteHours distinct hours; every topic's busiest hour first", async () => {
  await measure(SOURCE_PROFILE, {}, { maxMinuteHours: 2 }, (got, emu, lines) => {
    // The busiest hours: spiky's last-day 14:00 and steady's last-day 09:00, then the first
    // hour shared by hot, uniform and hot-two: 3 distinct at rank 1, so the one 3 topics need
    // and the earlier of the others are kept.
    const asked = emu.requests.slice(5).map((r) =>
      Date.parse(bodyOf(r).intervals[0]!.split("/")[0]!)
    );
    assertEquals(emu.requests.length, 5 + 2 * 2);
    assertEquals(new Set(asked), new Set([START, PEAK_DAY + 9 * HOUR_MS]));
    assertEquals(got.get("spiky")!.peakMinute, null);
    assert(got.get("steady")!.peakMinute !== null);
    assert(got.get("hot")!.peakMinute !== null);
    assertStringIncludes(
      lines.join("\n"),
      "more than 2 distinct hours; PT1M is asked for 2 of them",
    );
  });
  // The rule itself: ranks first, then how many topics need an hour, then the earlier.
  const plan = planMinuteQueries(
    new Map([
      ["a", [50, 10, 20]],
      ["b", [60, 10]],
      ["c", [60, 30]],
      ["d", [5]],
    ]),
    7,
    3,
  );
  assertEquals(plan.hours, [
    { hourStart: 10, topics: ["a", "b"] },
    { hourStart: 50, topics: ["a"] },
    {
      hourStart: 60,
      topics: ["b", "c"],
    },
  ]);
  assertEquals(plan.expired, new Map([["d", [5]]]));
  assertEquals(plan.capped, new Map([["a", [20]], ["c", [30]]]));
});
