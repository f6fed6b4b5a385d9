// The tool's version, printed by --version and the start banner. Kept in code (not read
// from deno.json) so it is right when run from a URL or as a compiled binary.
export const VERSION = "0.1.0";
