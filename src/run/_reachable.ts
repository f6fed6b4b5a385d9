// Every broker a cluster advertises must be within this run's network permissions before any
// topic is measured: Deno refuses the connection otherwise, and a Web Worker scoped to those
// hosts cannot even start ("Can't escalate parent thread permissions"), neither of which
// says which host to allow or how. This names them and the setting that grants them.
import { EXTRA_PERMISSION_ENV } from "../permissions.ts";

/** The hosts (`host:port`) this process may not connect to. */
export function deniedHosts(hosts: readonly string[]): string[] {
  return hosts.filter((host) => {
    try {
      return Deno.permissions.querySync({ name: "net", host }).state !== "granted";
    } catch {
      // A host Deno cannot parse as a permission: the connection will say what is wrong.
      return false;
    }
  });
}

export function deniedHostsMessage(hosts: readonly string[]): string {
  const list = hosts.join(",");
  return `the cluster advertises broker${hosts.length > 1 ? "s" : ""} ${hosts.join(", ")}, ` +
    `which this run may not connect to: add ${hosts.length > 1 ? "them" : "it"} to ` +
    `${EXTRA_PERMISSION_ENV.net} (deno task analyze: ${EXTRA_PERMISSION_ENV.net}=${list}), or ` +
    `to --allow-net when running deno run yourself`;
}
