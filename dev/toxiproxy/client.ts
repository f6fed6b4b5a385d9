// A small typed client for Toxiproxy's HTTP API (v2): proxies, toxics, reset. The test bed
// uses it to put its proxies in place; fault tests and the bench use it to break the network.
// The API is documented in toxiproxy's README ("HTTP API"); attributes are in ms unless noted.

export type Stream = "upstream" | "downstream";

/** The toxics the test bed uses, with their attributes. */
export type ToxicSpec =
  /** Delays data by latency ± jitter ms. */
  | { type: "latency"; attributes: { latency: number; jitter?: number } }
  /** Limits the rate, in KB/s. */
  | { type: "bandwidth"; attributes: { rate: number } }
  /** Lets nothing through and closes after `timeout` ms; 0 keeps the connection open forever (a blackhole). */
  | { type: "timeout"; attributes: { timeout: number } }
  /** Resets the connection (TCP RST) after `timeout` ms. */
  | { type: "reset_peer"; attributes: { timeout: number } }
  /** Delays the close of the socket by `delay` ms. */
  | { type: "slow_close"; attributes: { delay: number } }
  /** Closes the connection once `bytes` bytes went through. */
  | { type: "limit_data"; attributes: { bytes: number } };

export type ToxicType = ToxicSpec["type"];

/** A toxic to add: name defaults to `<type>_<stream>`, stream to downstream, toxicity to 1. */
export type NewToxic = ToxicSpec & {
  name?: string;
  /** upstream: client → server; downstream: server → client. */
  stream?: Stream;
  /** Probability (0–1) that a connection gets the toxic. */
  toxicity?: number;
};

export type Toxic = ToxicSpec & { name: string; stream: Stream; toxicity: number };

export interface ProxyConfig {
  name: string;
  /** host:port toxiproxy listens on. */
  listen: string;
  /** host:port it forwards to. */
  upstream: string;
  /** Defaults to true; a disabled proxy refuses connections and drops open ones. */
  enabled?: boolean;
}

export interface Proxy {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: Toxic[];
}

export class ToxiproxyError extends Error {
  override name = "ToxiproxyError";
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

export class Toxiproxy {
  /** e.g. "http://127.0.0.1:19101" */
  readonly apiUrl: string;

  constructor(apiUrl: string, private readonly timeoutMs = 10_000) {
    this.apiUrl = apiUrl.replace(/\/+$/, "");
  }

  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.apiUrl}${path}`, {
      method,
      signal: AbortSignal.timeout(this.timeoutMs),
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
    });
    const text = await response.text();
    if (!response.ok) {
      // Errors come as {"error": "...", "status": n}.
      let message = text.trim();
      try {
        message = (JSON.parse(text) as { error?: string }).error ?? message;
      } catch {
        // not JSON: keep the text
      }
      throw new ToxiproxyError(
        `toxiproxy ${method} ${path}: ${response.status} ${message}`,
        response.status,
      );
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async version(): Promise<string> {
    return (await this.#call<{ version: string }>("GET", "/version")).version;
  }

  /** Every proxy with its toxics, by name. */
  async proxies(): Promise<Map<string, Proxy>> {
    const all = await this.#call<Record<string, Proxy>>("GET", "/proxies");
    return new Map(Object.entries(all));
  }

  proxy(name: string): Promise<Proxy> {
    return this.#call("GET", `/proxies/${encodeURIComponent(name)}`);
  }

  /**
   * Creates the proxies that are missing and replaces those whose listen or upstream differ;
   * proxies that already match keep their toxics and enabled state. Safe to repeat.
   */
  async populate(configs: readonly ProxyConfig[]): Promise<Proxy[]> {
    return (await this.#call<{ proxies: Proxy[] }>("POST", "/populate", configs)).proxies;
  }

  /** Creates the proxy, or returns the existing one of that name (whatever its settings). */
  async ensureProxy(config: ProxyConfig): Promise<Proxy> {
    try {
      return await this.#call("POST", "/proxies", config);
    } catch (err) {
      if (err instanceof ToxiproxyError && err.status === 409) return await this.proxy(config.name);
      throw err;
    }
  }

  async deleteProxy(name: string): Promise<void> {
    await this.#call("DELETE", `/proxies/${encodeURIComponent(name)}`);
  }

  /** Disabling takes the proxy down: new connections are refused, open ones are closed. */
  setEnabled(name: string, enabled: boolean): Promise<Proxy> {
    return this.#call("PATCH", `/proxies/${encodeURIComponent(name)}`, { enabled });
  }

  toxics(proxy: string): Promise<Toxic[]> {
    return this.#call("GET", `/proxies/${encodeURIComponent(proxy)}/toxics`);
  }

  addToxic(proxy: string, toxic: NewToxic): Promise<Toxic> {
    return this.#call("POST", `/proxies/${encodeURIComponent(proxy)}/toxics`, toxic);
  }

  /** Changes a toxic's attributes (and toxicity) in place. */
  updateToxic(
    proxy: string,
    name: string,
    change: { attributes?: Record<string, number>; toxicity?: number },
  ): Promise<Toxic> {
    const path = `/proxies/${encodeURIComponent(proxy)}/toxics/${encodeURIComponent(name)}`;
    return this.#call("PATCH", path, change);
  }

  async removeToxic(proxy: string, name: string): Promise<void> {
    const path = `/proxies/${encodeURIComponent(proxy)}/toxics/${encodeURIComponent(name)}`;
    await this.#call("DELETE", path);
  }

  /** Enables every proxy and removes every toxic. */
  async reset(): Promise<void> {
    await this.#call("POST", "/reset");
  }

  /** Adds the toxic to every named proxy (e.g. all of a cluster's); returns a function that removes them. */
  async addToxicToAll(
    proxies: readonly string[],
    toxic: NewToxic & { name: string },
  ): Promise<() => Promise<void>> {
    for (const p of proxies) await this.addToxic(p, toxic);
    return async () => {
      for (const p of proxies) {
        await this.removeToxic(p, toxic.name).catch((err) => {
          if (!(err instanceof ToxiproxyError && err.status === 404)) throw err;
        });
      }
    };
  }
}
