// KeyLedger over a fake key API: every created key is deleted by deleteAll, all attempted even
// when some fail, with the failures reported by id; a deleteAll during an in-flight create
// still deletes what it makes; an ambiguous create is followed by a lookup that finds the lost
// key; 403 skips, 400/401 throw; a deadline bounds deleteAll; and no secret shows in a key's
// JSON, its inspection, or any log line.
import {
  assert,
  assertEquals,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "../assert.ts";
import {
  type KeyApi,
  KeyLedger,
  TemporaryKey,
  withTemporaryKey,
} from "../../src/confluent_cloud/keys.ts";
import { CloudApiAuthError, CloudApiError } from "../../src/confluent_cloud/errors.ts";
import type {
  ApiKeyInfo,
  CreateApiKeyRequest,
  CreatedApiKey,
} from "../../src/confluent_cloud/client.ts";

const A = { clusterId: "lkc-a", environmentId: "env-1" };
const B = { clusterId: "lkc-b", environmentId: "env-1" };
const C = { clusterId: "lkc-c", environmentId: "env-2" };

interface FakeKey extends ApiKeyInfo {
  secret: string;
}

/** Keys in memory; behaviour per cluster and per key id is set by the test. */
class FakeKeys implements KeyApi {
  readonly keys = new Map<string, FakeKey>();
  readonly deleteCalls: string[] = [];
  createFailures = new Map<string, CloudApiError>();
  /** Create the key, then throw this (an answer lost after the work was done). */
  loseAnswerFor = new Map<string, CloudApiError>();
  failDeleteOf = new Set<string>();
  failList = false;
  createGate: Promise<void> | null = null;
  deleteGate: Promise<void> | null = null;
  #n = 0;

  async createApiKey(r: CreateApiKeyRequest): Promise<CreatedApiKey> {
    if (this.createGate) await this.createGate;
    const refused = this.createFailures.get(r.clusterId);
    if (refused) throw refused;
    const id = `KEY${++this.#n}`;
    const secret = `secret-${id}-xyzzy`;
    this.keys.set(id, {
      id,
      secret,
      ownerId: r.ownerId,
      resourceId: r.clusterId,
      environmentId: r.environmentId,
      displayName: r.displayName,
      description: r.description,
    });
    const lost = this.loseAnswerFor.get(r.clusterId);
    if (lost) throw lost;
    return { id, secret };
  }

  async deleteApiKey(id: string): Promise<"deleted" | "absent"> {
    this.deleteCalls.push(id);
    if (this.deleteGate) await this.deleteGate;
    if (this.failDeleteOf.has(id)) {
      throw new CloudApiError(`DELETE /iam/v2/api-keys/${id} answered 500 4 times`, {
        status: 500,
        detail: "boom",
        request: `DELETE /iam/v2/api-keys/${id}`,
      });
    }
    return this.keys.delete(id) ? "deleted" : "absent";
  }

  listApiKeys(filter: { ownerId?: string; resourceId?: string }): Promise<ApiKeyInfo[]> {
    if (this.failList) {
      return Promise.reject(
        new CloudApiError("list failed", { status: 503, detail: "x", request: "GET" }),
      );
    }
    return Promise.resolve(
      [...this.keys.values()].filter((k) =>
        (filter.ownerId === undefined || k.ownerId === filter.ownerId) &&
        (filter.resourceId === undefined || k.resourceId === filter.resourceId)
      ),
    );
  }
}

function apiError(status: number | null, ambiguous = false): CloudApiError {
  return new CloudApiError(`refused with ${status}`, {
    status,
    detail: status === 403 ? "Forbidden Access" : "x",
    request: "POST /iam/v2/api-keys",
    ambiguous,
  });
}

function ledger(fake: FakeKeys, lines: string[] = []): KeyLedger {
  return new KeyLedger({ client: fake, principalId: "sa-abc123", log: (l) => lines.push(l) });
}

function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

Deno.test("KeyLedger: keys are owned by the principal, tagged, and all deleted by deleteAll", async () => {
  const fake = new FakeKeys();
  const l = ledger(fake);
  const outcomes = await Promise.all([A, B, C].map((c) => l.create(c)));
  assert(outcomes.every((o) => o.ok));
  assertEquals([...fake.keys.values()].map((k) => [k.ownerId, k.resourceId, k.environmentId]), [
    ["sa-abc123", "lkc-a", "env-1"],
    ["sa-abc123", "lkc-b", "env-1"],
    ["sa-abc123", "lkc-c", "env-2"],
  ]);
  assert([...fake.keys.values()].every((k) => k.displayName === l.displayName));
  assertEquals(l.live().length, 3);
  const report = await l.deleteAll();
  assertEquals(report.deleted.sort(), ["KEY1", "KEY2", "KEY3"]);
  assertEquals(report.failed, []);
  assertEquals(report.unverified, []);
  assertEquals(fake.keys.size, 0);
  assertEquals(l.live(), []);
});

Deno.test("KeyLedger: deleteAll attempts every key though some fail, and reports those by id", async () => {
  const fake = new FakeKeys();
  const l = ledger(fake);
  for (const c of [A, B, C]) await l.create(c);
  fake.failDeleteOf.add("KEY1");
  fake.failDeleteOf.add("KEY3");
  const report = await l.deleteAll();
  assertEquals(fake.deleteCalls.sort(), ["KEY1", "KEY2", "KEY3"]);
  assertEquals(report.deleted, ["KEY2"]);
  assertEquals(report.failed.map((f) => [f.id, f.clusterId]).sort(), [
    ["KEY1", "lkc-a"],
    ["KEY3", "lkc-c"],
  ]);
  assertStringIncludes(report.failed[0]!.reason, "answered 500");
  // A later call retries only what failed.
  fake.failDeleteOf.clear();
  const again = await l.deleteAll();
  assertEquals(again.deleted.sort(), ["KEY1", "KEY3"]);
  assertEquals(again.failed, []);
  assertEquals(fake.keys.size, 0);
});

Deno.test("KeyLedger: a 403 skips the cluster with a reason; 400 and 401 throw", async () => {
  const fake = new FakeKeys();
  const l = ledger(fake);
  fake.createFailures.set("lkc-a", apiError(403));
  const outcome = await l.create(A);
  assert(!outcome.ok);
  assertEquals(outcome.status, 403);
  assertStringIncludes(outcome.reason, "may not create an API key for lkc-a");
  assertStringIncludes(outcome.reason, "403: Forbidden Access");
  fake.createFailures.set("lkc-b", apiError(400));
  await assertRejects(() => l.create(B), CloudApiError, "refused with 400");
  fake.createFailures.set(
    "lkc-c",
    new CloudApiAuthError("no", { detail: "d", request: "r", apiKey: "K" }),
  );
  await assertRejects(() => l.create(C), CloudApiAuthError);
  assertEquals(l.live(), []);
});

Deno.test("KeyLedger: a 5xx after retries skips the cluster, other clusters go on", async () => {
  const fake = new FakeKeys();
  const l = ledger(fake);
  fake.createFailures.set("lkc-a", apiError(503));
  const [a, b] = await Promise.all([l.create(A), l.create(B)]);
  assert(!a.ok && b.ok);
  assertEquals(a.status, 503);
});

Deno.test("KeyLedger: an ambiguous create finds the key it made by name, and deleteAll deletes it", async () => {
  const fake = new FakeKeys();
  const lines: string[] = [];
  const l = ledger(fake, lines);
  fake.loseAnswerFor.set("lkc-a", apiError(null, true));
  const outcome = await l.create(A);
  assert(!outcome.ok);
  assertEquals(fake.keys.size, 1);
  assertEquals(l.live(), [{ id: "KEY1", ...A }]);
  assertStringIncludes(lines.join("\n"), "found API key KEY1 for lkc-a");
  const report = await l.deleteAll();
  assertEquals(report.deleted, ["KEY1"]);
  assertEquals(fake.keys.size, 0);
});

Deno.test("KeyLedger: an ambiguous create whose lookup fails is reported as unverified, and checked again", async () => {
  const fake = new FakeKeys();
  const l = ledger(fake);
  fake.loseAnswerFor.set("lkc-a", apiError(502, true));
  fake.failList = true;
  await l.create(A);
  const first = await l.deleteAll();
  assertEquals(first.deleted, []);
  assertEquals(first.unverified.map((u) => u.clusterId), ["lkc-a"]);
  assertStringIncludes(first.unverified[0]!.reason, "could not be listed");
  fake.failList = false;
  const second = await l.deleteAll();
  assertEquals(second.deleted, ["KEY1"]);
  assertEquals(second.unverified, []);
  assertEquals(fake.keys.size, 0);
});

Deno.test("KeyLedger: deleteAll during an in-flight create waits for it and deletes its key", async () => {
  const fake = new FakeKeys();
  const l = ledger(fake);
  const g = gate();
  fake.createGate = g.promise;
  const creating = l.create(A);
  const deleting = l.deleteAll();
  // Refused at once: the ledger is closing.
  const late = await l.create(B);
  assert(!late.ok);
  assertStringIncludes(late.reason, "the run is stopping");
  g.open();
  const outcome = await creating;
  assert(!outcome.ok, "a key made while stopping is not handed out");
  const report = await deleting;
  assertEquals(report.deleted, ["KEY1"]);
  assertEquals(fake.keys.size, 0);
});

Deno.test("KeyLedger: concurrent deleteAll calls share one pass", async () => {
  const fake = new FakeKeys();
  const l = ledger(fake);
  await l.create(A);
  const [r1, r2] = await Promise.all([l.deleteAll(), l.deleteAll()]);
  assertEquals(r1, r2);
  assertEquals(fake.deleteCalls, ["KEY1"]);
});

Deno.test("KeyLedger: a deadline reports keys whose deletes have not finished", async () => {
  const fake = new FakeKeys();
  const l = ledger(fake);
  await l.create(A);
  const g = gate();
  fake.deleteGate = g.promise;
  const report = await l.deleteAll({ deadlineMs: 20 });
  assertEquals(report.failed.map((f) => [f.id, f.reason]), [["KEY1", "not deleted within 20 ms"]]);
  g.open();
});

Deno.test("KeyLedger: release deletes one key now; withTemporaryKey releases when fn throws", async () => {
  const fake = new FakeKeys();
  const l = ledger(fake);
  const result = await withTemporaryKey(l, A, (key) => Promise.resolve(key.id));
  assertEquals(result, { ok: true, value: "KEY1", undeleted: null });
  await assertRejects(
    () => withTemporaryKey(l, B, () => Promise.reject(new Error("analysis failed"))),
    Error,
    "analysis failed",
  );
  assertEquals(fake.keys.size, 0);
  assertEquals(l.live(), []);
  fake.createFailures.set("lkc-c", apiError(403));
  let called = false;
  const skipped = await withTemporaryKey(l, C, () => Promise.resolve(called = true));
  assert(!skipped.ok && !called);
});

Deno.test("KeyLedger: no secret in a key's JSON, its inspection, or the log", async () => {
  const fake = new FakeKeys();
  const lines: string[] = [];
  const l = ledger(fake, lines);
  const outcome = await l.create(A);
  assert(outcome.ok);
  const key = outcome.key;
  assertEquals(key.secret, "secret-KEY1-xyzzy");
  for (const shown of [JSON.stringify(key), Deno.inspect(key), Deno.inspect(outcome), `${key}`]) {
    assert(!shown.includes("xyzzy"), shown);
  }
  await l.deleteAll();
  assert(lines.length > 0 && lines.every((line) => !line.includes("xyzzy")));
  assert(key instanceof TemporaryKey);
});

Deno.test("KeyLedger refuses a PRINCIPAL_ID that is not a user or service account id", () => {
  const fake = new FakeKeys();
  for (const bad of ["", "lkc-1", "sa-", "admin"]) {
    assertThrows(
      () => new KeyLedger({ client: fake, principalId: bad }),
      RangeError,
      "PRINCIPAL_ID",
    );
  }
  new KeyLedger({ client: fake, principalId: "u-a83k9b" });
});
