// The error for every user mistake in configuration (flags, environment, .env, credentials).
// It carries all problems found, not just the first, so one run shows everything to fix;
// main.ts maps it to exit code 2. Messages never contain a secret value.

export class ConfigError extends Error {
  override readonly name = "ConfigError";

  constructor(readonly problems: string[]) {
    super(
      problems.length === 1
        ? `Configuration problem: ${problems[0]}`
        : `${problems.length} configuration problems:\n${
          problems.map((p) => `  - ${p}`).join("\n")
        }`,
    );
  }
}
