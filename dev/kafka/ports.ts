// The port scheme of a multi-broker test-bed cluster: every port derives from one base port,
// so a cluster is moved as a whole (`--base-port`) and two clusters never interleave.
//
//   port = base + 10 × (node id − 1) + slot
//
//   slot 0  PLAINTEXT     127.0.0.1, advertised as is
//   slot 1  CONTROLLER    127.0.0.1, the KRaft quorum
//   slot 2  SASL_SSL      127.0.0.1, advertised as localhost (the certificate's name)
//   slot 3  PROXY         PLAINTEXT, the broker side of the proxy; advertised as slot 5
//   slot 4  PROXY_SSL     SASL_SSL, the broker side of the proxy; advertised as slot 6
//   slot 5  toxiproxy listens here and forwards to slot 3
//   slot 6  toxiproxy listens here and forwards to slot 4
//   base + 9: toxiproxy's HTTP API (a slot no node uses)
//
// With the default base 19092 and 3 brokers the cluster takes 19092–19121.

export const NODE_STRIDE = 10;
export const MAX_BROKERS = 9;
export const DEFAULT_CLUSTER_BASE_PORT = 19092;
const TOXIPROXY_API_OFFSET = 9;

export interface NodePorts {
  plaintext: number;
  controller: number;
  saslSsl: number;
  /** The broker's own PROXY listener (PLAINTEXT); clients never connect to it directly. */
  proxyPlaintext: number;
  /** The broker's own PROXY_SSL listener (SASL_SSL); clients never connect to it directly. */
  proxySaslSsl: number;
  /** Where toxiproxy listens for this node's PROXY listener; the broker advertises it. */
  proxiedPlaintext: number;
  /** Where toxiproxy listens for this node's PROXY_SSL listener; the broker advertises it. */
  proxiedSaslSsl: number;
}

export function nodePorts(basePort: number, nodeId: number): NodePorts {
  const at = basePort + NODE_STRIDE * (nodeId - 1);
  return {
    plaintext: at,
    controller: at + 1,
    saslSsl: at + 2,
    proxyPlaintext: at + 3,
    proxySaslSsl: at + 4,
    proxiedPlaintext: at + 5,
    proxiedSaslSsl: at + 6,
  };
}

export function toxiproxyApiPort(basePort: number): number {
  return basePort + TOXIPROXY_API_OFFSET;
}

/** Throws unless every port of a cluster of this size fits in 1024–65535. */
export function checkPortRange(basePort: number, brokers: number): void {
  if (!Number.isInteger(brokers) || brokers < 1 || brokers > MAX_BROKERS) {
    throw new Error(`a test-bed cluster has 1 to ${MAX_BROKERS} brokers, not ${brokers}`);
  }
  const last = basePort + NODE_STRIDE * brokers - 1;
  if (!Number.isInteger(basePort) || basePort < 1024 || last > 65535) {
    throw new Error(
      `base port ${basePort} does not fit ${brokers} broker(s): ports base … base+${
        NODE_STRIDE * brokers - 1
      } must lie within 1024–65535`,
    );
  }
}

/** One line per node for `kafka:up`, so the scheme is visible where the ports are used. */
export function describePortScheme(basePort: number, brokers: number): string[] {
  return [
    `port = ${basePort} + ${NODE_STRIDE} × (node − 1) + slot:  0 PLAINTEXT, 1 CONTROLLER, 2 SASL_SSL,`,
    "  3 PROXY / 4 PROXY_SSL (broker side), 5 / 6 toxiproxy in front of them (advertised);",
    `  toxiproxy API ${
      toxiproxyApiPort(basePort)
    } (base + ${TOXIPROXY_API_OFFSET}); ports ${basePort}–${basePort + NODE_STRIDE * brokers - 1}`,
  ];
}
