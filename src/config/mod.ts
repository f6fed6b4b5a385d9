// The configuration layer's public API: load and validate the run's configuration, and the
// settings table for --help and permission lists.

export { parseArgs } from "./args.ts";
export { ConfigError } from "./errors.ts";
export { helpText } from "./help.ts";
export { denoEnv, loadConfig } from "./load.ts";
export type { EnvReader, Preflight, ReadFile } from "./load.ts";
export { ENV_NAMES, settingByFlag, SETTINGS } from "./settings.ts";
export type * from "./types.ts";
