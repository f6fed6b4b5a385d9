// The configuration layer's public API: load and validate the run's configuration, and the
// settings table for --help and permission lists.

export { parseArgs } from "./args.ts";
export type { ParsedArgs } from "./args.ts";
export { ConfigError } from "./errors.ts";
export { helpText } from "./help.ts";
export { denoEnv, loadConfig } from "./load.ts";
export type { EnvReader, LoadedConfig, Preflight, ReadFile } from "./load.ts";
export { ENV_NAMES, settingByEnv, settingByFlag, SETTINGS } from "./settings.ts";
export type { Setting, SettingGroup, SettingKind } from "./settings.ts";
export type * from "./types.ts";
