// Which topics a run analyses: TOPIC_FILTER's case-insensitive substrings (empty = all),
// and internal topics (names starting with "_", like `__consumer_offsets` or Confluent's
// `_confluent-*`) only with INCLUDE_INTERNAL_TOPICS, as the reference tool did.

export function isInternalTopic(name: string): boolean {
  return name.startsWith("_");
}

export function selectTopics(
  names: readonly string[],
  filter: readonly string[],
  includeInternal: boolean,
): string[] {
  const needles = filter.map((f) => f.toLowerCase()).filter((f) => f !== "");
  return names.filter((name) => {
    if (!includeInternal && isInternalTopic(name)) return false;
    if (needles.length === 0) return true;
    const lower = name.toLowerCase();
    return needles.some((n) => lower.includes(n));
  });
}
