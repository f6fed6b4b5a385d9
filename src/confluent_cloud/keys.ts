// Temporary Kafka API keys, one per discovered cluster, owned by PRINCIPAL_ID, and the
// promise that each is deleted on every path. The ledger records every key the moment the API
// hands it over; `release()` deletes one when its cluster is done, and `deleteAll()` deletes
// every one still alive (all attempted, even when some fail) and reports by id those it could
// not. It is safe to call at any time and more than once, e.g. from a SIGINT/SIGTERM handler
// while creates are in flight: it first stops new creates and waits for those in flight, so a
// key created in the meantime is deleted too. A create that failed ambiguously (timeout, 5xx)
// is followed by a lookup of the owner's keys for that cluster, and a key this run created is
// recorded and deleted although its secret never arrived. A 403 (or 404, 402, 409) on create
// skips that cluster with a reason; 400 and 401 (a wrong PRINCIPAL_ID or Cloud API key)
// throw, as every cluster would fail alike. Secrets never appear in a log line, a report, an
// error or the JSON or inspection of a key.
import { inLanes } from "../in_lanes.ts";
import type { ApiKeyInfo, CreateApiKeyRequest, CreatedApiKey } from "./client.ts";
import { CloudApiError } from "./errors.ts";
import { PRINCIPAL_ID_PATTERN } from "./defaults.ts";

export { PRINCIPAL_ID_PATTERN } from "./defaults.ts";
/** Deletes in flight at once; the API's rate limit is per organization. */
const DELETE_LANES = 4;

/** What the ledger needs of the client (CloudApiClient has it; tests may pass a fake). */
export interface KeyApi {
  createApiKey(request: CreateApiKeyRequest): Promise<CreatedApiKey>;
  deleteApiKey(id: string): Promise<"deleted" | "absent">;
  listApiKeys(filter: { ownerId?: string; resourceId?: string }): Promise<ApiKeyInfo[]>;
}

export interface ClusterRef {
  clusterId: string;
  environmentId: string;
}

/**
 * A created key. The secret is a private field behind a getter, so JSON.stringify, console.log
 * and Deno.inspect of a key show its id and cluster only.
 */
export class TemporaryKey implements ClusterRef {
  readonly id: string;
  readonly clusterId: string;
  readonly environmentId: string;
  readonly #secret: string;

  constructor(id: string, secret: string, cluster: ClusterRef) {
    this.id = id;
    this.#secret = secret;
    this.clusterId = cluster.clusterId;
    this.environmentId = cluster.environmentId;
  }

  /** The SASL password; the id is the username. */
  get secret(): string {
    return this.#secret;
  }

  toJSON(): ClusterRef & { id: string } {
    return { id: this.id, clusterId: this.clusterId, environmentId: this.environmentId };
  }
}

export type CreateFailure = ClusterRef & {
  ok: false;
  /** The API's status (403 …); null when the request got no answer or was not sent. */
  status: number | null;
  reason: string;
};

export type CreateOutcome = { ok: true; key: TemporaryKey } | CreateFailure;

export interface UndeletedKey extends ClusterRef {
  id: string;
  reason: string;
}

export interface DeleteReport {
  /** Ids deleted by this call (or found already gone). */
  deleted: string[];
  /** Keys that still exist, or may: report these ids to the user. */
  failed: UndeletedKey[];
  /**
   * Clusters where a create failed ambiguously and the owner's keys could not be checked: a
   * key named `displayName` may exist there with an id nobody saw.
   */
  unverified: (ClusterRef & { reason: string })[];
}

export interface KeyLedgerOptions {
  client: KeyApi;
  /** PRINCIPAL_ID: the user (`u-…`) or service account (`sa-…`) that owns the keys. */
  principalId: string;
  log?: (line: string) => void;
  /** Tags this run's keys so a key whose create answer was lost can be found; default random. */
  runTag?: string;
}

interface Entry extends ClusterRef {
  id: string;
  state: "live" | "deleting" | "deleted";
}

export class KeyLedger {
  readonly principalId: string;
  /** `display_name` of every key of this ledger. */
  readonly displayName: string;
  readonly #client: KeyApi;
  readonly #log: (line: string) => void;
  readonly #description: string;
  readonly #entries = new Map<string, Entry>();
  /** Creates (with their cluster) and releases (null) in flight: deleteAll waits for them. */
  readonly #pending = new Map<Promise<unknown>, ClusterRef | null>();
  /** Clusters where an ambiguous create left a key we could not look for. */
  readonly #unverified = new Map<string, ClusterRef & { reason: string }>();
  #closing = false;
  #deleting: Promise<DeleteReport> | null = null;

  constructor(options: KeyLedgerOptions) {
    if (!PRINCIPAL_ID_PATTERN.test(options.principalId)) {
      throw new RangeError(
        `PRINCIPAL_ID must be a user (u-…) or service account (sa-…) id, got ${
          JSON.stringify(options.principalId)
        }`,
      );
    }
    this.principalId = options.principalId;
    this.#client = options.client;
    this.#log = options.log ?? (() => {});
    const tag = options.runTag ?? crypto.randomUUID().slice(0, 8);
    this.displayName = `kafka-partition-recommender ${tag}`;
    this.#description =
      `Temporary key of a kafka-partition-recommender run (${tag}); deleted when the run ends`;
  }

  /** True once deleteAll has been called: no key is created any more. */
  get closing(): boolean {
    return this.#closing;
  }

  /** Keys created and not (yet) deleted. */
  live(): (ClusterRef & { id: string })[] {
    return [...this.#entries.values()].filter((e) => e.state !== "deleted").map((e) => ({
      id: e.id,
      clusterId: e.clusterId,
      environmentId: e.environmentId,
    }));
  }

  /** Creates a key for one cluster; a refusal of that cluster is an outcome, not a throw. */
  create(cluster: ClusterRef): Promise<CreateOutcome> {
    if (this.#closing) {
      return Promise.resolve(
        failure(cluster, null, "not created: the run is stopping and its keys are being deleted"),
      );
    }
    return this.#track(this.#create(cluster), cluster);
  }

  /** Deletes one key now. Null when it is gone; else why not (it stays for deleteAll). */
  release(key: TemporaryKey | string): Promise<UndeletedKey | null> {
    const entry = this.#entries.get(typeof key === "string" ? key : key.id);
    if (!entry || entry.state !== "live") return Promise.resolve(null);
    return this.#track(this.#delete(entry), null);
  }

  /**
   * Stops new creates, waits for those in flight, then deletes every key still alive (four
   * at a time) and reports what could not be. With `deadlineMs`, whatever is not done by then
   * is reported as failed. A call while one runs joins it; a later call retries what failed.
   */
  deleteAll(options: { deadlineMs?: number } = {}): Promise<DeleteReport> {
    this.#closing = true;
    this.#deleting ??= this.#deleteAll(options.deadlineMs ?? null).finally(() => {
      this.#deleting = null;
    });
    return this.#deleting;
  }

  async #create(cluster: ClusterRef): Promise<CreateOutcome> {
    const name = `${cluster.clusterId} (environment ${cluster.environmentId})`;
    let created: CreatedApiKey;
    try {
      created = await this.#client.createApiKey({
        ownerId: this.principalId,
        clusterId: cluster.clusterId,
        environmentId: cluster.environmentId,
        displayName: this.displayName,
        description: this.#description,
      });
    } catch (e) {
      if (!(e instanceof CloudApiError)) throw e;
      if (e.status === 400 || e.status === 401) throw e;
      if (e.ambiguous) await this.#recover(cluster, e.message);
      const reason = e.status === 403
        ? `the Cloud API key may not create an API key for ${name} owned by ${this.principalId} ` +
          `(403: ${e.detail}); give the key's owner OrganizationAdmin, EnvironmentAdmin or ` +
          "CloudClusterAdmin on it, or leave the cluster out with KAFKA_CLUSTER_FILTER"
        : `could not create an API key for ${name}: ${e.message}`;
      this.#log(`Confluent Cloud: skipping cluster ${cluster.clusterId}: ${reason}`);
      return failure(cluster, e.status, reason);
    }
    // Recorded before anything else can happen, so no path loses it.
    this.#entries.set(created.id, { id: created.id, ...cluster, state: "live" });
    this.#log(
      `Confluent Cloud: created temporary API key ${created.id} for ${cluster.clusterId} ` +
        `(owner ${this.principalId})`,
    );
    if (this.#closing) {
      return failure(
        cluster,
        null,
        `the run is stopping: the key created for ${cluster.clusterId} is deleted with the others`,
      );
    }
    return { ok: true, key: new TemporaryKey(created.id, created.secret, cluster) };
  }

  /** After an ambiguous create: records any key of this run the owner has on that cluster. */
  async #recover(cluster: ClusterRef, why: string): Promise<void> {
    let keys: ApiKeyInfo[];
    try {
      keys = await this.#client.listApiKeys({
        ownerId: this.principalId,
        resourceId: cluster.clusterId,
      });
    } catch (e) {
      const reason = `a create failed (${why}) and the owner's keys could not be listed: ${
        e instanceof Error ? e.message : String(e)
      }`;
      this.#unverified.set(cluster.clusterId, { ...cluster, reason });
      this.#log(
        `Confluent Cloud: an API key named "${this.displayName}" may exist for ` +
          `${cluster.clusterId}: ${reason}`,
      );
      return;
    }
    this.#unverified.delete(cluster.clusterId);
    for (const k of keys) {
      if (k.displayName !== this.displayName || this.#entries.has(k.id)) continue;
      this.#entries.set(k.id, { id: k.id, ...cluster, state: "live" });
      this.#log(
        `Confluent Cloud: found API key ${k.id} for ${cluster.clusterId}, created by a request ` +
          "whose answer was lost; it will be deleted",
      );
    }
  }

  async #delete(entry: Entry): Promise<UndeletedKey | null> {
    entry.state = "deleting";
    try {
      const result = await this.#client.deleteApiKey(entry.id);
      entry.state = "deleted";
      this.#log(
        `Confluent Cloud: ${
          result === "deleted" ? "deleted" : "found already deleted"
        } temporary API key ${entry.id} (${entry.clusterId})`,
      );
      return null;
    } catch (e) {
      entry.state = "live";
      const reason = e instanceof Error ? e.message : String(e);
      this.#log(
        `Confluent Cloud: could not delete temporary API key ${entry.id} of ` +
          `${entry.clusterId}: ${reason}`,
      );
      return {
        id: entry.id,
        clusterId: entry.clusterId,
        environmentId: entry.environmentId,
        reason,
      };
    }
  }

  async #deleteAll(deadlineMs: number | null): Promise<DeleteReport> {
    const deadline = deadlineMs === null ? null : Date.now() + deadlineMs;
    await within([...this.#pending.keys()], deadline);
    const report: DeleteReport = { deleted: [], failed: [], unverified: [] };
    for (const c of [...this.#unverified.values()]) {
      const check = this.#recover(c, "an earlier create failed without a clear answer");
      if ((await within([check], deadline)) !== "done") break;
    }
    const targets = [...this.#entries.values()].filter((e) => e.state === "live");
    const done = new Set<string>();
    let reporting = true;
    const work = inLanes(targets, DELETE_LANES, async (entry) => {
      const undeleted = await this.#delete(entry);
      // A delete that ends after the deadline no longer changes the report handed back.
      if (!reporting) return;
      if (undeleted === null) report.deleted.push(entry.id);
      else report.failed.push(undeleted);
      done.add(entry.id);
    });
    if ((await within([work], deadline)) !== "done") {
      reporting = false;
      for (const e of targets) {
        if (done.has(e.id)) continue;
        report.failed.push({
          id: e.id,
          clusterId: e.clusterId,
          environmentId: e.environmentId,
          reason: `not deleted within ${deadlineMs} ms`,
        });
      }
    }
    // Keys a release() was still deleting when the deadline came.
    for (const e of this.#entries.values()) {
      if (e.state === "deleting" && !done.has(e.id) && !targets.includes(e)) {
        report.failed.push({
          id: e.id,
          clusterId: e.clusterId,
          environmentId: e.environmentId,
          reason: `its deletion had not finished within ${deadlineMs} ms`,
        });
      }
    }
    report.unverified.push(...this.#unverified.values());
    for (const cluster of this.#pending.values()) {
      if (cluster === null) continue;
      report.unverified.push({
        ...cluster,
        reason:
          `a create was still in flight after ${deadlineMs} ms; a key it makes is not deleted`,
      });
    }
    return report;
  }

  #track<T>(work: Promise<T>, cluster: ClusterRef | null): Promise<T> {
    this.#pending.set(work, cluster);
    const forget = () => this.#pending.delete(work);
    work.then(forget, forget);
    return work;
  }
}

export type WithKeyOutcome<T> =
  | { ok: true; value: T; undeleted: UndeletedKey | null }
  | CreateFailure;

/**
 * Creates a key for `cluster`, runs `fn` with it and deletes it, whether `fn` returns or
 * throws (a key whose delete fails stays in the ledger for deleteAll). A refused create is
 * returned as the outcome and `fn` is not called.
 */
export async function withTemporaryKey<T>(
  ledger: KeyLedger,
  cluster: ClusterRef,
  fn: (key: TemporaryKey) => Promise<T>,
): Promise<WithKeyOutcome<T>> {
  const outcome = await ledger.create(cluster);
  if (!outcome.ok) return outcome;
  let value: T;
  try {
    value = await fn(outcome.key);
  } catch (e) {
    await ledger.release(outcome.key);
    throw e;
  }
  return { ok: true, value, undeleted: await ledger.release(outcome.key) };
}

function failure(cluster: ClusterRef, status: number | null, reason: string): CreateFailure {
  return {
    ok: false,
    clusterId: cluster.clusterId,
    environmentId: cluster.environmentId,
    status,
    reason,
  };
}

/** Waits for all of `work` to settle, or until `deadline` (epoch ms; null: no deadline). */
async function within(work: Promise<unknown>[], deadline: number | null): Promise<"done" | "late"> {
  const all = Promise.allSettled(work).then(() => "done" as const);
  if (deadline === null) return await all;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([all, late]);
  } finally {
    clearTimeout(timer);
  }
}
