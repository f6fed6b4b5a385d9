// Requests that go to partition leaders (ListOffsets, Fetch) survive leader moves: each
// leader gets one request for its partitions; the partitions that failed retriably (the
// leader moved, the broker died or stalled: see errors.ts) are asked again after a metadata
// refresh, with backoff, until they answer or their retry budget is spent. Only the
// partitions that failed are retried, and one that stays unreachable fails alone: its
// neighbours in the same request keep their answers.
import { isRetriable } from "./errors.ts";
import { type BrokerNode, groupByLeader, type LeaderPartition } from "./types.ts";

export type Answer<R> = { ok: true; value: R } | { ok: false; error: unknown };

/** What the retries need from the cluster. */
export interface RetryContext {
  /** How long partitions may keep failing retriably, from their first failure. */
  readonly retryBudgetMs: number;
  /** Points each partition's `leader` at the broker that leads it now. */
  refreshLeaders(partitions: readonly LeaderPartition[]): Promise<void>;
  /** Remembers a broker whose request failed, so metadata is asked elsewhere first. */
  suspect(broker: BrokerNode): void;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

/** 250 ms, doubling, at most 4 s: a killed broker's leaders move within about 10 s. */
export function retryDelayMs(attempt: number): number {
  return Math.min(4_000, 250 * 2 ** attempt);
}

/**
 * Answers for every partition, in the order given. `request` sends one leader its group and
 * returns an answer per partition in the group's order; when it throws, the whole group
 * failed with that error.
 */
export async function perLeader<P extends LeaderPartition, R>(
  context: RetryContext,
  partitions: readonly P[],
  request: (leader: BrokerNode, group: P[]) => Promise<Answer<R>[]>,
): Promise<Answer<R>[]> {
  const now = context.now ?? Date.now;
  const sleep = context.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const answers = new Array<Answer<R>>(partitions.length);
  let pending = partitions.map((_, i) => i);
  let deadline: number | null = null;
  for (let attempt = 0; pending.length > 0; attempt++) {
    const retry: number[] = [];
    await Promise.all(
      groupByLeader(pending, (i) => partitions[i]!.leader).map(async (group) => {
        const leader = partitions[group[0]!]!.leader;
        let got: Answer<R>[];
        try {
          got = await request(leader, group.map((i) => partitions[i]!));
        } catch (error) {
          if (isRetriable(error)) context.suspect(leader);
          got = group.map(() => ({ ok: false, error }));
        }
        group.forEach((i, k) => {
          const answer = got[k] ?? {
            ok: false,
            error: new Error(`broker ${leader.host}:${leader.port} left the partition out`),
          };
          answers[i] = answer;
          if (!answer.ok && isRetriable(answer.error)) retry.push(i);
        });
      }),
    );
    if (retry.length === 0) break;
    deadline ??= now() + context.retryBudgetMs;
    const wait = retryDelayMs(attempt);
    if (now() + wait > deadline) break;
    await sleep(wait);
    // A refresh that fails leaves the leaders as they were; the next round's answers say why.
    await context.refreshLeaders(retry.map((i) => partitions[i]!)).catch(() => {});
    pending = retry;
  }
  return answers;
}
