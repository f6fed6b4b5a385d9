// `deno task kafka:down [--all]`: stops the env-configured broker, or every broker under the cache.

import { brokerOptionsFromEnv, listBrokers, stopBroker } from "./broker.ts";

if (import.meta.main) {
  try {
    const opts = brokerOptionsFromEnv(Deno.env);
    const names = Deno.args.includes("--all")
      ? await listBrokers(opts.home)
      : [opts.name ?? "default"];
    for (const name of names) {
      const stopped = await stopBroker({ home: opts.home, name });
      console.log(
        stopped ? `Stopped Kafka broker '${name}'.` : `Kafka broker '${name}' was not running.`,
      );
    }
  } catch (err) {
    console.error(`kafka:down failed: ${err instanceof Error ? err.message : String(err)}`);
    Deno.exit(1);
  }
}
