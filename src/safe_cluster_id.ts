// A cluster id made safe to use as part of a file name. A leaf module (no imports): config/
// refuses clusters whose ids would write the same report files, and report/ names the files,
// so both layers ask it without config/ depending on report/.

/**
 * Keeps [A-Za-z0-9._-] and turns any other character (one "_" per code point) into "_", so an
 * id can never name another directory ("/", "\\") or hold a character some file system
 * refuses, and the name's length in bytes is the id's in characters. Two ids may map to the
 * same name (`a/b`, `a_b`; `A` and `a` where case is ignored): config/ refuses such pairs.
 */
export function safeClusterId(clusterId: string): string {
  return clusterId.replace(/[^A-Za-z0-9._-]/gu, "_") || "_";
}
