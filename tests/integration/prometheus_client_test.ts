// The analyzer's Prometheus client against a real Prometheus (Debian's build, backfilled with a
// declared workload): basic auth as Prometheus itself asks for it (`--web.config.file`), a
// bearer token as the gateway in front of a hosted Prometheus asks for it (a local reverse
// proxy), refusals that name the setting and never the secret, and range queries longer than
// the server's 11,000 points per series, which it refuses whole and the client splits.
import { assert, assertEquals, assertRejects } from "../assert.ts";
import {
  byHourStart,
  PrometheusApiError,
  type PrometheusWorkload,
  queryRange,
  startPrometheusWithWorkload,
} from "../support/prometheus.ts";
import { HOUR_MS } from "../../dev/workload/plan.ts";
import { profileSchema } from "../../dev/workload/profile.ts";
import {
  MAX_POINTS,
  PrometheusAuthError,
  PrometheusClient,
  type Series,
} from "../../src/prometheus/client.ts";
import { makeScrubber } from "../../src/scrub.ts";

const ANCHOR = Date.UTC(2026, 10, 2);
const USER = "grafana-reader";
const PASSWORD = "prom-test-password";
/**
 * bcrypt of PASSWORD (cost 10), as Prometheus' web configuration wants it; made once with
 * Python's `bcrypt.hashpw(b"prom-test-password", bcrypt.gensalt(rounds=10))`.
 */
const PASSWORD_BCRYPT = "$2b$10$wnb/NFap/SrEQpSNEl1idO8PUeHj6VoIwi.SaWyYBPzfVd8El2RjS";
const TOKEN = "glc_test-bearer-token-0123456789";

const PROFILE = profileSchema.parse({
  description: "the Prometheus client's workload",
  days: 2,
  seed: 5,
  topics: [
    {
      name: "orders",
      partitions: 3,
      traffic: { recordsPerHour: 600, valueBytes: { min: 100, max: 400 } },
    },
    {
      name: "clicks",
      partitions: 2,
      traffic: { recordsPerHour: 90, valueBytes: { min: 10, max: 40 } },
    },
  ],
});

const basic = (user: string, password: string) => `Basic ${btoa(`${user}:${password}`)}`;

/**
 * A gateway that wants `Authorization: Bearer TOKEN`, answers 401 echoing the header it got
 * (as careless gateways do), and forwards the rest to Prometheus with its basic auth.
 * Counts the range queries it forwards.
 */
function bearerGateway(upstream: string) {
  let rangeQueries = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const got = req.headers.get("authorization") ?? "";
    if (got !== `Bearer ${TOKEN}`) {
      return new Response(`unauthorized: got "${got}"`, { status: 401 });
    }
    const url = new URL(req.url);
    if (url.pathname.endsWith("/query_range")) rangeQueries++;
    return fetch(`${upstream}${url.pathname}${url.search}`, {
      headers: { authorization: basic(USER, PASSWORD) },
    });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    rangeQueries: () => rangeQueries,
    stop: () => server.shutdown(),
  };
}

async function withPrometheus(fn: (p: PrometheusWorkload) => Promise<void>): Promise<void> {
  const p = await startPrometheusWithWorkload(PROFILE, ANCHOR, {
    family: "jmx",
    webConfig: `basic_auth_users:\n  ${USER}: ${PASSWORD_BCRYPT}\n`,
  });
  try {
    await fn(p);
  } finally {
    await p.stop();
  }
}

const client = (url: string, auth: ConstructorParameters<typeof PrometheusClient>[0]["auth"]) =>
  new PrometheusClient({
    url,
    auth,
    timeoutMs: 10_000,
    maxRetries: 0,
    scrub: makeScrubber([PASSWORD, `${USER}:${PASSWORD}`, TOKEN]),
  });

/** The answer's hourly records by topic, hour starts as epoch ms. */
function hourly(series: Series[], label: string): Map<string, Map<number, number>> {
  return byHourStart(
    series.map((s) => ({
      metric: s.metric,
      values: s.values.map(([t, v]) => [t * 1000, v] as [number, number]),
    })),
    label,
  );
}

Deno.test("basic auth: answers with the right password; 401 without or with a wrong one, naming the settings, never the password", async () => {
  await withPrometheus(async (p) => {
    const now = ANCHOR / 1000;
    const ok = await client(p.url, { username: USER, password: PASSWORD }).query("up", now);
    assertEquals(ok, []);
    for (const auth of [null, { username: USER, password: "Wrong-password-1" }]) {
      const err = await assertRejects(
        () => client(p.url, auth).query("up", now),
        PrometheusAuthError,
      );
      assertEquals(err.status, 401);
      assert(err.message.includes("PROMETHEUS_USERNAME and PROMETHEUS_PASSWORD"), err.message);
      assert(!err.message.includes("Wrong-password-1"), err.message);
    }
  });
});

Deno.test("a bearer token through a gateway: answers; a refusal that echoes the header is masked", async () => {
  await withPrometheus(async (p) => {
    const gateway = bearerGateway(p.url);
    try {
      const answer = await client(gateway.url, { bearerToken: TOKEN }).queryRange(
        p.queries.records,
        (ANCHOR - 5 * HOUR_MS) / 1000,
        ANCHOR / 1000,
        3600,
      );
      assertEquals(answer.map((s) => s.metric["topic"]).sort(), ["clicks", "orders"]);
      // A wrong token, and a basic-auth header carrying the real password: both echoed, both masked.
      for (
        const auth of [{ bearerToken: `${TOKEN}-old` }, { username: USER, password: PASSWORD }]
      ) {
        const err = await assertRejects(
          () => client(gateway.url, auth).query("up", ANCHOR / 1000),
          PrometheusAuthError,
        );
        assert(err.message.includes("unauthorized: got"), err.message);
        for (const secret of [TOKEN, PASSWORD, btoa(`${USER}:${PASSWORD}`)]) {
          assert(!err.message.includes(secret), `${secret} in: ${err.message}`);
        }
      }
    } finally {
      await gateway.stop();
    }
  });
});

Deno.test("a range longer than 11,000 points: refused whole by the server, split by the client, equal to the truth", async () => {
  await withPrometheus(async (p) => {
    const gateway = bearerGateway(p.url);
    try {
      const steps = MAX_POINTS + 1_500; // about 520 days of hours
      const start = ANCHOR - steps * HOUR_MS;
      const unsplit = await assertRejects(
        () =>
          queryRange(p.url, p.queries.records, start, ANCHOR, 3600, {
            authorization: basic(USER, PASSWORD),
          }),
        PrometheusApiError,
      );
      assertEquals(unsplit.httpStatus, 400);

      const answer = await client(gateway.url, { bearerToken: TOKEN }).queryRange(
        p.queries.records,
        start / 1000,
        ANCHOR / 1000,
        3600,
      );
      assertEquals(gateway.rangeQueries(), 2);
      const got = hourly(answer, p.queries.topicLabel);
      for (const [topic, truth] of p.truth.topics) {
        for (const h of truth.hourly) {
          assertEquals(got.get(topic)?.get(h.hourStart) ?? 0, h.records, `${topic} ${h.hourStart}`);
        }
      }
      // Each point once: the parts meet without overlap.
      for (const s of answer) {
        const times = s.values.map(([t]) => t);
        assertEquals(new Set(times).size, times.length);
      }
    } finally {
      await gateway.stop();
    }
  });
});
