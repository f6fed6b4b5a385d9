// The Kafka client rejects a whole response when any of its topics or partitions carries an
// error code (an offset that retention deleted, a partition whose leader just moved). The
// rest of that response is still good, and the error codes are the information we need to
// retry only what failed: keep the response, and let each entry's errorCode speak.

export async function keepPartialResponse<T>(
  request: Promise<T>,
  isResponse: (value: unknown) => value is T,
): Promise<T> {
  try {
    return await request;
  } catch (e) {
    const response = (e as { response?: unknown }).response;
    if (isResponse(response)) return response;
    throw e;
  }
}

/** A response whose `key` is an array, e.g. `topics` or `responses`. */
export function hasArray<T>(key: string): (value: unknown) => value is T {
  return (value: unknown): value is T =>
    typeof value === "object" && value !== null &&
    Array.isArray((value as Record<string, unknown>)[key]);
}
