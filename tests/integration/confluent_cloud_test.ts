// The Confluent Cloud client, discovery and key ledger against the local Cloud API emulator
// over real HTTP: pagination across several pages of environments and clusters, the filters,
// a 401 without retry or secret, a 403 that skips one cluster, 429s waited out as Retry-After
// asks (the injected sleep moves the emulator's clock, so no wall time passes), 5xx retried on
// GET but not on POST, a lost create answer whose key is still found and deleted, keys that
// are all deleted, a DELETE that fails and is reported by id, and a created key that really
// logs in to the local broker over SASL_SSL.
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../assert.ts";
import {
  type CloudEmulator,
  type CloudEmulatorOptions,
  type EmulatedCluster,
  type EmulatedEnvironment,
  startCloudEmulator,
} from "../../dev/confluent_cloud/emulator.ts";
import { CloudApiClient, type CloudApiClientOptions } from "../../src/confluent_cloud/client.ts";
import { discoverClusters } from "../../src/confluent_cloud/discovery.ts";
import { CloudApiAuthError, CloudApiError } from "../../src/confluent_cloud/errors.ts";
import { KeyLedger, withTemporaryKey } from "../../src/confluent_cloud/keys.ts";
import { KafkaCluster } from "../../src/kafka/cluster.ts";
import { localBroker } from "../support/testbed.ts";

const KEY = "CLOUDKEY7Q2W9E4R";
const SECRET = "cloud-secret-5f4e3d2c1b0a9z8y";
const PRINCIPAL = "sa-k9x2m1";
const T0 = Date.UTC(2026, 8, 1);

/** 23 environments; env-00 holds 12 clusters, env-03 and env-07 one each. */
function estate(): { environments: EmulatedEnvironment[]; clusters: EmulatedCluster[] } {
  const environments = Array.from({ length: 23 }, (_, i) => ({
    id: `env-${String(i).padStart(2, "0")}`,
    displayName: `team ${i}`,
  }));
  const clusters: EmulatedCluster[] = [
    ...Array.from({ length: 12 }, (_, i) => ({
      id: `lkc-a${String(i).padStart(2, "0")}`,
      environment: "env-00",
      displayName: `orders ${i}`,
      bootstrapEndpoint: `SASL_SSL://pkc-a${i}.us-east-1.aws.confluent.cloud:9092`,
    })),
    {
      id: "lkc-b",
      environment: "env-03",
      displayName: "billing",
      bootstrapEndpoint: "SASL_SSL://pkc-b.eu-west-1.aws.confluent.cloud:9092",
    },
    {
      id: "lkc-c",
      environment: "env-07",
      displayName: "clicks",
      bootstrapEndpoint: "SASL_SSL://pkc-c.europe-west1.gcp.confluent.cloud:9092",
    },
  ];
  return { environments, clusters };
}

interface Harness {
  emu: CloudEmulator;
  sleeps: number[];
  lines: string[];
  client(extra?: Partial<CloudApiClientOptions>): CloudApiClient;
}

async function withEmulator(
  extra: Partial<CloudEmulatorOptions>,
  fn: (h: Harness) => Promise<void>,
): Promise<void> {
  let now = T0;
  const emu = startCloudEmulator({
    apiKey: KEY,
    apiSecret: SECRET,
    ...estate(),
    clock: () => now,
    ...extra,
  });
  const sleeps: number[] = [];
  const lines: string[] = [];
  const h: Harness = {
    emu,
    sleeps,
    lines,
    client: (more = {}) =>
      new CloudApiClient({
        baseUrl: emu.url,
        apiKey: KEY,
        apiSecret: SECRET,
        timeoutMs: 5_000,
        random: () => 0.5,
        logger: (l) => lines.push(l),
        // The emulator's clock moves by what the client sleeps: waits cost no wall time.
        sleep: (ms) => {
          sleeps.push(ms);
          now += ms;
          return Promise.resolve();
        },
        ...more,
      }),
  };
  try {
    await fn(h);
  } finally {
    await emu.close();
  }
}

function assertNoSecret(text: string, secret = SECRET, key = KEY): void {
  const forms = [secret, btoa(`${key}:${secret}`), btoa(secret).replace(/=+$/, "")];
  for (const f of forms) assert(!text.includes(f), `a form of the secret leaked: ${text}`);
}

Deno.test("emulator: lists as the reference shapes them, default page size 10, next a full URL", async () => {
  await withEmulator({}, async ({ emu }) => {
    const auth = { authorization: `Basic ${btoa(`${KEY}:${SECRET}`)}` };
    const first = await (await fetch(`${emu.url}/org/v2/environments`, { headers: auth })).json();
    assertEquals(first.api_version, "org/v2");
    assertEquals(first.kind, "EnvironmentList");
    assertEquals(first.data.length, 10);
    assertEquals(first.data[0].kind, "Environment");
    assertEquals(first.data[0].id, "env-00");
    assertEquals(first.data[0].display_name, "team 0");
    const next = new URL(first.metadata.next);
    assertEquals(next.origin, emu.url);
    assertEquals(next.searchParams.get("page_size"), "10");
    const second = await (await fetch(next, { headers: auth })).json();
    assertEquals(second.data[0].id, "env-10");
    const last = await (await fetch(second.metadata.next, { headers: auth })).json();
    assertEquals(last.data.length, 3);
    assertEquals(last.metadata.next, undefined);

    const tooBig = await fetch(`${emu.url}/org/v2/environments?page_size=101`, { headers: auth });
    assertEquals(tooBig.status, 400);
    assertEquals((await tooBig.json()).errors[0].source, { parameter: "page_size" });
    const noEnv = await fetch(`${emu.url}/cmk/v2/clusters`, { headers: auth });
    assertEquals(noEnv.status, 400);
    assertStringIncludes((await noEnv.json()).errors[0].detail, "'environment'");
    const clusters = await (await fetch(`${emu.url}/cmk/v2/clusters?environment=env-03`, {
      headers: auth,
    })).json();
    assertEquals(clusters.kind, "ClusterList");
    assertEquals(
      clusters.data[0].spec.kafka_bootstrap_endpoint,
      "SASL_SSL://pkc-b.eu-west-1.aws.confluent.cloud:9092",
    );
    assertEquals(clusters.data[0].spec.environment.id, "env-03");
    const foreign = await fetch(
      `${emu.url}/org/v2/environments?page_token=${next.searchParams.get("page_token")}`,
      {
        headers: auth,
      },
    );
    assertEquals(foreign.status, 200, "the same listing may reuse its token");
    const other = await fetch(
      `${emu.url}/cmk/v2/clusters?environment=env-00&page_token=${
        next.searchParams.get("page_token")
      }`,
      { headers: auth },
    );
    assertEquals(other.status, 400, "a token of another listing is refused");
    assert(emu.requests.every((r) => !JSON.stringify(r).includes(SECRET)));
  });
});

Deno.test("discoverClusters() follows metadata.next across pages of environments and clusters", async () => {
  await withEmulator({}, async ({ emu, client }) => {
    const found = await discoverClusters({ client: client({ pageSize: 5 }) });
    assertEquals(found.clusters.length, 14);
    assertEquals(found.clusters.slice(0, 12).map((c) => c.clusterId), [
      ...Array.from({ length: 12 }, (_, i) => `lkc-a${String(i).padStart(2, "0")}`),
    ]);
    assertEquals(found.clusters[12], {
      environmentId: "env-03",
      environmentName: "team 3",
      clusterId: "lkc-b",
      name: "billing",
      bootstrapServers: ["pkc-b.eu-west-1.aws.confluent.cloud:9092"],
    });
    assertEquals(found.skipped, []);
    const envPages = emu.requests.filter((r) => r.route === "environments");
    assertEquals(envPages.length, 5); // 23 at 5 a page
    assertEquals(envPages.map((r) => r.query.page_token !== undefined), [
      false,
      true,
      true,
      true,
      true,
    ]);
    assert(envPages.every((r) => r.query.page_size === "5"));
    const env00 = emu.requests.filter((r) =>
      r.route === "clusters" && r.query.environment === "env-00"
    );
    assertEquals(env00.length, 3); // 12 at 5 a page
    assertEquals(emu.requests.filter((r) => r.route === "clusters").length, 23 + 2);
    assert(emu.requests.every((r) => r.status === 200));
  });
});

Deno.test("discoverClusters() with filters lists only the chosen environments and keeps the chosen clusters", async () => {
  await withEmulator({}, async ({ emu, client }) => {
    const found = await discoverClusters({
      client: client(),
      environmentFilter: ["env-00", "env-07", "env-99"],
      clusterFilter: ["lkc-a03", "lkc-c", "lkc-b"],
    });
    assertEquals(found.clusters.map((c) => c.clusterId), ["lkc-a03", "lkc-c"]);
    assertEquals(found.unmatched, { environments: ["env-99"], clusters: ["lkc-b"] });
    assertEquals(
      emu.requests.filter((r) => r.route === "clusters").map((r) => r.query.environment),
      ["env-00", "env-07"],
    );
  });
});

Deno.test("a wrong Cloud API secret: 401 at once, the message names the key and holds no secret", async () => {
  await withEmulator({}, async ({ emu, client, sleeps }) => {
    const wrong = "wrong-secret-77aa66bb55cc";
    const e = await assertRejects(
      () => discoverClusters({ client: client({ apiSecret: wrong }) }),
      CloudApiAuthError,
    );
    assertEquals(e.status, 401);
    assertStringIncludes(e.message, KEY);
    assertStringIncludes(e.message, "Valid authentication credentials must be provided");
    assertNoSecret(`${e.message} ${e.detail} ${e.stack}`, wrong);
    assertNoSecret(`${e.message} ${e.detail}`);
    assertEquals(emu.requests.length, 1);
    assertEquals(emu.requests[0]!.status, 401);
    assertEquals(sleeps, []);
  });
});

Deno.test("a 403 on key creation skips that cluster; the others get keys, and all are deleted", async () => {
  await withEmulator({ forbiddenClusters: ["lkc-b"] }, async ({ emu, client, lines }) => {
    const c = client();
    const found = await discoverClusters({
      client: c,
      environmentFilter: ["env-00", "env-03", "env-07"],
      clusterFilter: ["lkc-a01", "lkc-b", "lkc-c"],
    });
    const ledger = new KeyLedger({ client: c, principalId: PRINCIPAL, log: (l) => lines.push(l) });
    const outcomes = await Promise.all(found.clusters.map((cl) => ledger.create(cl)));
    assertEquals(outcomes.map((o) => o.ok), [true, false, true]);
    const refused = outcomes[1]!;
    assert(!refused.ok);
    assertEquals([refused.clusterId, refused.status], ["lkc-b", 403]);
    assertStringIncludes(refused.reason, "403: Forbidden Access");

    const live = emu.liveKeys();
    assertEquals(live.map((k) => [k.resource, k.environment, k.owner]).sort(), [
      ["lkc-a01", "env-00", PRINCIPAL],
      ["lkc-c", "env-07", PRINCIPAL],
    ]);
    assert(live.every((k) => k.displayName === ledger.displayName));
    // A key's own page (GET) has no secret.
    const one = await (await fetch(`${emu.url}/iam/v2/api-keys/${live[0]!.id}`, {
      headers: { authorization: `Basic ${btoa(`${KEY}:${SECRET}`)}` },
    })).json();
    assertEquals(one.spec.secret, undefined);
    assertEquals(one.spec.resource.id, live[0]!.resource);

    const report = await ledger.deleteAll();
    assertEquals(report.failed, []);
    assertEquals(report.deleted.sort(), live.map((k) => k.id).sort());
    assertEquals(emu.liveKeys(), []);
    assertEquals(emu.createdKeys().length, 2);
    for (const o of outcomes) if (o.ok) assertNoSecret(lines.join("\n"), o.key.secret, o.key.id);
  });
});

Deno.test("429s are waited out as Retry-After asks, capped, on GET and on POST", async () => {
  await withEmulator({}, async ({ emu, client, sleeps }) => {
    emu.failNext(2, 429, { route: "environments", retryAfterSeconds: 2 });
    const envs = await client().listEnvironments();
    assertEquals(envs.length, 23);
    assertEquals(sleeps, [2000, 2000]);

    sleeps.length = 0;
    emu.failNext(1, 429, { route: "environments", retryAfterSeconds: 600 });
    await client({ maxRateLimitWaitMs: 5_000 }).listEnvironments();
    assertEquals(sleeps, [5_000]);

    sleeps.length = 0;
    emu.failNext(1, 429, { route: "create-key", retryAfterSeconds: 1 });
    const ledger = new KeyLedger({ client: client(), principalId: PRINCIPAL });
    const outcome = await ledger.create({ clusterId: "lkc-b", environmentId: "env-03" });
    assert(outcome.ok, "a 429 on POST was not carried out, so it is retried");
    assertEquals(sleeps, [1000]);
    assertEquals(emu.requests.filter((r) => r.route === "create-key").map((r) => r.status), [
      429,
      202,
    ]);
    await ledger.deleteAll();
    assertEquals(emu.liveKeys(), []);

    const stubborn = client({ maxRateLimitWaits: 2 });
    emu.failNext(3, 429, { route: "environments" });
    await assertRejects(() => stubborn.listEnvironments(), CloudApiError, "kept answering 429");
  });
});

Deno.test("a per-minute rate limit: the client waits X-RateLimit windows out and still lists everything", async () => {
  await withEmulator({ rateLimitPerMinute: 3 }, async ({ emu, client, sleeps }) => {
    const found = await discoverClusters({ client: client({ pageSize: 10 }) });
    assertEquals(found.clusters.length, 14);
    assert(sleeps.length > 0 && sleeps.every((ms) => ms > 0 && ms <= 60_000));
    const limited = emu.requests.filter((r) => r.status === 429);
    assertEquals(limited.length, sleeps.length);
  });
});

Deno.test("5xx: a GET is retried with backoff; a POST is not, and a key whose answer was lost is found and deleted", async () => {
  await withEmulator({}, async ({ emu, client, sleeps, lines }) => {
    emu.failNext(2, 503, { route: "environments" });
    assertEquals((await client().listEnvironments()).length, 23);
    assertEquals(sleeps, [375, 750]); // backoffMs(1..2) with jitter 0.5

    const ledger = new KeyLedger({
      client: client(),
      principalId: PRINCIPAL,
      log: (l) => lines.push(l),
    });
    emu.failNext(1, 500, { route: "create-key" });
    const refused = await ledger.create({ clusterId: "lkc-b", environmentId: "env-03" });
    assert(!refused.ok);
    assertEquals(refused.status, 500);
    assertEquals(emu.requests.filter((r) => r.route === "create-key").length, 1, "not retried");
    assertEquals(emu.liveKeys(), []);

    emu.failNext(1, 502, { route: "create-key", afterHandling: true });
    const lost = await ledger.create({ clusterId: "lkc-c", environmentId: "env-07" });
    assert(!lost.ok);
    assertEquals(emu.liveKeys().length, 1, "the emulator made the key");
    assertEquals(ledger.live().map((k) => k.id), emu.liveKeys().map((k) => k.id));
    assertStringIncludes(lines.join("\n"), "created by a request whose answer was lost");
    const report = await ledger.deleteAll();
    assertEquals(report.deleted.length, 1);
    assertEquals(emu.liveKeys(), []);
  });
});

Deno.test("deleteAll reports by id a key whose DELETE keeps failing, and a later call deletes it", async () => {
  await withEmulator({}, async ({ emu, client }) => {
    const ledger = new KeyLedger({ client: client({ maxRetries: 2 }), principalId: PRINCIPAL });
    const found = await discoverClusters({
      client: client(),
      clusterFilter: ["lkc-a00", "lkc-b", "lkc-c"],
    });
    for (const c of found.clusters) assert((await ledger.create(c)).ok);
    emu.failDeletes((k) => k.resource === "lkc-b");
    const report = await ledger.deleteAll();
    const stuck = emu.liveKeys();
    assertEquals(stuck.map((k) => k.resource), ["lkc-b"]);
    assertEquals(report.deleted.length, 2);
    assertEquals(report.failed.map((f) => [f.id, f.clusterId]), [[stuck[0]!.id, "lkc-b"]]);
    assertStringIncludes(
      report.failed[0]!.reason,
      `answered 500 to DELETE /iam/v2/api-keys/${stuck[0]!.id} 3 times`,
    );
    const deletes = emu.requests.filter((r) =>
      r.route === "delete-key" && r.path.endsWith(stuck[0]!.id)
    );
    assertEquals(deletes.length, 3, "one attempt and two retries");

    emu.failDeletes(null);
    const again = await ledger.deleteAll();
    assertEquals([again.deleted, again.failed], [[stuck[0]!.id], []]);
    assertEquals(emu.liveKeys(), []);
  });
});

Deno.test("deleteAll while a create is in flight (a signal mid-run) leaves no key behind", async () => {
  await withEmulator({}, async ({ emu, client }) => {
    const ledger = new KeyLedger({ client: client(), principalId: PRINCIPAL });
    emu.delayNext(1, 300, "create-key");
    const creating = ledger.create({ clusterId: "lkc-b", environmentId: "env-03" });
    await new Promise((r) => setTimeout(r, 50));
    const report = await ledger.deleteAll();
    const outcome = await creating;
    assert(!outcome.ok);
    assertEquals(report.deleted.length, 1);
    assertEquals(emu.createdKeys().length, 1);
    assertEquals(emu.liveKeys(), []);
  });
});

Deno.test("a key from the emulator logs in to the local broker over SASL_SSL and reads metadata", async () => {
  const info = await localBroker();
  const analyst = info.users.find((u) => u.username === "analyst")!;
  const caPem = await Deno.readTextFile(info.caFile);
  await withEmulator({
    environments: [{ id: "env-local", displayName: "local" }],
    clusters: [{
      id: "lkc-local",
      environment: "env-local",
      displayName: "test bed",
      bootstrapEndpoint: `SASL_SSL://${info.saslSslBootstrap}`,
    }],
    issueKey: () => ({ key: analyst.username, secret: analyst.password }),
  }, async ({ emu, client }) => {
    const c = client();
    const found = await discoverClusters({ client: c });
    assertEquals(found.clusters.map((x) => x.bootstrapServers), [[info.saslSslBootstrap]]);
    const ledger = new KeyLedger({ client: c, principalId: "u-tester1" });
    const result = await withTemporaryKey(ledger, found.clusters[0]!, async (key) => {
      assertEquals(emu.liveKeys().map((k) => k.id), [key.id]);
      const kafka = new KafkaCluster({
        clusterId: found.clusters[0]!.clusterId,
        bootstrapServers: found.clusters[0]!.bootstrapServers,
        securityProtocol: "SASL_SSL",
        sasl: { mechanism: "PLAIN", username: key.id, password: key.secret },
        caPem,
      });
      try {
        return await kafka.metadata(null);
      } finally {
        await kafka.close();
      }
    });
    assert(result.ok);
    assertEquals(result.undeleted, null);
    assertEquals(result.value.clusterId, info.clusterId);
    assert(result.value.brokers.length >= 1);
    assertEquals(emu.liveKeys(), []);
  });
});
