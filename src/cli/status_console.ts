// stderr for a CLI that logs and shows live progress: log lines scroll, and on a terminal
// one status line stays at the bottom, cleared before each log line and drawn again after.
// Off a terminal the status line is never drawn (progress comes as log lines instead).

export interface Output {
  writeSync(p: Uint8Array): number;
}

const CLEAR = "\r\x1b[2K";
const encoder = new TextEncoder();

export class StatusConsole {
  #status = "";

  constructor(private readonly out: Output, readonly tty: boolean) {}

  /** Writes one log line, keeping the status line below it. */
  line(text: string): void {
    this.#write(`${this.#status ? CLEAR : ""}${text}\n${this.#status}`);
  }

  /** Replaces the status line (terminal only). */
  status(text: string): void {
    if (!this.tty || text === this.#status) return;
    this.#status = text;
    this.#write(`${CLEAR}${text}`);
  }

  /** Removes the status line, e.g. before the process exits. */
  clear(): void {
    if (!this.#status) return;
    this.#status = "";
    this.#write(CLEAR);
  }

  #write(text: string): void {
    const bytes = encoder.encode(text);
    let off = 0;
    while (off < bytes.length) off += this.out.writeSync(bytes.subarray(off));
  }
}
