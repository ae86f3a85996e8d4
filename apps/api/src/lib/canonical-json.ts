/** JSON with object keys sorted, so a hash over it does not depend on key order (jsonb reorders keys). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object" && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/** What a value looks like after a round trip through JSON (dates become strings, undefined disappears). */
export function jsonSafe<T>(value: T): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}
