// The Kafka client, pinned. Only src/kafka/ (and the dev test bed) import it.
// _process_env.ts must run first: the client's `debug` lists process.env as it loads.
import "./_process_env.ts";
export * as kafka from "npm:@platformatic/kafka@2.12.1";
