import { describe, expect, it } from "vitest";
import { diffSnapshots, formatValue } from "./audit-diff";

describe("diffSnapshots", () => {
  it("compares field by field, nested fields by dotted path", () => {
    const rows = diffSnapshots(
      { role: "OBSERVER", displayName: "Olivia", limits: { rate: 10 }, gone: true },
      { role: "MANAGER", displayName: "Olivia", limits: { rate: 20 }, added: [1, 2] },
    );
    expect(rows).toEqual([
      { path: "added", before: undefined, after: [1, 2], kind: "added" },
      { path: "displayName", before: "Olivia", after: "Olivia", kind: "unchanged" },
      { path: "gone", before: true, after: undefined, kind: "removed" },
      { path: "limits.rate", before: 10, after: 20, kind: "changed" },
      { path: "role", before: "OBSERVER", after: "MANAGER", kind: "changed" },
    ]);
  });

  it("treats a creation as all fields added and a deletion as all removed", () => {
    expect(diffSnapshots(null, { a: 1 })).toEqual([{ path: "a", before: undefined, after: 1, kind: "added" }]);
    expect(diffSnapshots({ a: 1 }, null)).toEqual([{ path: "a", before: 1, after: undefined, kind: "removed" }]);
    expect(diffSnapshots(null, null)).toEqual([]);
  });

  it("handles plain values", () => {
    expect(diffSnapshots("x", "y")).toEqual([{ path: "", before: "x", after: "y", kind: "changed" }]);
  });

  it("formats values for display", () => {
    expect(formatValue(undefined)).toBe("—");
    expect(formatValue("text")).toBe("text");
    expect(formatValue({ a: 1 })).toBe('{"a":1}');
  });
});
