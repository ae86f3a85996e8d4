import type { AuditEntry } from "@firebreak/domain";
import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { mockApi, sessionFor, type RecordedCall } from "../../../test/mock-api";
import { renderApp } from "../../../test/render-app";

const entry = (seq: number, overrides: Partial<AuditEntry> = {}): AuditEntry => ({
  seq: String(seq),
  at: "2026-03-01T10:00:00.000Z",
  actorId: "00000000-0000-4000-8000-000000000001",
  actorName: "admin",
  actorRole: "ADMIN",
  action: "user.update",
  entityType: "User",
  entityId: "00000000-0000-4000-8000-0000000000aa",
  before: { role: "OBSERVER", displayName: "Olivia" },
  after: { role: "MANAGER", displayName: "Olivia" },
  requestId: `req-${seq}`,
  underAuthorityGrantId: null,
  hash: `hash-${seq}`,
  prevHash: `hash-${seq - 1}`,
  ...overrides,
});

const facets = {
  body: {
    actions: ["auth.login", "user.create", "user.update"],
    entityTypes: ["Session", "User"],
    actors: ["admin", "olivia"],
  },
};

function auditApi(total = 2) {
  return mockApi({
    "GET /api/auth/session": { body: sessionFor("OBSERVER") },
    "GET /api/audit/facets": facets,
    "GET /api/audit": (call: RecordedCall) => ({
      body: {
        items: [entry(2), entry(1, { action: "user.create", before: null, after: { username: "olivia" } })],
        page: Number(call.search.get("page") ?? 1),
        pageSize: Number(call.search.get("pageSize") ?? 50),
        total,
      },
    }),
  });
}

describe("Audit screen", () => {
  it("reads its filters from the URL, sends them to the API and shows the total", async () => {
    const api = auditApi();
    renderApp("/audit?actor=admin&action=user.update");
    expect(await screen.findByRole("heading", { name: "Audit", level: 1 })).toBeInTheDocument();
    expect(screen.getByText("2 matching entries")).toBeInTheDocument();
    const query = api.callsTo("GET", "/api/audit")[0]?.search;
    expect(query?.get("actor")).toBe("admin");
    expect(query?.get("action")).toBe("user.update");
    expect(screen.getByRole("combobox", { name: "Actor" })).toHaveValue("admin");
    const rows = within(screen.getByRole("table")).getAllByRole("row");
    expect(rows).toHaveLength(3);
    expect(within(rows[1]!).getByText("Administrator")).toBeInTheDocument();
    expect(within(rows[1]!).getByText("req-2")).toBeInTheDocument();
    await waitFor(() => expect(document.title).toBe("Audit · Firebreak"));
  });

  it("writes applied filters into the URL so the view can be shared", async () => {
    const api = auditApi();
    const { user, router } = renderApp("/audit?page=2");
    await screen.findByRole("heading", { name: "Audit", level: 1 });
    await user.type(screen.getByRole("textbox", { name: "Entity id" }), "abc-123");
    await user.click(screen.getByRole("combobox", { name: "Entity type" }));
    await user.click(await screen.findByRole("option", { name: "User" }));
    await user.click(screen.getByRole("button", { name: "Apply filters" }));

    await waitFor(() => expect(router.state.location.search).toBe("?entityType=User&entityId=abc-123"));
    await waitFor(() => expect(api.callsTo("GET", "/api/audit").at(-1)?.search.get("entityId")).toBe("abc-123"));
  });

  it("pages through results with the page in the URL", async () => {
    auditApi(120);
    const { user, router } = renderApp("/audit");
    await screen.findByText("120 matching entries");
    expect(screen.getByRole("table")).toHaveAccessibleName("Entries 1–50 of 120");
    await user.click(screen.getByRole("button", { name: "Next page" }));
    await waitFor(() => expect(router.state.location.search).toBe("?page=2"));
  });

  it("opens an entry's before/after in a drawer, by keyboard too", async () => {
    auditApi();
    const { user } = renderApp("/audit");
    await screen.findByRole("heading", { name: "Audit", level: 1 });
    screen.getByRole("button", { name: /Show details of entry 2/ }).focus();
    await user.keyboard("{Enter}");
    const drawer = await screen.findByRole("dialog", { name: "Audit entry #2" });
    expect(within(within(drawer).getByRole("table", { name: "Entry details" })).getByText("req-2")).toBeInTheDocument();
    const changes = within(drawer).getByRole("table", { name: "Changes by field" });
    const roleRow = within(changes).getByRole("rowheader", { name: "role" }).closest("tr")!;
    expect(within(roleRow).getByText("Changed")).toBeInTheDocument();
    expect(within(roleRow).getByText("OBSERVER")).toBeInTheDocument();
    expect(within(roleRow).getByText("MANAGER")).toBeInTheDocument();
    expect(within(changes).queryByRole("rowheader", { name: "displayName" })).not.toBeInTheDocument();
    await user.click(within(drawer).getByRole("switch", { name: /Show 1 unchanged field/ }));
    expect(within(changes).getByRole("rowheader", { name: "displayName" })).toBeInTheDocument();
  });

  it("verifies the chain on demand and reports the first broken entry", async () => {
    const api = auditApi();
    api.set("GET /api/audit/verify", {
      body: { ok: false, checked: 41, firstBrokenSeq: "17", reason: "content hash mismatch" },
    });
    const { user } = renderApp("/audit");
    await screen.findByRole("heading", { name: "Audit", level: 1 });
    expect(api.callsTo("GET", "/api/audit/verify")).toHaveLength(0);
    await user.click(screen.getByRole("button", { name: "Verify chain" }));
    expect(await screen.findByText("Chain broken")).toBeInTheDocument();
    expect(screen.getByText("#17")).toBeInTheDocument();
    expect(screen.getByText(/content hash mismatch/)).toBeInTheDocument();

    api.set("GET /api/audit/verify", { body: { ok: true, checked: 42, firstBrokenSeq: null, reason: null } });
    await user.click(screen.getByRole("button", { name: "Verify chain" }));
    expect(await screen.findByText("Chain intact")).toBeInTheDocument();
    expect(screen.getByText(/All 42 entries verified/)).toBeInTheDocument();
  });

  it("rejects a time range that ends before it starts, using the shared schema", async () => {
    const api = auditApi();
    const { router } = renderApp("/audit?from=2026-03-02T00:00:00.000Z&to=2026-03-01T00:00:00.000Z");
    expect(await screen.findByText("Some filters in the link were ignored")).toBeInTheDocument();
    expect(api.callsTo("GET", "/api/audit")[0]?.search.get("from")).toBeNull();
    expect(router.state.location.pathname).toBe("/audit");
  });
});
