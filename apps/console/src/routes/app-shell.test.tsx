import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { mockApi, sessionFor, signedOut } from "../../test/mock-api";
import { renderApp } from "../../test/render-app";
import { getActiveDrill, setActiveDrill } from "../features/fleet/fleet";

const health = {
  body: {
    status: "ok",
    database: { kind: "pglite", reachable: true, latestMigration: "0001_init" },
    version: "0.1.0",
    uptimeSeconds: 12,
  },
};

const navLinks = () =>
  within(screen.getByRole("navigation", { name: "Main navigation" }))
    .getAllByRole("link")
    .map((link) => link.textContent);

describe("App shell", () => {
  it("shows the product, the signed-in user with role label, and landmarks", async () => {
    mockApi({
      "GET /api/auth/session": { body: sessionFor("ERT_LEAD", { displayName: "Erin Lead" }) },
      "GET /api/health": health,
    });
    renderApp("/");
    expect(await screen.findByRole("heading", { name: "Overview", level: 1 })).toBeInTheDocument();
    const banner = screen.getByRole("banner");
    expect(within(banner).getByText("Firebreak")).toBeInTheDocument();
    expect(within(banner).getByText("Erin Lead")).toBeInTheDocument();
    expect(within(banner).getByText("ERT lead")).toBeInTheDocument();
    expect(screen.getByRole("main")).toHaveAttribute("id", "main-content");
    expect(screen.getByRole("link", { name: "Skip to main content" })).toHaveAttribute("href", "#main-content");
    expect(await screen.findByText("All systems working")).toBeInTheDocument();
    await waitFor(() => expect(document.title).toBe("Overview · Firebreak"));
  });

  it("builds the navigation from the permissions table: an observer sees Audit but not Admin", async () => {
    mockApi({ "GET /api/auth/session": { body: sessionFor("OBSERVER") }, "GET /api/health": health });
    renderApp("/");
    await screen.findByRole("heading", { name: "Overview", level: 1 });
    expect(navLinks()).toEqual([
      "Overview",
      "Triage",
      "Emergencies",
      "Out-of-band tasks",
      "Deployments",
      "Rollbacks",
      "Sites & senders",
      "Drills",
      "Audit",
    ]);
  });

  it("an administrator sees Audit and Admin only", async () => {
    mockApi({ "GET /api/auth/session": { body: sessionFor("ADMIN") }, "GET /api/health": health });
    renderApp("/");
    await screen.findByRole("heading", { name: "Overview", level: 1 });
    expect(navLinks()).toEqual(["Overview", "Audit", "Admin"]);
  });

  it("shows an unmistakable drill banner on every screen while a drill is joined, until Leave drill", async () => {
    setActiveDrill({ drillId: "d-1", title: "Q4 worm drill", fleetId: "f-1", emergencyId: null });
    mockApi({
      "GET /api/auth/session": { body: sessionFor("ERT_MEMBER") },
      "GET /api/drills": { body: { items: [] } },
      "GET /api/drills/d-1": { status: 404, body: { code: "NOT_FOUND", message: "No such drill.", requestId: "r" } },
    });
    const { user, router } = renderApp("/drills");
    expect(await screen.findByRole("heading", { name: "Drills", level: 1 })).toBeInTheDocument();
    const banner = screen.getByRole("complementary", { name: "Drill mode" });
    expect(banner).toHaveTextContent("DRILL — Q4 worm drill · sandbox fleet · nothing here touches production");
    expect(screen.getByRole("link", { name: "Drills" })).toHaveAttribute("aria-current", "page");
    await user.click(within(banner).getByRole("button", { name: "Leave drill" }));
    expect(screen.queryByRole("complementary", { name: "Drill mode" })).not.toBeInTheDocument();
    await waitFor(() => expect(router.state.location.pathname).toBe("/drills/d-1"));
    expect(getActiveDrill()).toBeNull();
  });

  it("signs out with the CSRF token and returns to the sign-in page", async () => {
    let signedIn = true;
    const api = mockApi({
      "GET /api/auth/session": () => (signedIn ? { body: sessionFor("MANAGER") } : signedOut),
      "POST /api/auth/logout": () => {
        signedIn = false;
        return { status: 204 };
      },
      "GET /api/health": health,
    });
    const { user, router } = renderApp("/");
    await user.click(await screen.findByRole("button", { name: "Sign out" }));
    expect(await screen.findByRole("heading", { name: "Sign in to Firebreak" })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/login");
    expect(router.state.location.search).toBe("");
    expect(api.callsTo("POST", "/api/auth/logout")[0]?.headers.get("x-csrf-token")).toBe("csrf-manager");
  });

  it("returns to sign-in, remembering the page, when the session ends mid-use", async () => {
    mockApi({
      "GET /api/auth/session": { body: sessionFor("OBSERVER") },
      "GET /api/audit": { body: { items: [], page: 1, pageSize: 50, total: 0 } },
      "GET /api/audit/facets": { body: { actions: [], entityTypes: [], actors: [] } },
      "GET /api/audit/verify": signedOut,
    });
    const { user, router } = renderApp("/audit?action=user.");
    await user.click(await screen.findByRole("button", { name: "Verify chain" }));
    expect(await screen.findByRole("heading", { name: "Sign in to Firebreak" })).toBeInTheDocument();
    expect(router.state.location.search).toBe(`?next=${encodeURIComponent("/audit?action=user.")}`);
  });
});
