// Headless Chromium for browser tests, driven over the Chrome DevTools Protocol from Deno's own
// WebSocket: no puppeteer. The pinned build comes from dev/tools/ensure_chromium.sh (installed
// on first use). Each page records every protocol event it receives, so a test can assert on
// console messages, exceptions and network requests after the fact, and clicks and typing go
// through Input.* like a person's would (hit-testing included), not through element.click().
import { fileURLToPath } from "node:url";

const ENSURE_SCRIPT = fileURLToPath(new URL("../../dev/tools/ensure_chromium.sh", import.meta.url));
const START_TIMEOUT_MS = 60_000;
const COMMAND_TIMEOUT_MS = 60_000;

/** One protocol event as received. */
export interface CdpEvent {
  method: string;
  // deno-lint-ignore no-explicit-any
  params: any;
  sessionId?: string;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  method: string;
}

let launcher: Promise<string> | undefined;

/** The path of the Chromium launcher, installing the pinned build once per process if missing. */
export function chromiumLauncher(): Promise<string> {
  launcher ??= (async () => {
    const out = await new Deno.Command("bash", {
      args: [ENSURE_SCRIPT],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout).trim();
    if (!out.success || !text.endsWith("/chromium")) {
      throw new Error(
        `${ENSURE_SCRIPT} failed (${out.code}): ${new TextDecoder().decode(out.stderr)}`,
      );
    }
    return text.split("\n").at(-1)!;
  })();
  launcher.catch(() => launcher = undefined);
  return launcher;
}

export class Browser {
  #child: Deno.ChildProcess;
  #socket: WebSocket;
  #profile: string;
  #stderr: Promise<string>;
  #nextId = 1;
  #pending = new Map<number, Pending>();
  #listeners = new Set<(e: CdpEvent) => void>();

  private constructor(
    child: Deno.ChildProcess,
    socket: WebSocket,
    profile: string,
    stderr: Promise<string>,
  ) {
    this.#child = child;
    this.#socket = socket;
    this.#profile = profile;
    this.#stderr = stderr;
    socket.onmessage = (m) => this.#receive(String(m.data));
    socket.onclose = () => {
      for (const p of this.#pending.values()) p.reject(new Error(`${p.method}: browser closed`));
      this.#pending.clear();
    };
  }

  /** Starts headless Chromium with a fresh profile and connects to its DevTools endpoint. */
  static async launch(): Promise<Browser> {
    const path = await chromiumLauncher();
    const profile = await Deno.makeTempDir({ prefix: "kpr-chromium-" });
    const child = new Deno.Command(path, {
      args: [
        "--headless=new",
        "--remote-debugging-port=0",
        `--user-data-dir=${profile}`,
        "--no-sandbox",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--mute-audio",
        "about:blank",
      ],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    // stderr carries the DevTools URL, then log noise (D-Bus is absent) kept for diagnostics.
    let resolveUrl!: (url: string) => void;
    const url = new Promise<string>((r) => resolveUrl = r);
    const stderr = (async () => {
      let text = "";
      const decoder = new TextDecoder();
      for await (const chunk of child.stderr) {
        text += decoder.decode(chunk, { stream: true });
        const m = text.match(/DevTools listening on (ws:\/\/\S+)/);
        if (m) resolveUrl(m[1]!);
      }
      return text;
    })();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const wsUrl = await Promise.race([
      url,
      stderr.then((text) => {
        throw new Error(`chromium exited before listening:\n${text}`);
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error("chromium did not print its DevTools URL in time")),
          START_TIMEOUT_MS,
        );
      }),
    ]).catch(async (e) => {
      child.kill("SIGKILL");
      await child.status;
      await stderr.catch(() => "");
      await Deno.remove(profile, { recursive: true }).catch(() => {});
      throw e;
    }).finally(() => clearTimeout(timer));
    const socket = new WebSocket(wsUrl);
    await new Promise<void>((resolve, reject) => {
      socket.onopen = () => resolve();
      socket.onerror = () => reject(new Error(`cannot connect to ${wsUrl}`));
    });
    return new Browser(child, socket, profile, stderr);
  }

  /** Sends a command (to a page when `sessionId` is given) and resolves with its result. */
  send<T = unknown>(
    method: string,
    params: Record<string, unknown> = {},
    sessionId?: string,
  ): Promise<T> {
    const id = this.#nextId++;
    const message = sessionId === undefined
      ? { id, method, params }
      : { id, method, params, sessionId };
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${method} got no answer in ${COMMAND_TIMEOUT_MS} ms`));
      }, COMMAND_TIMEOUT_MS);
      this.#pending.set(id, {
        method,
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.#socket.send(JSON.stringify(message));
    });
  }

  /** Calls `listener` with every event from now on; returns the function that stops it. */
  onEvent(listener: (e: CdpEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** A new tab, attached with its own session, its events recorded from the start. */
  async newPage(): Promise<Page> {
    const { targetId } = await this.send<{ targetId: string }>("Target.createTarget", {
      url: "about:blank",
    });
    const { sessionId } = await this.send<{ sessionId: string }>("Target.attachToTarget", {
      targetId,
      flatten: true,
    });
    return new Page(this, sessionId);
  }

  /** Closes the browser, waits for it to exit and removes its profile. */
  async close(): Promise<void> {
    await this.send("Browser.close").catch(() => {});
    const exited = await Promise.race([
      this.#child.status.then(() => true),
      new Promise<false>((r) => setTimeout(() => r(false), 10_000)),
    ]);
    if (!exited) this.#child.kill("SIGKILL");
    await this.#child.status;
    await this.#stderr.catch(() => "");
    if (this.#socket.readyState !== WebSocket.CLOSED) {
      const closed = new Promise((r) => this.#socket.addEventListener("close", r));
      this.#socket.close();
      await closed;
    }
    await Deno.remove(this.#profile, { recursive: true }).catch(() => {});
  }

  #receive(text: string) {
    const message = JSON.parse(text);
    if (typeof message.id === "number") {
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id);
      if (message.error) {
        pending.reject(new Error(`${pending.method}: ${JSON.stringify(message.error)}`));
      } else pending.resolve(message.result);
      return;
    }
    for (const listener of this.#listeners) listener(message as CdpEvent);
  }
}

export class Page {
  readonly events: CdpEvent[] = [];
  #browser: Browser;
  #sessionId: string;
  #waiters = new Set<(e: CdpEvent) => void>();

  constructor(browser: Browser, sessionId: string) {
    this.#browser = browser;
    this.#sessionId = sessionId;
    browser.onEvent((e) => {
      if (e.sessionId !== sessionId) return;
      this.events.push(e);
      for (const waiter of this.#waiters) waiter(e);
    });
  }

  send<T = unknown>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    return this.#browser.send<T>(method, params, this.#sessionId);
  }

  /** The next event named `method` (after this call) that `accept` accepts. */
  waitFor(
    method: string,
    accept: (e: CdpEvent) => boolean = () => true,
    timeoutMs = COMMAND_TIMEOUT_MS,
  ): Promise<CdpEvent> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`no ${method} event in ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (e: CdpEvent) => {
        if (e.method !== method || !accept(e)) return;
        clearTimeout(timer);
        this.#waiters.delete(waiter);
        resolve(e);
      };
      this.#waiters.add(waiter);
    });
  }

  /** Turns on the domains whose events the tests read, then loads `url` and waits for load. */
  async open(url: string): Promise<void> {
    await Promise.all([
      this.send("Page.enable"),
      this.send("Runtime.enable"),
      this.send("Log.enable"),
      this.send("Network.enable"),
    ]);
    const loaded = this.waitFor("Page.loadEventFired");
    const { errorText } = await this.send<{ errorText?: string }>("Page.navigate", { url });
    if (errorText) throw new Error(`cannot open ${url}: ${errorText}`);
    await loaded;
  }

  /** The value of a JavaScript expression in the page (promises awaited). */
  async evaluate<T>(expression: string): Promise<T> {
    const r = await this.send<{
      result: { value?: T };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    }>("Runtime.evaluate", { expression, returnByValue: true, awaitPromise: true });
    if (r.exceptionDetails) {
      throw new Error(
        `${expression}: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`,
      );
    }
    return r.result.value as T;
  }

  /** Scrolls the element into view and clicks its middle with the mouse. */
  async click(selector: string): Promise<void> {
    const box = await this.evaluate<{ x: number; y: number } | null>(`(() => {
      const el = document.querySelector(${JSON.stringify(selector)});
      if (!el) return null;
      el.scrollIntoView({ block: "center" });
      const r = el.getBoundingClientRect();
      return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    })()`);
    if (box === null) throw new Error(`nothing matches ${selector}`);
    const at = { x: box.x, y: box.y };
    await this.send("Input.dispatchMouseEvent", { type: "mouseMoved", ...at });
    await this.send("Input.dispatchMouseEvent", {
      type: "mousePressed",
      button: "left",
      clickCount: 1,
      ...at,
    });
    await this.send("Input.dispatchMouseEvent", {
      type: "mouseReleased",
      button: "left",
      clickCount: 1,
      ...at,
    });
  }

  /** Focuses the element and types `text` into it as keyboard input. */
  async type(selector: string, text: string): Promise<void> {
    await this.click(selector);
    await this.send("Input.insertText", { text });
  }

  /** A PNG of the whole page at `width` CSS pixels wide. */
  async screenshot(width: number): Promise<Uint8Array> {
    const metrics = { deviceScaleFactor: 1, mobile: false };
    await this.send("Emulation.setDeviceMetricsOverride", { width, height: 800, ...metrics });
    const height = await this.evaluate<number>(
      "Math.ceil(document.documentElement.scrollHeight)",
    );
    await this.send("Emulation.setDeviceMetricsOverride", {
      width,
      height: Math.min(height, 16_000),
      ...metrics,
    });
    const { data } = await this.send<{ data: string }>("Page.captureScreenshot", {
      format: "png",
      captureBeyondViewport: false,
    });
    return Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  }
}
