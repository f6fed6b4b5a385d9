// The flags of `kafka:up` and `kafka:down`, merged with the environment: which broker or
// cluster a command is about. No flags means the single-node broker, exactly as before.

import { type BrokerOptions, brokerOptionsFromEnv } from "./layout.ts";
import { defaultClusterName } from "./cluster.ts";
import { DEFAULT_CLUSTER_BASE_PORT, describePortScheme, MAX_BROKERS } from "./ports.ts";

type Env = { get(key: string): string | undefined };

export interface ClusterTarget {
  kind: "cluster";
  brokers: number;
  basePort: number;
  name: string;
  home: string;
  proxy: boolean;
}

export type Target = { kind: "single"; options: BrokerOptions } | ClusterTarget;

export interface Parsed {
  help: boolean;
  /** kafka:down only: every broker and cluster under the cache. */
  all: boolean;
  target: Target;
}

export function usage(command: "up" | "down"): string {
  const scheme = describePortScheme(DEFAULT_CLUSTER_BASE_PORT, 3).map((l) => `    ${l}`);
  if (command === "down") {
    return [
      "Usage: deno task kafka:down [--all | --brokers N | --name NAME]",
      "",
      "Stops the single-node broker (KAFKA_TESTBED_NAME, 'default'), or:",
      "  --all            every broker and cluster under the cache, with their toxiproxy servers",
      "  --brokers N      the cluster started with --brokers N (named clusterN)",
      "  --name NAME      the broker or cluster of that name",
      "  --help           this text",
    ].join("\n");
  }
  return [
    "Usage: deno task kafka:up [--brokers N] [--proxy] [--base-port P] [--name NAME] [--authorizer]",
    "",
    "Without flags: the single-node broker on KAFKA_PLAINTEXT_PORT (9092), KAFKA_CONTROLLER_PORT",
    "(9093) and KAFKA_SASL_SSL_PORT (9094), named KAFKA_TESTBED_NAME ('default').",
    "",
    `  --brokers N      a KRaft cluster of N nodes (1-${MAX_BROKERS}; env KAFKA_TESTBED_BROKERS), each`,
    "                   broker+controller; replication factor min(N, 3), min ISR 2 from 3 nodes",
    "  --proxy          also start toxiproxy in front of every node (env KAFKA_TESTBED_PROXY=1);",
    "                   a cluster of --brokers nodes, 1 if not given",
    `  --base-port P    the cluster's first port (env KAFKA_BASE_PORT, default ${DEFAULT_CLUSTER_BASE_PORT})`,
    "  --name NAME      the broker's or cluster's name (default: clusterN for a cluster)",
    "  --authorizer     single-node broker only, opt-in: enforce ACLs (StandardAuthorizer; super",
    "                   users admin and the unauthenticated PLAINTEXT listener; no ACL, no access);",
    "                   give it its own --name and KAFKA_*_PORT ports, e.g. --name testbed-authorizer",
    "  --help           this text",
    "",
    "Cluster ports:",
    ...scheme,
    "",
    "KAFKA_TESTBED_HOME moves the cache (.cache/kafka) for both.",
  ].join("\n");
}

function flagValue(args: string[], i: number, flag: string): [string, number] {
  const arg = args[i]!;
  if (arg.startsWith(`${flag}=`)) return [arg.slice(flag.length + 1), i];
  const next = args[i + 1];
  if (next === undefined || next.startsWith("--")) throw new Error(`${flag} needs a value`);
  return [next, i + 1];
}

function integer(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isInteger(n)) throw new Error(`${what} must be a whole number, got '${text}'`);
  return n;
}

export function parseArgs(args: string[], env: Env, command: "up" | "down"): Parsed {
  let help = false;
  let all = false;
  let proxy = /^(1|true|yes)$/i.test(env.get("KAFKA_TESTBED_PROXY") ?? "");
  let brokersText = env.get("KAFKA_TESTBED_BROKERS") || undefined;
  let baseText = env.get("KAFKA_BASE_PORT") || undefined;
  let baseFlag = false;
  let name: string | undefined;
  let authorizer = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const flag = arg.split("=")[0]!;
    if (arg === "--help" || arg === "-h") help = true;
    else if (arg === "--all" && command === "down") all = true;
    else if (arg === "--proxy" && command === "up") proxy = true;
    else if (arg === "--authorizer" && command === "up") authorizer = true;
    else if (flag === "--brokers") [brokersText, i] = flagValue(args, i, flag);
    else if (flag === "--base-port" && command === "up") {
      [baseText, i] = flagValue(args, i, flag);
      baseFlag = true;
    } else if (flag === "--name") [name, i] = flagValue(args, i, flag);
    else throw new Error(`unknown argument '${arg}'; see --help`);
  }
  const single = brokerOptionsFromEnv(env);
  const brokers = brokersText === undefined ? 1 : integer(brokersText, "--brokers");
  if (brokers < 1 || brokers > MAX_BROKERS) {
    throw new Error(`--brokers must be between 1 and ${MAX_BROKERS}, got ${brokers}`);
  }
  if (brokers === 1 && !proxy) {
    if (baseFlag) throw new Error("--base-port applies to a cluster (--brokers N or --proxy)");
    return {
      help,
      all,
      target: {
        kind: "single",
        options: { ...single, ...(name ? { name } : {}), ...(authorizer ? { authorizer } : {}) },
      },
    };
  }
  if (authorizer) throw new Error("--authorizer applies to the single-node broker, not a cluster");
  const basePort = baseText === undefined
    ? DEFAULT_CLUSTER_BASE_PORT
    : integer(baseText, "--base-port / KAFKA_BASE_PORT");
  return {
    help,
    all,
    target: {
      kind: "cluster",
      brokers,
      basePort,
      // KAFKA_TESTBED_NAME names the single-node broker; a cluster must not take its folder.
      name: name ?? defaultClusterName(brokers),
      home: single.home,
      proxy,
    },
  };
}
