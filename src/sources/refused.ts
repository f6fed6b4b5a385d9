// Whether a source failed because a key, token or password was refused: the user's to fix,
// so main.ts exits 2 when that is the run's only failure. The answer crosses from a worker
// as a flag (`refused`), since an error's class does not survive the trip.
import { MetricsApiAuthError } from "../metrics/errors.ts";
import { PrometheusAuthError } from "../prometheus/client.ts";

/** A source's failure measured in a worker, rethrown on the thread that owns the cluster. */
export class SourceFailure extends Error {
  override name = "SourceFailure";
  constructor(message: string, readonly refused: boolean) {
    super(message);
  }
}

export function credentialsRefused(e: unknown): boolean {
  const seen = new Set<unknown>();
  const walk = (err: unknown): boolean => {
    if (!(err instanceof Error) || seen.has(err)) return false;
    seen.add(err);
    if (err instanceof SourceFailure) return err.refused;
    if (err instanceof MetricsApiAuthError || err instanceof PrometheusAuthError) return true;
    if (err.name === "AuthenticationError" || /SASL authentication failed/i.test(err.message)) {
      return true;
    }
    const nested = (err as { errors?: unknown }).errors;
    return (Array.isArray(nested) && nested.some(walk)) || walk(err.cause);
  };
  return walk(e);
}
