// Structured logging, pinned (@std/log is deleted upstream and JSR is unreachable).
export {
  configure as configureLogging,
  getLogger,
  type Logger,
  type LogRecord,
  reset as resetLogging,
} from "npm:@logtape/logtape@2.4.2";
