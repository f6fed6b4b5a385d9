// Loggers that take plain text. logtape reads `{name}` in a message as a placeholder, and
// our lines carry JSON, error texts and topic names, so the text goes in as one value.
import { getLogger } from "../deps/log.ts";

export interface TextLogger {
  debug(text: string): void;
  info(text: string): void;
  warn(text: string): void;
  error(text: string): void;
}

export function textLogger(...category: string[]): TextLogger {
  const l = getLogger(["kpr", ...category]);
  return {
    debug: (text) => l.debug("{text}", { text }),
    info: (text) => l.info("{text}", { text }),
    warn: (text) => l.warn("{text}", { text }),
    error: (text) => l.error("{text}", { text }),
  };
}
