// discoverClusters() over a fake directory: environment and cluster filters (and the ids
// they name that match nothing), a 403 on one environment's clusters and a cluster with no
// endpoint yet skipped with reasons, and other errors thrown.
import { assertEquals, assertRejects, assertStringIncludes } from "../assert.ts";
import { type CloudDirectory, discoverClusters } from "../../src/confluent_cloud/discovery.ts";
import { CloudApiAuthError, CloudApiError } from "../../src/confluent_cloud/errors.ts";
import type { CloudCluster, CloudEnvironment } from "../../src/confluent_cloud/client.ts";

const ENVS: CloudEnvironment[] = [
  { id: "env-a", displayName: "prod" },
  { id: "env-b", displayName: "" },
  { id: "env-c", displayName: "dev" },
];

function cluster(id: string, environmentId: string, endpoint: string | null): CloudCluster {
  return {
    id,
    environmentId,
    displayName: `${id}-name`,
    bootstrapEndpoint: endpoint,
    phase: endpoint === null ? "PROVISIONING" : "PROVISIONED",
  };
}

const CLUSTERS: Record<string, CloudCluster[]> = {
  "env-a": [
    cluster("lkc-a1", "env-a", "SASL_SSL://pkc-a1.cloud:9092"),
    cluster("lkc-a2", "env-a", null),
  ],
  "env-b": [cluster("lkc-b1", "env-b", "SASL_SSL://pkc-b1.cloud:9092")],
  "env-c": [cluster("lkc-c1", "env-c", "SASL_SSL://pkc-c1.cloud:9092")],
};

function directory(forbidden: string[] = [], calls: string[] = []): CloudDirectory {
  return {
    listEnvironments: () => Promise.resolve(ENVS),
    listClusters(env) {
      calls.push(env);
      if (forbidden.includes(env)) {
        return Promise.reject(
          new CloudApiError("refused", {
            status: 403,
            detail: "Forbidden Access",
            request: "GET /cmk/v2/clusters",
          }),
        );
      }
      return Promise.resolve(CLUSTERS[env] ?? []);
    },
  };
}

Deno.test("discoverClusters() returns every usable cluster, scheme stripped, in listing order", async () => {
  const lines: string[] = [];
  const found = await discoverClusters({ client: directory(), log: (l) => lines.push(l) });
  assertEquals(found.clusters, [
    {
      environmentId: "env-a",
      environmentName: "prod",
      clusterId: "lkc-a1",
      name: "lkc-a1-name",
      bootstrapServers: ["pkc-a1.cloud:9092"],
    },
    {
      environmentId: "env-b",
      environmentName: "",
      clusterId: "lkc-b1",
      name: "lkc-b1-name",
      bootstrapServers: ["pkc-b1.cloud:9092"],
    },
    {
      environmentId: "env-c",
      environmentName: "dev",
      clusterId: "lkc-c1",
      name: "lkc-c1-name",
      bootstrapServers: ["pkc-c1.cloud:9092"],
    },
  ]);
  assertEquals(found.skipped, [{
    environmentId: "env-a",
    clusterId: "lkc-a2",
    reason: 'lkc-a2 ("lkc-a2-name") has no bootstrap endpoint (it is PROVISIONING)',
  }]);
  assertEquals(found.unmatched, { environments: [], clusters: [] });
  assertStringIncludes(
    lines.join("\n"),
    "3 environments (3 selected), 4 Kafka clusters in them, 3 to analyse",
  );
});

Deno.test("discoverClusters() lists only filtered environments and keeps only filtered clusters", async () => {
  const calls: string[] = [];
  const found = await discoverClusters({
    client: directory([], calls),
    environmentFilter: [" env-a", "env-c", "env-gone", ""],
    clusterFilter: ["lkc-c1", "lkc-b1", "lkc-nope"],
  });
  assertEquals(calls, ["env-a", "env-c"]);
  assertEquals(found.clusters.map((c) => c.clusterId), ["lkc-c1"]);
  // lkc-a2 (no endpoint) is outside the cluster filter, so it is not reported as skipped.
  assertEquals(found.skipped, []);
  assertEquals(found.unmatched, { environments: ["env-gone"], clusters: ["lkc-b1", "lkc-nope"] });
});

Deno.test("discoverClusters() treats empty filters as no filter", async () => {
  const found = await discoverClusters({
    client: directory(),
    environmentFilter: [],
    clusterFilter: null,
  });
  assertEquals(found.clusters.length, 3);
});

Deno.test("discoverClusters() skips an environment whose clusters it may not list (403)", async () => {
  const found = await discoverClusters({ client: directory(["env-b"]) });
  assertEquals(found.clusters.map((c) => c.clusterId), ["lkc-a1", "lkc-c1"]);
  assertEquals(found.skipped[1], {
    environmentId: "env-b",
    clusterId: null,
    reason: "the Cloud API key may not list the Kafka clusters of env-b (403: Forbidden Access)",
  });
});

Deno.test("discoverClusters() throws a 401 and any error but a 403", async () => {
  const denied: CloudDirectory = {
    listEnvironments: () =>
      Promise.reject(
        new CloudApiAuthError("rejected", {
          detail: "bad",
          request: "GET /org/v2/environments",
          apiKey: "K",
        }),
      ),
    listClusters: () => Promise.resolve([]),
  };
  await assertRejects(() => discoverClusters({ client: denied }), CloudApiAuthError);
  const broken: CloudDirectory = {
    listEnvironments: () => Promise.resolve(ENVS),
    listClusters: () =>
      Promise.reject(
        new CloudApiError("down", { status: 503, detail: "x", request: "GET /cmk/v2/clusters" }),
      ),
  };
  await assertRejects(() => discoverClusters({ client: broken }), CloudApiError, "down");
});
