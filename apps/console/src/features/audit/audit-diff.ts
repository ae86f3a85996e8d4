export type ChangeKind = "added" | "removed" | "changed" | "unchanged";

export interface DiffRow {
  /** Dotted path, e.g. `role` or `settings.limits.0`; empty for a whole non-object value. */
  path: string;
  before: unknown;
  after: unknown;
  kind: ChangeKind;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function flatten(value: unknown, prefix: string, out: Map<string, unknown>) {
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const [key, inner] of Object.entries(value)) flatten(inner, prefix ? `${prefix}.${key}` : key, out);
    return;
  }
  out.set(prefix, value);
}

const MISSING = Symbol("missing");

/** Field-by-field comparison of an audit entry's before and after snapshots. */
export function diffSnapshots(before: unknown, after: unknown): DiffRow[] {
  const left = new Map<string, unknown>();
  const right = new Map<string, unknown>();
  if (before !== null && before !== undefined) flatten(before, "", left);
  if (after !== null && after !== undefined) flatten(after, "", right);
  const paths = [...new Set([...left.keys(), ...right.keys()])].sort();
  return paths.map((path) => {
    const b = left.has(path) ? left.get(path) : MISSING;
    const a = right.has(path) ? right.get(path) : MISSING;
    const kind: ChangeKind =
      b === MISSING
        ? "added"
        : a === MISSING
          ? "removed"
          : JSON.stringify(b) === JSON.stringify(a)
            ? "unchanged"
            : "changed";
    return { path, before: b === MISSING ? undefined : b, after: a === MISSING ? undefined : a, kind };
  });
}

export function formatValue(value: unknown): string {
  if (value === undefined) return "—";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}
