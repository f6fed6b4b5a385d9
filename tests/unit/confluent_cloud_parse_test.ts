// The pure readers of Confluent Cloud API answers: bootstrap endpoints to host:port, the page
// token inside `metadata.next`, list pages, clusters (the deprecated endpoint field and the
// newer `endpoints` map), create answers, and the 429 wait with the Cloud API's header names.
import { assertEquals } from "../assert.ts";
import { parseBootstrapEndpoint } from "../../src/confluent_cloud/discovery.ts";
import {
  pageTokenOf,
  parseApiKey,
  parseCluster,
  parseCreatedKey,
  parseListPage,
} from "../../src/confluent_cloud/_parse.ts";
import { cloudRateLimitWait } from "../../src/confluent_cloud/client.ts";

Deno.test("parseBootstrapEndpoint() strips the SASL_SSL:// scheme the API puts in front", () => {
  assertEquals(
    parseBootstrapEndpoint("SASL_SSL://pkc-abc12.us-east-1.aws.confluent.cloud:9092"),
    { ok: true, servers: ["pkc-abc12.us-east-1.aws.confluent.cloud:9092"] },
  );
  assertEquals(parseBootstrapEndpoint("localhost:9094"), { ok: true, servers: ["localhost:9094"] });
});

Deno.test("parseBootstrapEndpoint() reads a comma list, IPv6 in brackets, and trailing slashes", () => {
  assertEquals(
    parseBootstrapEndpoint(" SASL_SSL://a.example:9092 , b.example:9093/ ,[::1]:9094"),
    { ok: true, servers: ["a.example:9092", "b.example:9093", "[::1]:9094"] },
  );
});

Deno.test("parseBootstrapEndpoint() refuses an endpoint without a port, a bad port, or nothing", () => {
  for (const bad of ["SASL_SSL://pkc-abc.confluent.cloud", "host:0", "host:70000", "a b:9092"]) {
    const parsed = parseBootstrapEndpoint(bad);
    assertEquals(parsed.ok, false, bad);
  }
  assertEquals(parseBootstrapEndpoint(" , "), {
    ok: false,
    reason: "the bootstrap endpoint is empty",
  });
});

Deno.test("pageTokenOf() takes page_token from the full next URL, null when there is none", () => {
  assertEquals(
    pageTokenOf(
      "https://api.confluent.cloud/org/v2/environments?page_size=10&page_token=UvmD%2BWO",
    ),
    "UvmD+WO",
  );
  assertEquals(pageTokenOf("https://api.confluent.cloud/org/v2/environments?page_size=10"), null);
  assertEquals(pageTokenOf("not a url"), null);
});

Deno.test("parseListPage() reads data and metadata.next; absent, null or empty next ends the list", () => {
  assertEquals(parseListPage({ data: [1], metadata: { next: "https://x/?page_token=a" } }), {
    data: [1],
    next: "https://x/?page_token=a",
  });
  assertEquals(parseListPage({ data: [], metadata: {} }), { data: [], next: null });
  assertEquals(parseListPage({ data: [], metadata: { next: null } }), { data: [], next: null });
  assertEquals(parseListPage({ data: [] }), { data: [], next: null });
  assertEquals(parseListPage({ metadata: {} }), 'the answer has no "data" array');
  assertEquals(parseListPage([]), "the answer is not a JSON object");
  assertEquals(
    parseListPage({ data: [], metadata: { next: 3 } }),
    '"metadata.next" is not a URL string',
  );
});

Deno.test("parseCluster() prefers kafka_bootstrap_endpoint and falls back to the PUBLIC endpoint", () => {
  const base = {
    id: "lkc-1",
    spec: { display_name: "orders", environment: { id: "env-1" } },
    status: { phase: "PROVISIONED" },
  };
  assertEquals(
    parseCluster({
      ...base,
      spec: { ...base.spec, kafka_bootstrap_endpoint: "SASL_SSL://pkc-1.cloud:9092" },
    }),
    {
      id: "lkc-1",
      environmentId: "env-1",
      displayName: "orders",
      bootstrapEndpoint: "SASL_SSL://pkc-1.cloud:9092",
      phase: "PROVISIONED",
    },
  );
  const endpoints = {
    ap1: { kafka_bootstrap_endpoint: "private:9092", connection_type: "PRIVATE_LINK" },
    PUBLIC: { kafka_bootstrap_endpoint: "pkc-1.cloud:9092", connection_type: "PUBLIC" },
  };
  const fallback = parseCluster({ ...base, spec: { ...base.spec, endpoints } });
  assertEquals(
    typeof fallback === "string" ? fallback : fallback.bootstrapEndpoint,
    "pkc-1.cloud:9092",
  );
  const none = parseCluster({ id: "lkc-2", spec: {}, status: { phase: "PROVISIONING" } });
  assertEquals(none, {
    id: "lkc-2",
    environmentId: "",
    displayName: "",
    bootstrapEndpoint: null,
    phase: "PROVISIONING",
  });
  assertEquals(parseCluster({ spec: {} }), "a cluster without an id");
});

Deno.test("parseCreatedKey() needs the id and spec.secret; parseApiKey() reads owner and resource", () => {
  assertEquals(parseCreatedKey({ id: "K1", spec: { secret: "s3cr3t" } }), {
    id: "K1",
    secret: "s3cr3t",
  });
  assertEquals(parseCreatedKey({ id: "K1", spec: {} }), "the answer has no spec.secret");
  assertEquals(parseCreatedKey({ spec: { secret: "x" } }), "the answer has no key id");
  assertEquals(
    parseApiKey({
      id: "K1",
      spec: {
        display_name: "d",
        description: "why",
        owner: { id: "sa-1" },
        resource: { id: "lkc-1", environment: "env-1" },
      },
    }),
    {
      id: "K1",
      ownerId: "sa-1",
      resourceId: "lkc-1",
      environmentId: "env-1",
      displayName: "d",
      description: "why",
    },
  );
});

Deno.test("cloudRateLimitWait() honours Retry-After, else the Cloud API's X-RateLimit-Reset", () => {
  const now = Date.UTC(2026, 0, 1);
  assertEquals(
    cloudRateLimitWait(new Headers({ "retry-after": "3", "x-ratelimit-reset": "9" }), now),
    {
      ms: 3000,
      source: "Retry-After",
    },
  );
  assertEquals(cloudRateLimitWait(new Headers({ "X-RateLimit-Reset": "7" }), now), {
    ms: 7000,
    source: "rateLimit-reset",
  });
  assertEquals(cloudRateLimitWait(new Headers(), now), null);
});
