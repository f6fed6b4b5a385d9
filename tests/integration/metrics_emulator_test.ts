// The Metrics API emulator itself, spoken to with plain fetch: the exact 401/403 bodies,
// 400 validation, values equal to the workload profile's ground truth at every granularity,
// FLAT vs GROUPED, filters, pagination with expiring tokens, the rate limit and its headers,
// injected failures, and the hot-partition flags (from the plan or declared) by cluster type.
import { assert, assertEquals, assertStringIncludes } from "../assert.ts";
import {
  type EmulatorOptions,
  type MetricsEmulator,
  QUERY_PATH,
  startEmulator,
} from "../../dev/metrics_api/emulator.ts";
import { HOUR_MS, recordsInHour } from "../../dev/workload/plan.ts";
import { hotPartitionHours, hotPartitionsByHour } from "../support/metrics_truth.ts";
import { loadProfile, profileSchema, type WorkloadProfile } from "../../dev/workload/profile.ts";
import { groundTruth, minuteTruth } from "../../dev/workload/ground_truth.ts";

const ANCHOR = Date.UTC(2026, 8, 3);
const START = ANCHOR - 2 * 24 * HOUR_MS;
const CLUSTER = "lkc-emu001";
const KEY = "EMUKEY42";
const SECRET = "emu-secret-9f8e7d";
const FIXTURE = new URL("../fixtures/metrics_profile.json", import.meta.url);
const PREFIX = "io.confluent.kafka.server/";

interface Answer {
  status: number;
  headers: Headers;
  // deno-lint-ignore no-explicit-any
  json: any;
}

function basic(key: string, secret: string): string {
  return `Basic ${btoa(`${key}:${secret}`)}`;
}

async function post(
  emu: MetricsEmulator,
  body: unknown,
  options: { auth?: string | null; token?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const auth = options.auth === undefined ? basic(KEY, SECRET) : options.auth;
  if (auth !== null) headers.authorization = auth;
  const query = options.token ? `?page_token=${encodeURIComponent(options.token)}` : "";
  const res = await fetch(`${emu.url}${QUERY_PATH}${query}`, {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, json: await res.json() };
}

const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

function query(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    aggregations: [{ metric: `${PREFIX}received_records` }],
    filter: { field: "resource.kafka.id", op: "EQ", value: CLUSTER },
    granularity: "PT1H",
    intervals: [`${iso(START)}/${iso(ANCHOR)}`],
    group_by: ["metric.topic"],
    limit: 1000,
    format: "FLAT",
    ...overrides,
  };
}

async function withEmulator(
  extra: Partial<EmulatorOptions>,
  fn: (emu: MetricsEmulator, profile: WorkloadProfile) => Promise<void>,
): Promise<void> {
  const profile = await loadProfile(FIXTURE);
  const emu = startEmulator({
    profile,
    anchor: ANCHOR,
    clusterId: CLUSTER,
    apiKey: KEY,
    apiSecret: SECRET,
    ...extra,
  });
  try {
    await fn(emu, profile);
  } finally {
    await emu.close();
  }
}

/** topic → hour → value from FLAT points. */
function byTopicHour(data: { timestamp: string; value: number; "metric.topic": string }[]) {
  const out = new Map<string, Map<number, number>>();
  for (const p of data) {
    let m = out.get(p["metric.topic"]);
    if (!m) out.set(p["metric.topic"], m = new Map());
    m.set(Date.parse(p.timestamp), p.value);
  }
  return out;
}

Deno.test("emulator answers 401 with the API's exact body for a wrong key, a wrong secret or no credentials", async () => {
  await withEmulator({}, async (emu) => {
    for (const auth of [basic("OTHERKEY", SECRET), basic(KEY, "wrong"), null, "Bearer x"]) {
      const a = await post(emu, query(), { auth });
      assertEquals(a.status, 401);
      assertEquals(a.json, { errors: [{ status: "401", detail: "Invalid credentials" }] });
    }
    assert(!JSON.stringify(emu.requests).includes(SECRET), "the recorded requests hold no secret");
  });
});

Deno.test("emulator answers 403 unless the filter pins resource.kafka.id to authorized clusters", async () => {
  const forbidden = {
    errors: [{
      status: "403",
      detail: "Query must filter by at least one of your authorized resources",
    }],
  };
  const mine = { field: "resource.kafka.id", op: "EQ", value: CLUSTER };
  const other = { field: "resource.kafka.id", op: "EQ", value: "lkc-other" };
  const topic = { field: "metric.topic", op: "EQ", value: "orders" };
  await withEmulator({}, async (emu) => {
    for (
      const filter of [
        undefined,
        other,
        topic,
        { op: "OR", filters: [mine, other] },
        { op: "OR", filters: [mine, topic] },
        { op: "NOT", filter: other },
        { field: "resource.kafka.id", op: "GTE", value: "lkc-" },
      ]
    ) {
      const a = await post(emu, query({ filter }));
      assertEquals(a.status, 403, JSON.stringify(filter));
      assertEquals(a.json, forbidden);
    }
    assertEquals(
      (await post(emu, query({ filter: { op: "AND", filters: [mine, topic] } }))).status,
      200,
    );
  });
  await withEmulator({ authorizedClusters: [CLUSTER, "lkc-other"] }, async (emu) => {
    const a = await post(emu, query({ filter: { op: "OR", filters: [mine, other] } }));
    assertEquals(a.status, 200);
    assert(a.json.data.length > 0);
    const onlyOther = await post(emu, query({ filter: other }));
    assertEquals([onlyOther.status, onlyOther.json.data], [200, []]);
  });
});

Deno.test("emulator answers 400 naming each problem of the body", async () => {
  await withEmulator({}, async (emu) => {
    const cases: [Record<string, unknown> | string, string][] = [
      ["{not json", "not valid JSON"],
      [query({ aggregations: [] }), "exactly one aggregation"],
      [
        query({
          aggregations: [{ metric: `${PREFIX}received_bytes` }, { metric: `${PREFIX}sent_bytes` }],
        }),
        "exactly one aggregation",
      ],
      [query({ aggregations: [{ metric: "received_bytes" }] }), "is not a known metric"],
      [query({ aggregations: [{ metric: `${PREFIX}nope` }] }), "is not a known metric"],
      [query({ aggregations: [{ metric: `${PREFIX}sent_bytes`, agg: "AVG" }] }), "agg"],
      [query({ granularity: "PT2H" }), "granularity"],
      [query({ granularity: undefined }), "granularity is required"],
      [query({ intervals: [] }), "at least one ISO-8601 interval"],
      [query({ intervals: ["yesterday/today"] }), "Invalid interval"],
      [query({ intervals: [`${iso(ANCHOR)}/${iso(START)}`] }), "end must be after the start"],
      [query({ intervals: ["2026-09-01T00:00:00/PT1H"] }), "Invalid interval"],
      [query({ intervals: [`${iso(START)}/P1M`] }), "Invalid interval"],
      [
        query({ granularity: "PT1M", intervals: [`${iso(ANCHOR - 7 * HOUR_MS)}/PT7H`] }),
        "the maximum for granularity PT1M is PT6H",
      ],
      [
        query({ granularity: "PT5M", intervals: [`P2D/${iso(ANCHOR)}`] }),
        "the maximum for granularity PT5M is P1D",
      ],
      [
        query({
          granularity: "PT15M",
          intervals: [`${iso(START - 3 * 86_400_000)}/${iso(ANCHOR)}`],
        }),
        "PT15M is P4D",
      ],
      [query({ limit: 0 }), "limit must be an integer from 1 to 1000"],
      [query({ limit: 1001 }), "limit must be an integer from 1 to 1000"],
      [query({ group_by: undefined, limit: 10, format: undefined }), "only allowed with group_by"],
      [
        query({ group_by: undefined, limit: undefined, format: "GROUPED" }),
        "GROUPED requires group_by",
      ],
      [query({ format: "CSV" }), "format"],
      [query({ group_by: ["metric.nope"] }), 'group_by label "metric.nope"'],
      [
        query({ aggregations: [{ metric: `${PREFIX}partition_count` }] }),
        'group_by label "metric.topic" is not a label',
      ],
      [query({ filter: { field: "metric.topic", op: "LIKE", value: "x" } }), "filter.op"],
      [query({ filter: { op: "AND", filters: [] } }), "filter.filters must be a non-empty array"],
      [query({ filter: { field: "resource.kafka.id", op: "EQ" } }), "filter.value"],
      [query({ colour: "blue" }), 'Unknown field "colour"'],
    ];
    for (const [body, detail] of cases) {
      const a = await post(emu, body);
      assertEquals(a.status, 400, `${JSON.stringify(body)} → ${JSON.stringify(a.json)}`);
      assert(a.json.errors.every((e: { status: string }) => e.status === "400"));
      assertStringIncludes(
        a.json.errors.map((e: { detail: string }) => e.detail).join("\n"),
        detail,
      );
    }
    // The limits are inclusive: exactly 6 h at PT1M is fine.
    const sixHours = await post(
      emu,
      query({ granularity: "PT1M", intervals: [`${iso(ANCHOR - 6 * HOUR_MS)}/PT6H`] }),
    );
    assertEquals(sixHours.status, 200);
    const all = await post(emu, query({ granularity: "ALL" }), { token: "abc" });
    assertEquals(all.status, 400);
    assertStringIncludes(all.json.errors[0].detail, "page_token is only valid with group_by");
  });
});

Deno.test("emulator values equal the profile's ground truth: records, bytes = records × bytes/record, sent = × fan-out", async () => {
  await withEmulator({ fanOut: { clicks: 3 } }, async (emu, profile) => {
    const truth = groundTruth(profile, ANCHOR, { start: START, end: ANCHOR });
    const fetchMetric = async (metric: string) =>
      byTopicHour(
        (await post(emu, query({ aggregations: [{ metric: PREFIX + metric }] }))).json.data,
      );
    const records = await fetchMetric("received_records");
    const bytes = await fetchMetric("received_bytes");
    const sentRecords = await fetchMetric("sent_records");
    const sentBytes = await fetchMetric("sent_bytes");
    assertEquals([...records.keys()].sort(), ["_internal_state", "clicks", "orders", "young"]);
    assertEquals(emu.fanOut("orders"), 2, "keyed topics default to two consumer groups");
    assertEquals(emu.fanOut("clicks"), 3, "the fanOut option overrides");
    for (const t of truth.values()) {
      const expected = new Map(
        t.hourly.filter((h) => h.records > 0).map((h) => [h.hourStart, h.records]),
      );
      const bpr = emu.bytesPerRecord(t.topic);
      const fan = emu.fanOut(t.topic);
      assertEquals(records.get(t.topic) ?? new Map(), expected, t.topic);
      const scaled = (k: number) => new Map([...expected].map(([h, n]) => [h, n * k]));
      assertEquals(bytes.get(t.topic) ?? new Map(), scaled(bpr), t.topic);
      assertEquals(sentRecords.get(t.topic) ?? new Map(), scaled(fan), t.topic);
      assertEquals(sentBytes.get(t.topic) ?? new Map(), scaled(bpr * fan), t.topic);
    }
    assertEquals(emu.bytesPerRecord("clicks"), 75 + 70, "mean value size plus 70 bytes of framing");
    emu.setBytesPerRecord("clicks", 61.5);
    const after = await fetchMetric("received_bytes");
    const h = ANCHOR - HOUR_MS;
    assertEquals(after.get("clicks")?.get(h), 37 * 61.5);
    // No data at or after the anchor.
    const future = await post(emu, query({ intervals: [`${iso(ANCHOR)}/P1D`] }));
    assertEquals(future.json.data, []);
  });
});

Deno.test("emulator buckets are UTC-aligned bucket starts whose values add up across granularities", async () => {
  // The emulator's clock just after the history: its minute data is still retained.
  await withEmulator({ clock: () => ANCHOR + HOUR_MS }, async (emu, profile) => {
    const orders = profile.topics.find((t) => t.name === "orders")!;
    const clicksFilter = {
      op: "AND",
      filters: [
        { field: "resource.kafka.id", op: "EQ", value: CLUSTER },
        { field: "metric.topic", op: "EQ", value: "clicks" },
      ],
    };
    const daily = await post(emu, query({ granularity: "P1D" }));
    const ordersDays = daily.json.data.filter((p: { "metric.topic": string }) =>
      p["metric.topic"] === "orders"
    );
    assertEquals(ordersDays.map((p: { timestamp: string }) => p.timestamp), [
      iso(START),
      iso(START + 86_400_000),
    ]);
    for (const p of ordersDays) {
      let sum = 0;
      const day = Date.parse(p.timestamp);
      for (let h = day; h < day + 86_400_000; h += HOUR_MS) {
        sum += recordsInHour(profile, orders, ANCHOR, h);
      }
      assertEquals(p.value, sum);
    }
    const fourHours = await post(emu, query({ granularity: "PT4H" }));
    assert(
      fourHours.json.data.every((p: { timestamp: string }) =>
        Date.parse(p.timestamp) % (4 * HOUR_MS) === 0
      ),
    );
    // 37 records an hour do not split evenly into minutes, but the minutes add up to the hour.
    const hour = ANCHOR - 3 * HOUR_MS;
    for (const granularity of ["PT1M", "PT5M", "PT15M", "PT30M"]) {
      const a = await post(
        emu,
        query({ granularity, filter: clicksFilter, intervals: [`${iso(hour)}/PT1H`] }),
      );
      assertEquals(a.status, 200);
      const values = a.json.data.map((p: { value: number }) => p.value);
      assertEquals(values.reduce((s: number, v: number) => s + v, 0), 37, granularity);
      assert(values.every((v: number) => v > 0), "buckets without data are omitted");
    }
    // An unaligned interval counts only its part of the edge buckets, stamped at bucket start.
    const partial = await post(
      emu,
      query({ filter: clicksFilter, intervals: [`${iso(hour + 30 * 60_000)}/PT1H`] }),
    );
    assertEquals(partial.json.data.map((p: { timestamp: string }) => p.timestamp), [
      iso(hour),
      iso(hour + HOUR_MS),
    ]);
    const halves = partial.json.data.map((p: { value: number }) => p.value);
    assert(halves[0] > 0 && halves[0] < 37 && halves[1] > 0 && halves[1] < 37, String(halves));
    const all = await post(emu, query({ granularity: "ALL", filter: clicksFilter }));
    assertEquals(all.json.data, [{
      timestamp: iso(START),
      value: 37 * 48,
      "metric.topic": "clicks",
    }]);
    assertEquals(all.json.meta.pagination.next_page_token, undefined);
  });
});

Deno.test("emulator gauges: retained_bytes averages what retention keeps, partition_count is the cluster's", async () => {
  await withEmulator({}, async (emu, profile) => {
    const last = ANCHOR - HOUR_MS;
    const retained = await post(
      emu,
      query({
        aggregations: [{ metric: `${PREFIX}retained_bytes` }],
        intervals: [`${iso(last)}/PT1H`],
      }),
    );
    const clicks = retained.json.data.find((p: { "metric.topic": string }) =>
      p["metric.topic"] === "clicks"
    );
    // Default retention (7 days) keeps all 48 hours of the profile.
    assertEquals(clicks, {
      timestamp: iso(last),
      value: 37 * 48 * emu.bytesPerRecord("clicks"),
      "metric.topic": "clicks",
    });
    const partitions = await post(
      emu,
      query({
        aggregations: [{ metric: `${PREFIX}partition_count` }],
        group_by: undefined,
        limit: undefined,
        granularity: "P1D",
      }),
    );
    const total = profile.topics.reduce((s, t) => s + t.partitions, 0);
    assertEquals(partitions.json.data, [
      { timestamp: iso(START), value: total },
      { timestamp: iso(START + 86_400_000), value: total },
    ]);
  });
});

Deno.test("emulator FLAT and GROUPED answers carry the same points", async () => {
  await withEmulator({}, async (emu) => {
    const flat = await post(emu, query({ format: "FLAT" }));
    const grouped = await post(emu, query({ format: "GROUPED" }));
    assertEquals(grouped.status, 200);
    const fromGrouped = grouped.json.data.flatMap((
      g: { "metric.topic": string; points: { timestamp: string; value: number }[] },
    ) => g.points.map((p) => ({ ...p, "metric.topic": g["metric.topic"] })));
    assertEquals(fromGrouped, flat.json.data);
    assertEquals(Object.keys(grouped.json.data[0]).sort(), ["metric.topic", "points"]);
    const ungrouped = await post(emu, query({ group_by: undefined, limit: undefined }));
    assertEquals(Object.keys(ungrouped.json.data[0]).sort(), ["timestamp", "value"]);
    assertEquals(ungrouped.json.meta, undefined);
  });
});

Deno.test("emulator evaluates EQ, GT, GTE, AND, OR and NOT over topic and partition labels", async () => {
  await withEmulator({}, async (emu, profile) => {
    const cluster = { field: "resource.kafka.id", op: "EQ", value: CLUSTER };
    const topicsOf = async (filter: unknown) =>
      [
        ...byTopicHour(
          (await post(emu, query({ filter: { op: "AND", filters: [cluster, filter] } })))
            .json.data,
        ).keys(),
      ].sort();
    assertEquals(await topicsOf({ field: "metric.topic", op: "EQ", value: "orders" }), ["orders"]);
    assertEquals(
      await topicsOf({ op: "NOT", filter: { field: "metric.topic", op: "EQ", value: "orders" } }),
      ["_internal_state", "clicks", "young"],
    );
    assertEquals(
      await topicsOf({
        op: "OR",
        filters: [
          { field: "metric.topic", op: "EQ", value: "young" },
          { field: "metric.topic", op: "GT", value: "n" },
        ],
      }),
      ["orders", "young"],
    );
    // Per partition: the emulator follows the record plan, so partitions add up to the truth.
    const truth = groundTruth(profile, ANCHOR, { start: START, end: ANCHOR }).get("orders")!;
    const perPartition = await post(
      emu,
      query({
        granularity: "ALL",
        group_by: ["metric.partition"],
        filter: {
          op: "AND",
          filters: [cluster, { field: "metric.topic", op: "EQ", value: "orders" }, {
            field: "metric.partition",
            op: "GTE",
            value: 1,
          }],
        },
      }),
    );
    const got = new Map(
      perPartition.json.data.map((p: { value: number; "metric.partition": string }) => [
        p["metric.partition"],
        p.value,
      ]),
    );
    assertEquals(got, new Map([["1", truth.perPartition[1]], ["2", truth.perPartition[2]]]));
  });
});

Deno.test("emulator pages through groups with tokens bound to the body that expire", async () => {
  let now = ANCHOR + 600_000;
  await withEmulator({ pageTokenTtlMs: 30_000, clock: () => now }, async (emu) => {
    const body = query({ limit: 2 });
    const first = await post(emu, body);
    assertEquals(first.json.meta.pagination.page_size, 2);
    const token = first.json.meta.pagination.next_page_token;
    assert(typeof token === "string" && token.length > 0);
    const second = await post(emu, body, { token });
    assertEquals(
      second.json.meta.pagination.next_page_token,
      undefined,
      "4 topics with data: 2 pages",
    );
    const topics = [...first.json.data, ...second.json.data].map((p: { "metric.topic": string }) =>
      p["metric.topic"]
    );
    assertEquals([...new Set(topics)], ["_internal_state", "clicks", "orders", "young"]);
    assertEquals((await post(emu, body, { token })).status, 200, "a token may be retried");

    const changed = await post(emu, query({ limit: 2, granularity: "PT4H" }), { token });
    assertEquals(changed.status, 400);
    assertStringIncludes(changed.json.errors[0].detail, "issued for a different query");
    const unknown = await post(emu, body, { token: "nope" });
    assertEquals(unknown.status, 400);
    assertStringIncludes(unknown.json.errors[0].detail, "no such token");

    now += 30_000;
    const expired = await post(emu, body, { token });
    assertEquals(expired.status, 400);
    assertEquals(expired.json, {
      errors: [{
        status: "400",
        detail:
          `Invalid page_token "${token}": the token has expired; restart the query from the first page`,
      }],
    });

    // A now-relative query cannot continue once `now` has moved, even within the token's life.
    now = ANCHOR - 60_000;
    const relative = query({ limit: 2, intervals: ["now-6h/now"] });
    const r1 = await post(emu, relative);
    assertEquals(r1.status, 200);
    const rToken = r1.json.meta.pagination.next_page_token;
    assertEquals(
      (await post(emu, relative, { token: rToken })).status,
      200,
      "same now: same interval",
    );
    now += 1_000;
    const moved = await post(emu, relative, { token: rToken });
    assertEquals(moved.status, 400);
    assertStringIncludes(moved.json.errors[0].detail, "issued for a different query");
  });
});

Deno.test("emulator answers now-relative intervals from its clock", async () => {
  await withEmulator({ clock: () => ANCHOR + 25 * 60_000 }, async (emu) => {
    const a = await post(emu, query({ intervals: ["now-2h|h/now|h"] }));
    const stamps = [...new Set(a.json.data.map((p: { timestamp: string }) => p.timestamp))].sort();
    assertEquals(stamps, [iso(ANCHOR - 2 * HOUR_MS), iso(ANCHOR - HOUR_MS)]);
    const b = await post(emu, query({ intervals: ["PT3H/now|h"] }));
    assertEquals(new Set(b.json.data.map((p: { timestamp: string }) => p.timestamp)).size, 3);
  });
});

Deno.test("emulator rate limit answers 429 with rateLimit-* headers and resets after the minute", async () => {
  let now = ANCHOR;
  await withEmulator({ rateLimitPerMinute: 3, clock: () => now }, async (emu) => {
    const ok = await post(emu, query());
    assertEquals(ok.headers.get("ratelimit-limit"), "3");
    assertEquals(ok.headers.get("ratelimit-remaining"), "2");
    assertEquals(ok.headers.get("ratelimit-reset"), "60");
    now += 20_000;
    await post(emu, query());
    await post(emu, query({ filter: undefined })); // a 403 still counts
    const limited = await post(emu, query());
    assertEquals(limited.status, 429);
    assertEquals(limited.json.errors[0].status, "429");
    assertEquals(limited.headers.get("rateLimit-limit"), "3");
    assertEquals(limited.headers.get("rateLimit-remaining"), "0");
    assertEquals(limited.headers.get("rateLimit-reset"), "40", "seconds from now, not an epoch");
    assertEquals(limited.headers.get("retry-after"), null, "Retry-After is not sent by default");
    now += 40_000;
    assertEquals((await post(emu, query())).status, 200);
    emu.setRateLimit(null);
    for (let i = 0; i < 5; i++) assertEquals((await post(emu, query())).status, 200);
    assertEquals(emu.requests.filter((r) => r.status === 429).length, 1);
  });
  await withEmulator(
    { rateLimitPerMinute: 1, sendRetryAfter: true, clock: () => now },
    async (emu) => {
      await post(emu, query());
      const limited = await post(emu, query());
      assertEquals([limited.status, limited.headers.get("retry-after")], [429, "60"]);
    },
  );
});

Deno.test("emulator injects 5xx answers, then recovers", async () => {
  await withEmulator({}, async (emu) => {
    emu.failNext(2);
    emu.failNext(1, 500);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await post(emu, query())).status);
    assertEquals(statuses, [503, 503, 500, 200]);
    assertEquals(emu.requests.map((r) => [r.method, r.path, r.status]), [
      ["POST", QUERY_PATH, 503],
      ["POST", QUERY_PATH, 503],
      ["POST", QUERY_PATH, 500],
      ["POST", QUERY_PATH, 200],
    ]);
    assertEquals(emu.requests[3]!.body, query());
    const res = await fetch(`${emu.url}/v2/metrics/cloud/descriptors`, { method: "GET" });
    assertEquals(res.status, 404);
    await res.body?.cancel();
  });
});

// --- minute data, its retention, and hot_partition_ingress ---------------------------------

const MINUTE_MS = 60_000;

/**
 * Minute bursts (one hour only, and hour 09 of every day), a daily peak, a hot key, uniform
 * keys and round-robin: every minute and every partition-hour differs in a known way.
 */
const MINUTES_PROFILE = profileSchema.parse({
  days: 2,
  seed: 5,
  topics: [
    {
      name: "bursty",
      partitions: 3,
      traffic: {
        recordsPerHour: 600,
        dailyPeak: { hourUtc: 9, multiplier: 2 },
        valueBytes: { min: 50, max: 70 },
        minuteBursts: [
          { hoursAgo: 5, minute: 17, share: 0.25 },
          { hourUtc: 9, minute: 42, share: 0.1 },
        ],
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

async function withProfile(
  profile: WorkloadProfile,
  extra: Partial<EmulatorOptions>,
  fn: (emu: MetricsEmulator) => Promise<void>,
): Promise<void> {
  const emu = startEmulator({
    profile,
    anchor: ANCHOR,
    clusterId: CLUSTER,
    apiKey: KEY,
    apiSecret: SECRET,
    ...extra,
  });
  try {
    await fn(emu);
  } finally {
    await emu.close();
  }
}

/** topic → minute → records, counted from the workload's plan (ground_truth.ts), zeros left out. */
function minuteCounts(profile: WorkloadProfile, from: number, to: number) {
  const out = new Map<string, Map<number, number>>();
  for (const t of profile.topics) {
    const minutes = new Map<number, number>();
    for (let h = from; h < to; h += HOUR_MS) {
      minuteTruth(profile, t, ANCHOR, h).records.forEach((n, m) => {
        if (n > 0) minutes.set(h + m * MINUTE_MS, n);
      });
    }
    if (minutes.size > 0) out.set(t.name, minutes);
  }
  return out;
}

const scale = (m: Map<string, Map<number, number>>, by: (topic: string) => number) =>
  new Map([...m].map(([t, v]) => [t, new Map([...v].map(([k, n]) => [k, n * by(t)]))]));

Deno.test("emulator PT1M received_records and received_bytes equal the plan's records per minute, bursts included", async () => {
  const profile = MINUTES_PROFILE;
  await withProfile(profile, { clock: () => ANCHOR + HOUR_MS }, async (emu) => {
    const bursty = profile.topics.find((t) => t.name === "bursty")!;
    // The bursts are in the plan: 25 % of the hour 5 hours before the anchor in its minute 17.
    const burstHour = ANCHOR - 5 * HOUR_MS;
    const burst = minuteTruth(profile, bursty, ANCHOR, burstHour).records;
    assert(burst[17]! >= 150 && burst.every((n, m) => m === 17 || n < 20), String(burst));

    // The whole history, 6 hours (the most PT1M allows) at a time.
    const records = new Map<string, Map<number, number>>();
    const bytes = new Map<string, Map<number, number>>();
    for (let from = START; from < ANCHOR; from += 6 * HOUR_MS) {
      for (const [metric, into] of [["received_records", records], ["received_bytes", bytes]]) {
        const a = await post(
          emu,
          query({
            aggregations: [{ metric: PREFIX + metric }],
            granularity: "PT1M",
            intervals: [`${iso(from)}/PT6H`],
          }),
        );
        assertEquals(a.status, 200, JSON.stringify(a.json));
        for (const [t, m] of byTopicHour(a.json.data)) {
          const all = (into as Map<string, Map<number, number>>).get(t) ?? new Map();
          for (const [k, v] of m) all.set(k, v);
          (into as Map<string, Map<number, number>>).set(t, all);
        }
      }
    }
    const truth = minuteCounts(profile, START, ANCHOR);
    assertEquals([...records.keys()].sort(), ["bursty", "hot", "hot-two", "uniform"]);
    assertEquals(records, truth);
    assertEquals(bytes, scale(truth, (t) => emu.bytesPerRecord(t)));
    assertEquals(records.get("bursty")!.get(burstHour + 17 * MINUTE_MS), burst[17]);

    // Per partition too, in the burst hour.
    const perPartition = await post(
      emu,
      query({
        granularity: "PT1M",
        group_by: ["metric.partition"],
        intervals: [`${iso(burstHour)}/PT1H`],
        filter: {
          op: "AND",
          filters: [
            { field: "resource.kafka.id", op: "EQ", value: CLUSTER },
            { field: "metric.topic", op: "EQ", value: "bursty" },
          ],
        },
      }),
    );
    const got = Array.from({ length: 3 }, () => new Array<number>(60).fill(0));
    for (const p of perPartition.json.data) {
      got[Number(p["metric.partition"])]![(Date.parse(p.timestamp) - burstHour) / MINUTE_MS] =
        p.value;
    }
    assertEquals(got, minuteTruth(profile, bursty, ANCHOR, burstHour).perPartition);
  });
});

Deno.test("emulator: PT1M over more than 6 hours is a 400, as the spec says; 6 hours is not", async () => {
  await withProfile(MINUTES_PROFILE, { clock: () => ANCHOR + HOUR_MS }, async (emu) => {
    for (
      const intervals of [
        [`${iso(ANCHOR - 6 * HOUR_MS - MINUTE_MS)}/${iso(ANCHOR)}`],
        [`${iso(START)}/PT6H1M`],
        [`PT6H0M1S/${iso(ANCHOR)}`],
        // Each interval is checked, not only the first.
        [`${iso(START)}/PT1H`, `${iso(START)}/P1D`],
      ]
    ) {
      const a = await post(emu, query({ granularity: "PT1M", intervals }));
      assertEquals(a.status, 400, intervals.join(" "));
      assertStringIncludes(a.json.errors[0].detail, "the maximum for granularity PT1M is PT6H");
    }
    const ok = await post(
      emu,
      query({ granularity: "PT1M", intervals: [`${iso(ANCHOR - 6 * HOUR_MS)}/${iso(ANCHOR)}`] }),
    );
    assertEquals(ok.status, 200);
    assertEquals(
      new Set(ok.json.data.map((p: { timestamp: string }) => p.timestamp)).size,
      360,
      "every minute of the 6 hours has records",
    );
  });
});

Deno.test("emulator keeps minute data for minuteRetentionMs (default 7 days) before its clock; hours stay", async () => {
  const profile = MINUTES_PROFILE;
  const fourHours = [`${iso(ANCHOR - 4 * HOUR_MS)}/${iso(ANCHOR)}`];
  const minutes = async (emu: MetricsEmulator, granularity = "PT1M") => {
    const a = await post(emu, query({ granularity, intervals: fourHours }));
    assertEquals(a.status, 200);
    return byTopicHour(a.json.data);
  };
  const truth = minuteCounts(profile, ANCHOR - 4 * HOUR_MS, ANCHOR);
  const hourly = async (emu: MetricsEmulator) =>
    byTopicHour((await post(emu, query({ intervals: fourHours }))).json.data);
  const hourTruth = new Map(
    [...groundTruth(profile, ANCHOR, { start: ANCHOR - 4 * HOUR_MS, end: ANCHOR }).values()]
      .filter((t) => t.records > 0)
      .map((t) => [t.topic, new Map(t.hourly.map((h) => [h.hourStart, h.records]))]),
  );

  // Three hours of minute data, 1 h after the anchor: the last two hours of the history.
  const clock = ANCHOR + HOUR_MS;
  const kept = clock - 3 * HOUR_MS;
  await withProfile(
    profile,
    { clock: () => clock, minuteRetentionMs: 3 * HOUR_MS },
    async (emu) => {
      const cut = new Map(
        [...truth].map(([t, m]) => [t, new Map([...m].filter(([k]) => k >= kept))]),
      );
      assertEquals(await minutes(emu), cut);
      const fiveMinutes = await minutes(emu, "PT5M");
      for (const [t, m] of fiveMinutes) {
        assert([...m.keys()].every((k) => k >= kept), t);
        assertEquals(
          [...m.values()].reduce((a, b) => a + b, 0),
          [...cut.get(t)!.values()].reduce((a, b) => a + b, 0),
        );
      }
      // An hour wholly past the retention: no minute data, but its hour is still served.
      const old = await post(
        emu,
        query({ granularity: "PT1M", intervals: [`${iso(ANCHOR - 4 * HOUR_MS)}/PT1H`] }),
      );
      assertEquals([old.status, old.json.data], [200, []]);
      assertEquals(await hourly(emu), hourTruth);
    },
  );
  // The default: 7 days.
  await withProfile(profile, { clock: () => ANCHOR + 6 * 86_400_000 }, async (emu) => {
    assertEquals(await minutes(emu), truth);
  });
  await withProfile(profile, { clock: () => ANCHOR + 7 * 86_400_000 }, async (emu) => {
    assertEquals(await minutes(emu), new Map());
    assertEquals(await hourly(emu), hourTruth);
  });
});

Deno.test("emulator hot_partition_ingress is 1 in the hours a partition gets more than twice the mean, absent otherwise", async () => {
  const profile = MINUTES_PROFILE;
  const truth = new Map(
    profile.topics.map((t) => [
      t.name,
      hotPartitionHours(profile, t, ANCHOR, { start: START, end: ANCHOR }),
    ]),
  );
  const hours = profile.days * 24;
  // The profile is what it claims: one hot partition in every hour of `hot`, none elsewhere
  // (`hot-two` has a hot key too, but of 2 partitions neither can get more than twice their
  // mean: that would be more than the whole topic).
  assertEquals(
    [...truth].map(([t, h]) => [t, h.length]),
    [["bursty", 0], ["hot", hours], ["uniform", 0], ["hot-two", 0], ["idle", 0]],
  );
  await withProfile(profile, { clock: () => ANCHOR + HOUR_MS }, async (emu) => {
    const hot = { aggregations: [{ metric: `${PREFIX}hot_partition_ingress` }] };
    const a = await post(emu, query(hot));
    assertEquals(a.status, 200, JSON.stringify(a.json));
    const got = byTopicHour(a.json.data);
    assertEquals(
      got,
      new Map(
        [...truth].filter(([, h]) => h.length > 0).map((
          [t, h],
        ) => [t, new Map(h.map((x) => [x, 1]))]),
      ),
    );
    // Coarser buckets: 1 when any hour in them was hot; a flag, never a sum.
    const daily = await post(emu, query({ ...hot, granularity: "P1D" }));
    assertEquals(daily.json.data, [
      { timestamp: iso(START), value: 1, "metric.topic": "hot" },
      { timestamp: iso(START + 86_400_000), value: 1, "metric.topic": "hot" },
    ]);
    const cluster = await post(
      emu,
      query({ ...hot, granularity: "ALL", group_by: undefined, limit: undefined }),
    );
    assertEquals(cluster.json.data, [{ timestamp: iso(START), value: 1 }]);
    // The spec leaves a partition label unconfirmed: the emulator has it, and names the hot
    // partition itself in each hour, as the plan has it.
    const byPartition = await post(
      emu,
      query({ ...hot, group_by: ["metric.topic", "metric.partition"] }),
    );
    assertEquals(byPartition.status, 200, JSON.stringify(byPartition.json));
    const want = profile.topics.flatMap((t) =>
      [...hotPartitionsByHour(profile, t, ANCHOR, { start: START, end: ANCHOR })].flatMap((
        [h, partitions],
      ) => partitions.map((p) => `${t.name}/${p}@${iso(h)}`))
    );
    assertEquals(want.length, hours, "one hot partition of `hot` an hour");
    assertEquals(
      byPartition.json.data.map((
        p: { timestamp: string; value: number; "metric.topic": string; "metric.partition": string },
      ) => `${p["metric.topic"]}/${p["metric.partition"]}@${p.timestamp}=${p.value}`).sort(),
      want.map((w) => `${w}=1`).sort(),
    );
  });
  // A round-robin topic with fewer records than partitions in an hour is hot by the rule too;
  // two such topics over the whole cluster still give 1, not 2.
  const sparse = profileSchema.parse({
    days: 1,
    topics: ["sparse-a", "sparse-b"].map((name) => ({
      name,
      partitions: 3,
      traffic: { recordsPerHour: 1, valueBytes: { min: 10, max: 10 } },
    })),
  });
  await withProfile(sparse, {}, async (emu) => {
    const hot = {
      aggregations: [{ metric: `${PREFIX}hot_partition_ingress` }],
      intervals: [`${iso(ANCHOR - 3 * HOUR_MS)}/${iso(ANCHOR)}`],
    };
    const a = await post(emu, query(hot));
    assertEquals(a.json.data.length, 2 * 3);
    const cluster = await post(emu, query({ ...hot, group_by: undefined, limit: undefined }));
    assertEquals(
      cluster.json.data.map((p: { value: number }) => p.value),
      [1, 1, 1],
    );
  });
});

Deno.test("emulator hot-partition flags as declared per partition and hour; dedicated_cku_count; a Basic cluster has neither", async () => {
  const profile = MINUTES_PROFILE;
  const h = (n: number) => START + n * HOUR_MS;
  const hotPartitions = {
    ingress: [{ topic: "uniform", partitions: [3], hours: [h(2)] }],
    egress: [
      { topic: "bursty", partitions: [0, 2], hours: [h(1), h(40)] },
      { topic: "idle", partitions: [1], hours: [h(0)] },
    ],
  };
  const flat = (a: Answer) =>
    a.json.data.map((
      p: { timestamp: string; value: number; "metric.topic": string; "metric.partition"?: string },
    ) =>
      `${p["metric.topic"]}${
        p["metric.partition"] === undefined ? "" : `/${p["metric.partition"]}`
      }@${p.timestamp}=${p.value}`
    );
  await withProfile(profile, { clock: () => ANCHOR, hotPartitions, ckus: 4 }, async (emu) => {
    const ask = (metric: string, extra: Record<string, unknown> = {}) =>
      post(emu, query({ aggregations: [{ metric: `${PREFIX}${metric}` }], ...extra }));
    // Exactly as declared: the plan's own hot partition of `hot` no longer counts, and a
    // declared flag needs no traffic (idle).
    assertEquals(flat(await ask("hot_partition_ingress")), [`uniform@${iso(h(2))}=1`]);
    assertEquals(flat(await ask("hot_partition_egress")), [
      `bursty@${iso(h(1))}=1`,
      `bursty@${iso(h(40))}=1`,
      `idle@${iso(h(0))}=1`,
    ]);
    assertEquals(
      flat(await ask("hot_partition_egress", { group_by: ["metric.topic", "metric.partition"] })),
      [
        `bursty/0@${iso(h(1))}=1`,
        `bursty/0@${iso(h(40))}=1`,
        `bursty/2@${iso(h(1))}=1`,
        `bursty/2@${iso(h(40))}=1`,
        `idle/1@${iso(h(0))}=1`,
      ],
    );
    const partition1 = {
      op: "AND",
      filters: [
        { field: "resource.kafka.id", op: "EQ", value: CLUSTER },
        { field: "metric.partition", op: "EQ", value: "1" },
      ],
    };
    assertEquals(flat(await ask("hot_partition_egress", { filter: partition1 })), [
      `idle@${iso(h(0))}=1`,
    ]);
    const cku = await ask("dedicated_cku_count", {
      granularity: "ALL",
      group_by: undefined,
      limit: undefined,
    });
    assertEquals(cku.json.data, [{ timestamp: iso(START), value: 4 }]);
    // The cluster-level gauge has no topic label to group by.
    assertEquals((await ask("dedicated_cku_count")).status, 400);
  });
  // Not declared: egress is never raised (ingress follows the plan, tested above).
  await withProfile(profile, { clock: () => ANCHOR }, async (emu) => {
    const a = await post(
      emu,
      query({ aggregations: [{ metric: `${PREFIX}hot_partition_egress` }] }),
    );
    assertEquals([a.status, a.json.data], [200, []]);
  });
  // Basic and Standard clusters: no flag, no CKU count; an empty page, or a 400 naming it.
  for (const clusterType of ["basic", "standard"] as const) {
    await withProfile(profile, { clock: () => ANCHOR, clusterType, hotPartitions }, async (emu) => {
      for (const metric of ["hot_partition_ingress", "hot_partition_egress"]) {
        const a = await post(emu, query({ aggregations: [{ metric: `${PREFIX}${metric}` }] }));
        assertEquals([a.status, a.json.data], [200, []], `${clusterType} ${metric}`);
      }
      const records = await post(emu, query());
      assert(records.json.data.length > 0, "the rest is served as ever");
    });
    await withProfile(
      profile,
      { clock: () => ANCHOR, clusterType, unpublished: "error" },
      async (emu) => {
        const a = await post(
          emu,
          query({ aggregations: [{ metric: `${PREFIX}hot_partition_egress` }] }),
        );
        assertEquals(a.status, 400);
        assertEquals(a.json.errors, [{
          status: "400",
          detail: `Metric ${PREFIX}hot_partition_egress is unknown for resource ${CLUSTER} ` +
            `(not published for a ${clusterType} cluster)`,
        }]);
        assertEquals((await post(emu, query())).status, 200);
      },
    );
  }
});

Deno.test("emulator refuses hot partitions it could not serve: an unknown topic, a partition out of range, a partial hour", () => {
  const base = {
    profile: MINUTES_PROFILE,
    anchor: ANCHOR,
    clusterId: CLUSTER,
    apiKey: KEY,
    apiSecret: SECRET,
  };
  const bad: [NonNullable<EmulatorOptions["hotPartitions"]>, string][] = [
    [{ egress: [{ topic: "nope", partitions: [0], hours: [START] }] }, 'no topic "nope"'],
    [{ ingress: [{ topic: "hot", partitions: [4], hours: [START] }] }, "partitions 0 to 3, not 4"],
    [{ egress: [{ topic: "hot", partitions: [0], hours: [START + 1] }] }, "not a whole UTC hour"],
  ];
  for (const [hotPartitions, message] of bad) {
    let error: unknown;
    try {
      startEmulator({ ...base, hotPartitions });
    } catch (e) {
      error = e;
    }
    assert(error instanceof RangeError, message);
    assertStringIncludes(error.message, message);
  }
});
