import { describe, expect, it } from "vitest";
import { auditSearchFrom, parseAuditSearch } from "./audit.search-params";

describe("audit search params", () => {
  it("reads filters and paging from the URL", () => {
    const { filters, ignored } = parseAuditSearch(
      new URLSearchParams("actor=alice&action=user.&entityType=User&page=3&pageSize=25&from=2026-01-01T00:00:00.000Z"),
    );
    expect(filters).toEqual({
      actor: "alice",
      action: "user.",
      entityType: "User",
      from: "2026-01-01T00:00:00.000Z",
      page: 3,
      pageSize: 25,
    });
    expect(ignored).toEqual([]);
  });

  it("uses defaults and ignores unknown parameters", () => {
    expect(parseAuditSearch(new URLSearchParams("foo=bar")).filters).toEqual({ page: 1, pageSize: 50 });
  });

  it("drops invalid parts with the schema's message instead of failing the page", () => {
    const { filters, ignored } = parseAuditSearch(new URLSearchParams("actor=bob&from=yesterday&page=0"));
    expect(filters).toEqual({ actor: "bob", page: 1, pageSize: 50 });
    expect(ignored).toHaveLength(2);
    expect(ignored.join(" ")).toMatch(/From: must be an ISO-8601 date-time/);
  });

  it("drops `from` when it is after `to`", () => {
    const { filters, ignored } = parseAuditSearch(
      new URLSearchParams("from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z"),
    );
    expect(filters).toEqual({ to: "2026-01-01T00:00:00Z", page: 1, pageSize: 50 });
    expect(ignored[0]).toMatch(/must not be after/);
  });

  it("round-trips, leaving defaults out of the URL", () => {
    const filters = { entityId: "abc", page: 1, pageSize: 50 };
    expect(auditSearchFrom(filters).toString()).toBe("entityId=abc");
    expect(parseAuditSearch(auditSearchFrom({ ...filters, page: 2, pageSize: 100 })).filters).toEqual({
      entityId: "abc",
      page: 2,
      pageSize: 100,
    });
  });
});
