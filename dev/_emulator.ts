// What the local HTTP emulators (dev/metrics_api/, dev/confluent_cloud/) share: times as the
// Confluent APIs write them, request bodies as recorded, and waits that end when an emulator
// closes.

/** An ISO-8601 UTC time to the second, as the Confluent APIs write them. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** A request body as recorded: parsed JSON, the raw text when it is not JSON, null when empty. */
export function parseOrText(text: string): unknown {
  if (text === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Waits `ms`, or less when the emulator closes (so close() never waits on a slow route). */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
