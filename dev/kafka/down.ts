// `deno task kafka:down [--all | --brokers N | --name NAME]`: stops the env-configured broker,
// a cluster (with its toxiproxy), or every broker and cluster under the cache.

import { parseArgs, usage } from "./args.ts";
import { listBrokers, stopBroker } from "./broker.ts";
import { isCluster, stopCluster } from "./cluster.ts";

async function stop(home: string, name: string): Promise<void> {
  const cluster = await isCluster(home, name);
  const stopped = cluster ? await stopCluster({ home, name }) : await stopBroker({ home, name });
  const what = cluster ? `Kafka cluster '${name}' (and its toxiproxy)` : `Kafka broker '${name}'`;
  console.log(stopped ? `Stopped ${what}.` : `${what} was not running.`);
}

if (import.meta.main) {
  try {
    const { help, all, target } = parseArgs(Deno.args, Deno.env, "down");
    if (help) {
      console.log(usage("down"));
    } else {
      const home = target.kind === "single" ? target.options.home : target.home;
      const names = all
        ? await listBrokers(home)
        : [target.kind === "single" ? target.options.name ?? "default" : target.name];
      for (const name of names) await stop(home, name);
    }
  } catch (err) {
    console.error(`kafka:down failed: ${err instanceof Error ? err.message : String(err)}`);
    Deno.exit(1);
  }
}
